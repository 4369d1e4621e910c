// Permissions of the signed-in user, as "resource:action" strings ("topics:create"), from
// GET /api/auth/me. <Can> hides or disables what the user may not do; usePermissions() asks.
import { cloneElement, createContext, isValidElement, useContext, useMemo } from 'react';
import type { ReactElement, ReactNode } from 'react';
import Tooltip from '@mui/material/Tooltip';
import type { Permission } from '../api/types';

export type PermissionName = `${string}:${string}`;
/** One permission, or a list that must all be held. */
export type PermissionRequirement = PermissionName | readonly PermissionName[];

interface PermissionsState {
  permissions: ReadonlySet<string>;
  loading: boolean;
}

const PermissionsContext = createContext<PermissionsState>({ permissions: new Set(), loading: false });

export function toPermissionSet(list: readonly (Permission | string)[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const p of list ?? []) out.add(typeof p === 'string' ? p : `${p.resource}:${p.action}`);
  return out;
}

export function PermissionsProvider(props: {
  permissions: readonly (Permission | string)[] | undefined;
  loading?: boolean;
  children: ReactNode;
}) {
  const { permissions, loading = false, children } = props;
  const value = useMemo(() => ({ permissions: toPermissionSet(permissions), loading }), [permissions, loading]);
  return <PermissionsContext.Provider value={value}>{children}</PermissionsContext.Provider>;
}

export function allows(set: ReadonlySet<string>, need: PermissionRequirement | undefined): boolean {
  if (!need) return true;
  const list = typeof need === 'string' ? [need] : need;
  return list.every((p) => set.has(p));
}

export function usePermissions() {
  const { permissions, loading } = useContext(PermissionsContext);
  return useMemo(
    () => ({
      permissions,
      loading,
      can: (need: PermissionRequirement | undefined) => allows(permissions, need),
    }),
    [permissions, loading],
  );
}

export interface CanProps {
  permission: PermissionRequirement;
  /** hide (default): render `fallback` (nothing) instead. disable: render the child disabled. */
  mode?: 'hide' | 'disable';
  fallback?: ReactNode;
  children: ReactNode | ((allowed: boolean) => ReactNode);
}

function describe(need: PermissionRequirement): string {
  return typeof need === 'string' ? need : need.join(', ');
}

export function Can({ permission, mode = 'hide', fallback = null, children }: CanProps) {
  const { can } = usePermissions();
  const allowed = can(permission);
  if (typeof children === 'function') return <>{children(allowed)}</>;
  if (allowed) return <>{children}</>;
  if (mode === 'hide' || !isValidElement(children)) return <>{fallback}</>;
  const child = children as ReactElement<{ disabled?: boolean; 'aria-disabled'?: boolean }>;
  // A disabled button gets no pointer events: the span carries the tooltip that says why.
  return (
    <Tooltip title={`You need the permission ${describe(permission)}`}>
      <span style={{ display: 'inline-flex' }} data-permission-denied={describe(permission)}>
        {cloneElement(child, { disabled: true, 'aria-disabled': true })}
      </span>
    </Tooltip>
  );
}
