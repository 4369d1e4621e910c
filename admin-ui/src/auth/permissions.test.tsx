import { render, renderHook, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { Can, PermissionsProvider, toPermissionSet, usePermissions } from './permissions';

function withPermissions(permissions: string[]) {
  return ({ children }: { children: ReactNode }) => (
    <PermissionsProvider permissions={permissions}>{children}</PermissionsProvider>
  );
}

describe('<Can>', () => {
  it('renders its child when the permission is held', () => {
    render(
      <Can permission="topics:create">
        <button>Create topic</button>
      </Can>,
      { wrapper: withPermissions(['topics:read', 'topics:create']) },
    );
    expect(screen.getByRole('button', { name: 'Create topic' })).toBeEnabled();
  });

  it('hides its child (renders the fallback) when the permission is missing', () => {
    render(
      <Can permission="topics:delete" fallback={<span>read only</span>}>
        <button>Delete</button>
      </Can>,
      { wrapper: withPermissions(['topics:read']) },
    );
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.getByText('read only')).toBeInTheDocument();
  });

  it('renders its child disabled in disable mode, saying which permission is missing', () => {
    const { container } = render(
      <Can permission="schemas:create" mode="disable">
        <button>Register version</button>
      </Can>,
      { wrapper: withPermissions(['schemas:read']) },
    );
    const button = screen.getByRole('button', { name: 'Register version' });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('aria-disabled', 'true');
    expect(container.querySelector('[data-permission-denied="schemas:create"]')).not.toBeNull();
  });

  it('needs every permission of a list', () => {
    render(
      <>
        <Can permission={['users:read', 'users:update']}>
          <button>Edit user</button>
        </Can>
        <Can permission={['users:read']}>
          <button>View user</button>
        </Can>
      </>,
      { wrapper: withPermissions(['users:read']) },
    );
    expect(screen.queryByRole('button', { name: 'Edit user' })).toBeNull();
    expect(screen.getByRole('button', { name: 'View user' })).toBeInTheDocument();
  });

  it('passes the verdict to a render function', () => {
    render(<Can permission="keys:create">{(allowed) => <span>{allowed ? 'yes' : 'no'}</span>}</Can>, {
      wrapper: withPermissions(['keys:read']),
    });
    expect(screen.getByText('no')).toBeInTheDocument();
  });

  it('allows nothing without a provider (signed out)', () => {
    render(
      <Can permission="topics:read">
        <span>secret</span>
      </Can>,
    );
    expect(screen.queryByText('secret')).toBeNull();
  });
});

describe('usePermissions', () => {
  it('reads the {resource, action} list of GET /api/auth/me', () => {
    const me = [
      { resource: 'topics', action: 'read' },
      { resource: 'topics', action: 'update' },
    ];
    const { result } = renderHook(() => usePermissions(), {
      wrapper: ({ children }) => <PermissionsProvider permissions={me}>{children}</PermissionsProvider>,
    });
    expect(result.current.can('topics:read')).toBe(true);
    expect(result.current.can('topics:update')).toBe(true);
    expect(result.current.can('topics:delete')).toBe(false);
    expect(result.current.can(undefined)).toBe(true);
  });

  it('toPermissionSet accepts strings and objects', () => {
    expect([...toPermissionSet(['a:read', { resource: 'b', action: 'create' }])]).toEqual(['a:read', 'b:create']);
  });
});
