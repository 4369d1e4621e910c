import { describe, expect, it } from 'vitest';
import { fromPermissions, rowState, toPermissions, toggle, toggleColumn, toggleRow, RESOURCES } from './permissionMatrix';

describe('permission matrix', () => {
  it('round-trips the API list in table order', () => {
    const m = fromPermissions([{ resource: 'users', action: 'read' }, { resource: 'topics', action: 'delete' }, { resource: 'topics', action: 'read' }]);
    expect(toPermissions(m)).toEqual([{ resource: 'topics', action: 'read' }, { resource: 'topics', action: 'delete' }, { resource: 'users', action: 'read' }]);
  });
  it('keeps permissions it does not know', () => {
    expect(toPermissions(new Set(['future:read']))).toEqual([{ resource: 'future', action: 'read' }]);
  });
  it('toggles a cell', () => {
    const m = toggle(new Set(), 'topics', 'read');
    expect([...m]).toEqual(['topics:read']);
    expect([...toggle(m, 'topics', 'read')]).toEqual([]);
  });
  it('toggles a row: all on, then all off', () => {
    const on = toggleRow(new Set(['keys:read']), 'keys');
    expect(rowState(on, 'keys')).toBe('all');
    expect(rowState(toggleRow(on, 'keys'), 'keys')).toBe('none');
    expect(rowState(new Set(['keys:read']), 'keys')).toBe('some');
  });
  it('toggles a column over every resource', () => {
    const m = toggleColumn(new Set(), 'read');
    expect(m.size).toBe(RESOURCES.length);
    expect(toggleColumn(m, 'read').size).toBe(0);
  });
});
