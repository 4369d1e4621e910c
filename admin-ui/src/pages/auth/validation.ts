export type FieldErrors<K extends string> = Partial<Record<K, string>>;

export function emailProblem(email: string): string | null {
  if (!email.trim()) return 'Enter your email address.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return 'Enter a valid email address.';
  return null;
}

/** Keeps the entries that have a message; empty → the form may be submitted. */
export function collectErrors<K extends string>(checks: Record<K, string | null>): FieldErrors<K> {
  const out: FieldErrors<K> = {};
  for (const k of Object.keys(checks) as K[]) if (checks[k]) out[k] = checks[k]!;
  return out;
}
