// The routes of the Security pages (docs/security.md, README "HTTP API"): signing keys, users,
// roles and invites.
import { api } from './index';
import type { Permission, User } from './types';

const enc = encodeURIComponent;

export interface SigningKey {
  keyId: string;
  algorithm: string;
  active: boolean;
  createdAt: number;
  source: 'managed' | 'env';
  deactivatedAt?: number | null;
}

/** A key as created or rotated: its secret is shown this once. */
export interface NewSigningKey extends SigningKey {
  secret: string;
  rotatedFrom?: string;
}

export const keysApi = {
  list: () => api.get<SigningKey[]>('/api/admin/keys'),
  create: () => api.post<NewSigningKey>('/api/admin/keys', {}),
  rotate: (id: string) => api.post<NewSigningKey>(`/api/admin/keys/${enc(id)}/rotate`, {}),
  deactivate: (id: string) => api.post<SigningKey>(`/api/admin/keys/${enc(id)}/deactivate`, {}),
  remove: (id: string) => api.delete<unknown>(`/api/admin/keys/${enc(id)}`),
};

export interface Role {
  id: string;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: Permission[];
  createdAt: number;
  updatedAt: number;
}

export interface RoleInput {
  name: string;
  description: string;
  permissions: Permission[];
}

export const rolesApi = {
  list: () => api.get<Role[]>('/api/roles'),
  create: (r: RoleInput) => api.post<Role>('/api/roles', r),
  update: (id: string, patch: Partial<RoleInput>) => api.patch<Role>(`/api/roles/${enc(id)}`, patch),
  remove: (id: string) => api.delete<unknown>(`/api/roles/${enc(id)}`),
};

export interface UserInput {
  name: string;
  email: string;
  password: string;
  roleIds: string[];
}

export const adminUsersApi = {
  list: () => api.get<User[]>('/api/users'),
  create: (u: UserInput) => api.post<User>('/api/users', u),
  update: (id: string, patch: { name?: string; email?: string; disabled?: boolean }) =>
    api.patch<User>(`/api/users/${enc(id)}`, patch),
  remove: (id: string) => api.delete<unknown>(`/api/users/${enc(id)}`),
  assignRole: (id: string, roleId: string) => api.post<User>(`/api/users/${enc(id)}/roles`, { roleId }),
  removeRole: (id: string, roleId: string) => api.delete<User>(`/api/users/${enc(id)}/roles/${enc(roleId)}`),
  /** An administrator sets a new password (no current password needed for another user). */
  setPassword: (id: string, newPassword: string) =>
    api.post<{ success: boolean }>(`/api/users/${enc(id)}/change-password`, { newPassword }),
  /** An administrator turns another user's MFA off (they set it up again at next sign-in). */
  resetMfa: (id: string) => api.post<{ enabled: false }>(`/api/users/${enc(id)}/mfa/disable`, {}),
};

export type InviteStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invite {
  id: string;
  email: string;
  roleId: string;
  status: InviteStatus;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

export interface NewInvite extends Invite {
  token: string;
  inviteUrl: string;
  emailSent: boolean;
}

export const invitesApi = {
  list: () => api.get<Invite[]>('/api/invites'),
  create: (email: string, roleId: string) => api.post<NewInvite>('/api/invites', { email, roleId }),
  revoke: (id: string) => api.post<Invite>(`/api/invites/${enc(id)}/revoke`, {}),
  remove: (id: string) => api.delete<unknown>(`/api/invites/${enc(id)}`),
};
