import { describe, expect, it } from 'vitest';
import { roleChanges, userFormProblems } from './users';

describe('userFormProblems', () => {
  it('needs name, email, a good password and a role to create', () => {
    expect(Object.keys(userFormProblems({ name: ' ', email: 'x', password: 'short', roleIds: [] }, true)).sort()).toEqual(['email', 'name', 'password', 'roleIds']);
    expect(userFormProblems({ name: 'Ann', email: 'ann@example.com', password: 'correct horse battery', roleIds: ['role_viewer'] }, true)).toEqual({});
  });
  it('does not ask for a password or roles when editing', () => {
    expect(userFormProblems({ name: 'Ann', email: 'ann@example.com', password: '', roleIds: [] }, false)).toEqual({});
  });
  it('refuses the email as password', () => {
    expect(userFormProblems({ name: 'A', email: 'longer.address@example.com', password: 'longer.address@example.com', roleIds: ['r'] }, true).password).toMatch(/email/);
  });
});

describe('roleChanges', () => {
  it('lists the roles to add and to remove', () => {
    expect(roleChanges(['a', 'b'], ['b', 'c'])).toEqual({ add: ['c'], remove: ['a'] });
    expect(roleChanges(['a'], ['a'])).toEqual({ add: [], remove: [] });
  });
});
