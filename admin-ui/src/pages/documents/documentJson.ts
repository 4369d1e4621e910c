// Checks of the JSON the document pages send: docs/sync.md wants `data` to be an object.
import { parseJson } from '../../components/JsonField';

export type DataCheck = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** The text as a JSON object, or what is wrong with it. */
export function dataProblem(text: string): DataCheck {
  if (!text.trim()) return { ok: false, error: 'Enter a JSON object, e.g. {"status": "active"}.' };
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, error: `Not valid JSON: ${parsed.error}` };
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'The data must be a JSON object ({…}).' };
  return { ok: true, value: v as Record<string, unknown> };
}

/** A one-line preview of a document's data, cut at `max` characters. */
export function preview(data: unknown, max = 120): string {
  const s = JSON.stringify(data) ?? '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
