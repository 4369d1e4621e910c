export { SchemasPage } from './SchemasPage';
