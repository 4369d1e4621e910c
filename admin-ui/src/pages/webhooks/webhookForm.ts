// The endpoint form's rules (docs/webhooks.md "Validation and SSRF rules"), checked before
// submitting — the server checks again — and the client-side secret generator.
import type { Ordering, SignatureScheme, WebhookInput } from '../../api/operations';

export interface WebhookForm {
  url: string;
  secret: string;
  events: string[];
  /** Topic patterns, comma or newline separated. */
  topics: string;
  signatureScheme: SignatureScheme;
  ordering: Ordering;
  maxConcurrency: string;
  description: string;
  active: boolean;
}

export type WebhookFormErrors = Partial<Record<'url' | 'secret' | 'events' | 'maxConcurrency' | 'description', string>>;

export const EMPTY_FORM: WebhookForm = {
  url: '',
  secret: '',
  events: [],
  topics: '',
  signatureScheme: 'realtime',
  ordering: 'none',
  maxConcurrency: '10',
  description: '',
  active: true,
};

/** A random `whsec_` + base64 secret of 32 bytes: valid for both signature schemes. */
export function generateSecret(bytes = 32): string {
  const raw = new Uint8Array(bytes);
  crypto.getRandomValues(raw);
  let bin = '';
  for (const b of raw) bin += String.fromCharCode(b);
  return `whsec_${btoa(bin)}`;
}

export function splitPatterns(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function base64Bytes(s: string): number | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  try {
    return atob(s).length;
  } catch {
    return null;
  }
}

export function validateWebhook(f: WebhookForm): WebhookFormErrors {
  const e: WebhookFormErrors = {};
  const url = f.url.trim();
  if (!url) e.url = 'Enter the URL that receives the deliveries.';
  else if (url.length > 2048) e.url = 'At most 2048 characters.';
  else {
    let u: URL | null = null;
    try {
      u = new URL(url);
    } catch {
      e.url = 'Not an absolute URL, e.g. https://example.com/webhook.';
    }
    if (u) {
      if (u.protocol !== 'http:' && u.protocol !== 'https:') e.url = 'The scheme must be http or https.';
      else if (u.username || u.password) e.url = 'No credentials in the URL.';
      else if (u.hash || url.includes('#')) e.url = 'No fragment (#…) in the URL.';
    }
  }
  if (f.secret.length < 8 || f.secret.length > 256) e.secret = 'Between 8 and 256 characters (or generate one).';
  else if (f.signatureScheme === 'standard') {
    const n = f.secret.startsWith('whsec_') ? base64Bytes(f.secret.slice(6)) : null;
    if (n === null || n < 24 || n > 64) e.secret = 'Standard Webhooks needs whsec_ + base64 of 24–64 bytes (generate one).';
  }
  if (f.events.length === 0 && splitPatterns(f.topics).length === 0) e.events = 'Choose at least one event type or enter a topic pattern.';
  const n = Number(f.maxConcurrency);
  if (!/^\d+$/.test(f.maxConcurrency.trim()) || n < 1 || n > 100) e.maxConcurrency = 'A whole number from 1 to 100.';
  if (f.description.length > 1000) e.description = 'At most 1000 characters.';
  return e;
}

export function toInput(f: WebhookForm): WebhookInput {
  return {
    url: f.url.trim(),
    secret: f.secret,
    events: f.events,
    topics: splitPatterns(f.topics),
    signatureScheme: f.signatureScheme,
    ordering: f.ordering,
    maxConcurrency: Number(f.maxConcurrency),
    description: f.description.trim(),
    active: f.active,
  };
}
