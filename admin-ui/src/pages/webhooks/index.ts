export { WebhooksPage } from './WebhooksPage';
export { WebhookLogsPage } from './WebhookLogsPage';
