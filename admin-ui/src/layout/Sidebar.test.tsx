import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { PermissionsProvider } from '../auth/permissions';
import { NAV } from './nav';
import { activeNavPath, Sidebar } from './Sidebar';

function renderSidebar(permissions: string[], path = '/') {
  return render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: false, v7_relativeSplatPath: true }}>
      <PermissionsProvider permissions={permissions}>
        <Sidebar />
      </PermissionsProvider>
    </MemoryRouter>,
  );
}

describe('Sidebar', () => {
  it('has the seven sections of spec/11', () => {
    expect(NAV.map((s) => s.title)).toEqual(['Overview', 'Registry', 'Services', 'Webhooks', 'Debugging', 'Dashboards', 'Security']);
  });

  it('shows only the pages the user may read, and drops empty sections', () => {
    renderSidebar(['topics:read', 'schemas:read'], '/topics');
    expect(screen.getByRole('heading', { name: 'Registry' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Security' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Topics' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Schemas' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Mappings' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Users' })).toBeNull();
  });

  it('selects the most specific page of a path', () => {
    expect(activeNavPath('/webhooks/logs')).toBe('/webhooks/logs');
    expect(activeNavPath('/webhooks')).toBe('/webhooks');
    expect(activeNavPath('/documents/inspect')).toBe('/documents/inspect');
    expect(activeNavPath('/')).toBe('/');
    expect(activeNavPath('/unknown')).toBeUndefined();
  });
});
