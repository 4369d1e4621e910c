// The payload field mapping: rows of key → "$row.<column>", a literal value or a nested object,
// as the template the server accepts (docs/cdc.md "payload"), and the preview of the event a
// mapping emits for a sample row.
import type { LiteralType } from './conditions';
import { columnProblem, literalValue } from './conditions';

export type PayloadRow =
  | { key: string; kind: 'column'; column: string }
  | { key: string; kind: 'literal'; type: LiteralType; text: string }
  | { key: string; kind: 'object'; children: PayloadRow[] };

const ROW = '$row.';
const MAX_DEPTH = 16;

export function newRow(): PayloadRow {
  return { key: '', kind: 'column', column: '' };
}

export function toTemplate(rows: PayloadRow[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    if (r.kind === 'column') out[r.key] = `${ROW}${r.column}`;
    else if (r.kind === 'literal') out[r.key] = literalValue(r.type, r.text);
    else out[r.key] = toTemplate(r.children);
  }
  return out;
}

/** Rows of a template; null when it holds what the rows cannot show (arrays, deep nesting). */
export function fromTemplate(t: unknown, depth = 1): PayloadRow[] | null {
  if (depth > MAX_DEPTH || !t || typeof t !== 'object' || Array.isArray(t)) return null;
  const rows: PayloadRow[] = [];
  for (const [key, v] of Object.entries(t as Record<string, unknown>)) {
    if (typeof v === 'string' && v.startsWith(ROW)) rows.push({ key, kind: 'column', column: v.slice(ROW.length) });
    else if (typeof v === 'string') rows.push({ key, kind: 'literal', type: 'string', text: v });
    else if (typeof v === 'number') rows.push({ key, kind: 'literal', type: 'number', text: String(v) });
    else if (typeof v === 'boolean') rows.push({ key, kind: 'literal', type: 'boolean', text: String(v) });
    else if (v === null) rows.push({ key, kind: 'literal', type: 'null', text: '' });
    else if (Array.isArray(v)) return null;
    else {
      const children = fromTemplate(v, depth + 1);
      if (!children) return null;
      rows.push({ key, kind: 'object', children });
    }
  }
  return rows;
}

/** Columns a template references, in order of appearance, without repeats. */
export function templateColumns(t: unknown, out: string[] = []): string[] {
  if (typeof t === 'string' && t.startsWith(ROW)) {
    const c = t.slice(ROW.length);
    if (!out.includes(c)) out.push(c);
  } else if (Array.isArray(t)) t.forEach((x) => templateColumns(x, out));
  else if (t && typeof t === 'object') Object.values(t).forEach((x) => templateColumns(x, out));
  return out;
}

/** The first problem of the rows (path + message); null when valid. */
export function payloadProblem(rows: PayloadRow[], path = 'payload'): string | null {
  const seen = new Set<string>();
  for (const r of rows) {
    const p = `${path}.${r.key || '?'}`;
    if (!r.key) return `${path}: every field needs a key`;
    if (seen.has(r.key)) return `${p}: the key is used twice`;
    seen.add(r.key);
    if (r.kind === 'column') {
      const c = columnProblem(r.column);
      if (c) return `${p}: ${c}`;
    } else if (r.kind === 'literal') {
      if (r.type === 'number' && (r.text.trim() === '' || !Number.isFinite(Number(r.text)))) return `${p}: enter a number`;
      if (r.type === 'string' && /^\$[A-Za-z_]/.test(r.text)) return `${p}: use "column" for a $row reference`;
    } else {
      const inner = payloadProblem(r.children, p);
      if (inner) return inner;
    }
  }
  return null;
}

/** A sample value typed by the user: JSON when it parses (42, true, null, "x"), else the text. */
export function sampleValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The template with each "$row.<col>" replaced by the sample row's value (null when absent). */
export function renderTemplate(t: unknown, row: Record<string, string>): unknown {
  if (typeof t === 'string' && t.startsWith(ROW)) {
    const c = t.slice(ROW.length);
    return c in row ? sampleValue(row[c]) : null;
  }
  if (Array.isArray(t)) return t.map((x) => renderTemplate(x, row));
  if (t && typeof t === 'object')
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, renderTemplate(v, row)]));
  return t;
}

/** The normalized envelope the mapping publishes (events/event.cpp): id, topic, source, type, payload, metadata. */
export function previewEvent(opts: {
  topic: string;
  table: string;
  operation: string;
  payload: Record<string, unknown>;
  row: Record<string, string>;
  now?: number;
}) {
  return {
    id: 'evt_preview',
    topic: opts.topic,
    source: 'database',
    type: `database.${opts.operation}`,
    payload: renderTemplate(opts.payload, opts.row),
    metadata: { timestamp: opts.now ?? Date.now(), table: opts.table, operation: opts.operation },
  };
}
