// The permission matrix of the roles editor: the RBAC resources (docs/security.md "Roles") ×
// read, create, update, delete, as a set of "resource:action" strings.
import type { Permission } from '../../api/types';

export const RESOURCES = [
  'topics', 'schemas', 'mappings', 'webhooks', 'deployments', 'debugger', 'documents', 'socket', 'events',
  'applications', 'metrics', 'workers', 'users', 'roles', 'invites', 'keys',
] as const;
export const ACTIONS = ['read', 'create', 'update', 'delete'] as const;

export type Matrix = ReadonlySet<string>;

export function fromPermissions(list: readonly Permission[]): Set<string> {
  return new Set(list.map((p) => `${p.resource}:${p.action}`));
}

/** The matrix as the API's list, in table order; resources the matrix does not know are kept. */
export function toPermissions(m: Matrix): Permission[] {
  const out: Permission[] = [];
  for (const resource of RESOURCES) for (const action of ACTIONS) if (m.has(`${resource}:${action}`)) out.push({ resource, action });
  for (const p of m) {
    const [resource, action] = p.split(':');
    if (!(RESOURCES as readonly string[]).includes(resource) || !(ACTIONS as readonly string[]).includes(action)) out.push({ resource, action });
  }
  return out;
}

export function toggle(m: Matrix, resource: string, action: string): Set<string> {
  const next = new Set(m);
  const key = `${resource}:${action}`;
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** Every action of a resource on (or off when all are on). */
export function toggleRow(m: Matrix, resource: string): Set<string> {
  const next = new Set(m);
  const all = ACTIONS.every((a) => m.has(`${resource}:${a}`));
  for (const a of ACTIONS) {
    if (all) next.delete(`${resource}:${a}`);
    else next.add(`${resource}:${a}`);
  }
  return next;
}

/** One action on every resource (or off when every resource has it). */
export function toggleColumn(m: Matrix, action: string): Set<string> {
  const next = new Set(m);
  const all = RESOURCES.every((r) => m.has(`${r}:${action}`));
  for (const r of RESOURCES) {
    if (all) next.delete(`${r}:${action}`);
    else next.add(`${r}:${action}`);
  }
  return next;
}

export function rowState(m: Matrix, resource: string): 'all' | 'some' | 'none' {
  const n = ACTIONS.filter((a) => m.has(`${resource}:${a}`)).length;
  return n === ACTIONS.length ? 'all' : n === 0 ? 'none' : 'some';
}
