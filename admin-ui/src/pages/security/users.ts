// Checks of the user forms (docs/security.md "Admin users"), and the role changes of the
// roles dialog; the server checks again.
import { passwordProblem } from '../../components/PasswordField';

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UserForm {
  name: string;
  email: string;
  password: string;
  roleIds: string[];
}

export type UserErrors = Partial<Record<keyof UserForm, string>>;

/** Problems of the create (with a password and at least one role) or edit form. */
export function userFormProblems(f: UserForm, creating: boolean): UserErrors {
  const e: UserErrors = {};
  if (!f.name.trim()) e.name = 'Enter a name.';
  else if (f.name.trim().length > 200) e.name = 'At most 200 characters.';
  if (!EMAIL.test(f.email.trim())) e.email = 'Enter an email address.';
  if (creating) {
    const p = passwordProblem(f.password, f.email.trim());
    if (p) e.password = p;
    if (f.roleIds.length === 0) e.roleIds = 'Pick at least one role.';
  }
  return e;
}

/** The role assignments and removals that turn `current` into `next`. */
export function roleChanges(current: readonly string[], next: readonly string[]): { add: string[]; remove: string[] } {
  return { add: next.filter((r) => !current.includes(r)), remove: current.filter((r) => !next.includes(r)) };
}
