// The Dashboards pages (delivery, pipeline, reliability): one lazily loaded chunk.
export { DeliveryDashboard } from './DeliveryDashboard';
export { PipelineDashboard } from './PipelineDashboard';
export { ReliabilityDashboard } from './ReliabilityDashboard';
