// The Overview pages beyond the dashboard (Monitoring, Alert Center): one lazily loaded chunk.
export { MonitoringPage } from './MonitoringPage';
export { AlertsPage } from './AlertsPage';
