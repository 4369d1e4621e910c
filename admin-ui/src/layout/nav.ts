// The sidebar of spec/11-12: seven sections, each page with the permission that shows it.
import type { SvgIconComponent } from '@mui/icons-material';
import DashboardOutlined from '@mui/icons-material/DashboardOutlined';
import MonitorHeartOutlined from '@mui/icons-material/MonitorHeartOutlined';
import NotificationsActiveOutlined from '@mui/icons-material/NotificationsActiveOutlined';
import TopicOutlined from '@mui/icons-material/TopicOutlined';
import SchemaOutlined from '@mui/icons-material/SchemaOutlined';
import AccountTreeOutlined from '@mui/icons-material/AccountTreeOutlined';
import GridViewOutlined from '@mui/icons-material/GridViewOutlined';
import RocketLaunchOutlined from '@mui/icons-material/RocketLaunchOutlined';
import DescriptionOutlined from '@mui/icons-material/DescriptionOutlined';
import ManageSearchOutlined from '@mui/icons-material/ManageSearchOutlined';
import CableOutlined from '@mui/icons-material/CableOutlined';
import WebhookOutlined from '@mui/icons-material/WebhookOutlined';
import ReceiptLongOutlined from '@mui/icons-material/ReceiptLongOutlined';
import BugReportOutlined from '@mui/icons-material/BugReportOutlined';
import ReplayOutlined from '@mui/icons-material/ReplayOutlined';
import SpeedOutlined from '@mui/icons-material/SpeedOutlined';
import StorageOutlined from '@mui/icons-material/StorageOutlined';
import VerifiedOutlined from '@mui/icons-material/VerifiedOutlined';
import KeyOutlined from '@mui/icons-material/KeyOutlined';
import PeopleOutlined from '@mui/icons-material/PeopleOutlined';
import AdminPanelSettingsOutlined from '@mui/icons-material/AdminPanelSettingsOutlined';
import ForwardToInboxOutlined from '@mui/icons-material/ForwardToInboxOutlined';
import type { PermissionName } from '../auth/permissions';

export interface NavItem {
  label: string;
  path: string;
  icon: SvgIconComponent;
  /** The permission needed to see the page. */
  permission: PermissionName;
  description: string;
  /** The main API the page uses. */
  api?: string;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  {
    title: 'Overview',
    items: [
      { label: 'Dashboard', path: '/', icon: DashboardOutlined, permission: 'metrics:read', description: 'Realtime delivery, database pipeline and async reliability at a glance.' },
      { label: 'Monitoring', path: '/monitoring', icon: MonitorHeartOutlined, permission: 'workers:read', description: 'Overall system health and the status of every service.', api: 'GET /api/status' },
      { label: 'Alert Center', path: '/alerts', icon: NotificationsActiveOutlined, permission: 'metrics:read', description: 'System alerts by severity, scoped to the selected environment.', api: 'GET /api/alerts' },
    ],
  },
  {
    title: 'Registry',
    items: [
      { label: 'Topics', path: '/topics', icon: TopicOutlined, permission: 'topics:read', description: 'The topic registry of the selected application and environment.' },
      { label: 'Schemas', path: '/schemas', icon: SchemaOutlined, permission: 'schemas:read', description: 'JSON Schema versions per topic: register, compare and validate.' },
      { label: 'Mappings', path: '/mappings', icon: AccountTreeOutlined, permission: 'mappings:read', description: 'Database-to-topic mappings with versions and promotion.', api: 'GET /api/database/mappings' },
      { label: 'Environment Grid', path: '/environments', icon: GridViewOutlined, permission: 'deployments:read', description: 'Every promotable entity across development, staging and production.', api: 'GET /api/environments/grid' },
      { label: 'Deployments', path: '/deployments', icon: RocketLaunchOutlined, permission: 'deployments:read', description: 'Promote configuration between environments.', api: 'GET /api/deployments' },
    ],
  },
  {
    title: 'Services',
    items: [
      { label: 'Document Browser', path: '/documents', icon: DescriptionOutlined, permission: 'documents:read', description: 'Sync documents by registered service.', api: 'GET /api/services' },
      { label: 'Document Inspector', path: '/documents/inspect', icon: ManageSearchOutlined, permission: 'documents:read', description: 'Inspect, merge into and follow one document.', api: 'GET /api/sync/:service/documents/:id' },
      { label: 'Socket Monitor', path: '/socket', icon: CableOutlined, permission: 'socket:read', description: 'Live connections, channels and traffic.', api: 'GET /api/socket/connections' },
    ],
  },
  {
    title: 'Webhooks',
    items: [
      { label: 'Endpoints', path: '/webhooks', icon: WebhookOutlined, permission: 'webhooks:read', description: 'Webhook endpoints and their status.', api: 'GET /api/webhooks' },
      { label: 'Delivery Logs', path: '/webhooks/logs', icon: ReceiptLongOutlined, permission: 'webhooks:read', description: 'Webhook delivery history, payloads and retries.', api: 'GET /api/webhooks/logs' },
    ],
  },
  {
    title: 'Debugging',
    items: [
      { label: 'Event Debugger', path: '/debugger', icon: BugReportOutlined, permission: 'debugger:read', description: 'Event traces and routing decisions.', api: 'GET /api/debugger/traces' },
      { label: 'Replay Tool', path: '/replay', icon: ReplayOutlined, permission: 'debugger:read', description: 'Replay traced events in dry-run, router, websocket or webhook mode.', api: 'POST /api/debugger/replay' },
    ],
  },
  {
    title: 'Dashboards',
    items: [
      { label: 'Realtime Delivery', path: '/dashboards/delivery', icon: SpeedOutlined, permission: 'metrics:read', description: 'Connections, events per second and fan-out latency over time.', api: 'GET /api/metrics/history' },
      { label: 'Database Pipeline', path: '/dashboards/pipeline', icon: StorageOutlined, permission: 'metrics:read', description: 'CDC and outbox lag, captured vs routed events, failures.', api: 'GET /api/metrics/history' },
      { label: 'Async Reliability', path: '/dashboards/reliability', icon: VerifiedOutlined, permission: 'metrics:read', description: 'Queue depth, retries, dead letters, webhook rates, workers.', api: 'GET /api/metrics/history' },
    ],
  },
  {
    title: 'Security',
    items: [
      { label: 'Signing Keys', path: '/keys', icon: KeyOutlined, permission: 'keys:read', description: 'JWT signing keys: create, rotate, deactivate.', api: 'GET /api/admin/keys' },
      { label: 'Users', path: '/users', icon: PeopleOutlined, permission: 'users:read', description: 'User accounts, roles and MFA.', api: 'GET /api/users' },
      { label: 'Roles', path: '/roles', icon: AdminPanelSettingsOutlined, permission: 'roles:read', description: 'Built-in and custom roles with their permission matrix.', api: 'GET /api/roles' },
      { label: 'Invites', path: '/invites', icon: ForwardToInboxOutlined, permission: 'invites:read', description: 'Invite users by email with a role.', api: 'GET /api/invites' },
    ],
  },
];

export const NAV_ITEMS: NavItem[] = NAV.flatMap((s) => s.items);
