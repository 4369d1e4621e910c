// The visual condition builder's model of a mapping's `when` (docs/cdc.md, cdc/mapping_parse.cpp):
// {changed: "col"}, {eq: ["$row.col", literal]}, {and: [...]}, {or: [...]}, nested up to 16 levels.
import type { ConditionJson } from '../../../api/configuration';

export type LiteralType = 'string' | 'number' | 'boolean' | 'null';

export type CondNode =
  | { kind: 'changed'; column: string }
  | { kind: 'eq'; column: string; type: LiteralType; text: string }
  | { kind: 'and' | 'or'; children: CondNode[] };

export const MAX_DEPTH = 16;
const ROW = '$row.';

export function newLeaf(): CondNode {
  return { kind: 'changed', column: '' };
}

export function newGroup(kind: 'and' | 'or' = 'and'): CondNode {
  return { kind, children: [newLeaf()] };
}

/** The literal of an eq as JSON, from its type and text. */
export function literalValue(type: LiteralType, text: string): unknown {
  switch (type) {
    case 'number':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'null':
      return null;
    default:
      return text;
  }
}

/** The builder's tree as the JSON the server accepts. */
export function toJson(n: CondNode): ConditionJson {
  switch (n.kind) {
    case 'changed':
      return { changed: n.column };
    case 'eq':
      return { eq: [`${ROW}${n.column}`, literalValue(n.type, n.text)] };
    default:
      return n.kind === 'and' ? { and: n.children.map(toJson) } : { or: n.children.map(toJson) };
  }
}

function literalNode(column: string, v: unknown): CondNode | null {
  if (v === null) return { kind: 'eq', column, type: 'null', text: '' };
  if (typeof v === 'string') return { kind: 'eq', column, type: 'string', text: v };
  if (typeof v === 'number') return { kind: 'eq', column, type: 'number', text: String(v) };
  if (typeof v === 'boolean') return { kind: 'eq', column, type: 'boolean', text: String(v) };
  return null; // objects and arrays: the builder cannot show them
}

/** Parses a `when` back into the builder; null when it has a shape the builder cannot show. */
export function fromJson(v: unknown, depth = 1): CondNode | null {
  if (depth > MAX_DEPTH || !v || typeof v !== 'object' || Array.isArray(v)) return null;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length !== 1) return null;
  const [key, arg] = entries[0];
  if (key === 'changed') return typeof arg === 'string' ? { kind: 'changed', column: arg } : null;
  if (key === 'eq') {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || !arg[0].startsWith(ROW)) return null;
    return literalNode(arg[0].slice(ROW.length), arg[1]);
  }
  if (key === 'and' || key === 'or') {
    if (!Array.isArray(arg) || arg.length === 0) return null;
    const children = arg.map((c) => fromJson(c, depth + 1));
    if (children.some((c) => c === null)) return null;
    return { kind: key, children: children as CondNode[] };
  }
  return null;
}

/** A column name as the server allows it: 1-63 bytes, no control characters. */
export function columnProblem(column: string): string | null {
  if (!column) return 'Enter a column.';
  if (column.startsWith('$')) return 'Name the column without "$row.".';
  if (new TextEncoder().encode(column).length > 63) return 'At most 63 bytes.';
  if (/[\u0000-\u001f\u007f]/.test(column)) return 'No control characters.';
  return null;
}

/** The first problem of a tree (path + message), checked before submitting; null when valid. */
export function conditionProblem(n: CondNode, path = 'when', depth = 1): string | null {
  if (depth > MAX_DEPTH) return `${path}: nested too deeply (at most ${MAX_DEPTH} levels)`;
  if (n.kind === 'changed' || n.kind === 'eq') {
    const c = columnProblem(n.column);
    if (c) return `${path}: ${c}`;
    if (n.kind === 'eq') {
      if (n.type === 'number' && (n.text.trim() === '' || !Number.isFinite(Number(n.text))))
        return `${path}: enter a number`;
      if (n.type === 'string' && /^\$[A-Za-z_]/.test(n.text))
        return `${path}: a value starting with $ looks like a reference; eq compares with a literal`;
    }
    return null;
  }
  if (n.children.length === 0) return `${path}: add at least one condition to the group`;
  for (let i = 0; i < n.children.length; i++) {
    const p = conditionProblem(n.children[i], `${path}.${n.kind}[${i}]`, depth + 1);
    if (p) return p;
  }
  return null;
}

/** A one-line human description: `changed(status) OR status = "paid"`. */
export function describeCondition(n: CondNode): string {
  if (n.kind === 'changed') return `${n.column || '?'} changed`;
  if (n.kind === 'eq') return `${n.column || '?'} = ${JSON.stringify(literalValue(n.type, n.text))}`;
  const inner = n.children.map((c) => (c.kind === 'and' || c.kind === 'or' ? `(${describeCondition(c)})` : describeCondition(c)));
  return inner.join(n.kind === 'and' ? ' AND ' : ' OR ');
}
