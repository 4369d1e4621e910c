/** base64url (RFC 4648 §5, padding optional) to a UTF-8 string, with no Node or DOM dependency. */
export function base64UrlDecode(input: string): string {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(input)) throw new TypeError('invalid base64url');
  const b64 = input.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (b64.length % 4 === 1) throw new TypeError('invalid base64url length');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
