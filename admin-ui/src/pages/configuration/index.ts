// The Configuration pages (spec/12 Mappings, Environment Grid, Deployments): one lazily loaded chunk.
export { MappingsPage } from './mappings/MappingsPage';
export { EnvironmentsPage } from './environments/EnvironmentsPage';
export { DeploymentsPage } from './deployments/DeploymentsPage';
