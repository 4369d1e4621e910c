// The replay's `overrides` (docs/debugger.md "Replay"): a JSON object whose only keys are
// payload (an object), type (a non-empty string) and metadata ({table?, operation?, revision?}).
// Checked before sending so that a typo is explained beside the field; the server checks again.
import { parseJson } from '../../components/JsonField';

export const OVERRIDE_KEYS = ['payload', 'type', 'metadata'] as const;
const METADATA_KEYS = ['table', 'operation', 'revision'];

export type OverridesCheck = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks the overrides text; empty text means no overrides. */
export function checkOverrides(text: string): OverridesCheck {
  if (!text.trim()) return { ok: true, value: undefined };
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, error: `Not valid JSON: ${parsed.error}` };
  const v = parsed.value;
  if (!isObject(v)) return { ok: false, error: 'The overrides must be a JSON object, e.g. {"payload": {"status": "ended"}}.' };
  for (const [k, val] of Object.entries(v)) {
    if (!(OVERRIDE_KEYS as readonly string[]).includes(k)) {
      return { ok: false, error: `Unknown key "${k}": only payload, type and metadata may be overridden.` };
    }
    if (k === 'payload' && !isObject(val)) return { ok: false, error: 'payload must be an object.' };
    if (k === 'type' && (typeof val !== 'string' || val === '')) return { ok: false, error: 'type must be a non-empty string.' };
    if (k === 'metadata') {
      if (!isObject(val)) return { ok: false, error: 'metadata must be an object.' };
      for (const [mk, mv] of Object.entries(val)) {
        if (!METADATA_KEYS.includes(mk)) return { ok: false, error: `metadata may only have table, operation and revision (not "${mk}").` };
        if (mk === 'revision' && mv !== null && !Number.isInteger(mv)) return { ok: false, error: 'metadata.revision must be an integer or null.' };
        if (mk !== 'revision' && mv !== null && typeof mv !== 'string') return { ok: false, error: `metadata.${mk} must be a string or null.` };
      }
    }
  }
  return { ok: true, value: v };
}
