// The Security pages (signing keys, users, roles, invites): one lazily loaded chunk.
export { KeysPage } from './KeysPage';
export { UsersPage } from './UsersPage';
export { RolesPage } from './RolesPage';
export { InvitesPage } from './InvitesPage';
