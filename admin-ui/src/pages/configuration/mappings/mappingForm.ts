// The mapping form's state, its validation (the server's rules, checked before submitting) and
// the definition it sends.
import { MAPPING_OPERATIONS } from '../../../api/configuration';
import type { ConditionJson, Mapping, MappingDefinition, MappingOperation } from '../../../api/configuration';
import { conditionProblem, fromJson, toJson } from './conditions';
import type { CondNode } from './conditions';
import { fromTemplate, payloadProblem, templateColumns, toTemplate } from './payload';
import type { PayloadRow } from './payload';
import { parseJson } from '../../../components/JsonField';

export interface MappingForm {
  id: string;
  table: string;
  events: MappingOperation[];
  topic: string;
  triggerColumns: string;
  /** null: no condition. */
  when: CondNode | null;
  /** A `when` the builder cannot show, edited as JSON text instead. */
  whenJson: string | null;
  rows: PayloadRow[];
  /** A payload the rows cannot show (arrays), edited as JSON text instead. */
  payloadJson: string | null;
}

export type FormErrors = Partial<Record<'id' | 'table' | 'events' | 'topic' | 'triggerColumns' | 'when' | 'payload', string>>;

const TABLE_PART = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const MAPPING_ID = /^[A-Za-z0-9_.-]{1,100}$/;

export function emptyForm(): MappingForm {
  return {
    id: '',
    table: '',
    events: ['insert', 'update'],
    topic: '',
    triggerColumns: '',
    when: null,
    whenJson: null,
    rows: [{ key: 'id', kind: 'column', column: 'id' }],
    payloadJson: null,
  };
}

export function formOf(m: Mapping): MappingForm {
  const when = m.when ? fromJson(m.when) : null;
  const rows = fromTemplate(m.payload);
  return {
    id: m.id,
    table: m.table,
    events: [...m.events],
    topic: m.topic,
    triggerColumns: m.triggerColumns.join(', '),
    when,
    whenJson: m.when && !when ? JSON.stringify(m.when, null, 2) : null,
    rows: rows ?? [],
    payloadJson: rows ? null : JSON.stringify(m.payload, null, 2),
  };
}

export function splitColumns(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The payload template of the form (rows or JSON text); undefined when the JSON does not parse. */
export function formPayload(f: MappingForm): Record<string, unknown> | undefined {
  if (f.payloadJson === null) return toTemplate(f.rows);
  const p = parseJson(f.payloadJson);
  return p.ok && p.value && typeof p.value === 'object' && !Array.isArray(p.value) ? (p.value as Record<string, unknown>) : undefined;
}

function formWhen(f: MappingForm): ConditionJson | null | undefined {
  if (f.whenJson !== null) {
    const p = parseJson(f.whenJson);
    return p.ok ? (p.value as ConditionJson) : undefined;
  }
  return f.when ? toJson(f.when) : null;
}

export function validate(f: MappingForm, creating: boolean): FormErrors {
  const e: FormErrors = {};
  if (creating && f.id && !MAPPING_ID.test(f.id)) e.id = '1-100 letters, digits, _ . - (or leave empty for a generated id).';
  const parts = f.table.split('.');
  if (!f.table) e.table = 'Enter the table ("table" or "schema.table").';
  else if (parts.length > 2 || !parts.every((p) => TABLE_PART.test(p)))
    e.table = 'Letters, digits, _ and $ (starting with a letter or _), optionally schema.table.';
  if (f.events.length === 0) e.events = 'Pick at least one operation.';
  if (!f.topic.trim()) e.topic = 'Enter the topic the events are published to.';
  else if (/^(sync\.|presence:|direct:)/.test(f.topic)) e.topic = 'This topic is reserved by the platform.';
  const triggers = splitColumns(f.triggerColumns);
  if (triggers.length > 0 && !f.events.includes('update')) e.triggerColumns = 'Trigger columns apply to updates: tick update.';
  else if (new Set(triggers).size !== triggers.length) e.triggerColumns = 'A column is listed twice.';
  if (f.whenJson !== null) {
    if (formWhen(f) === undefined) e.when = 'The condition is not valid JSON.';
  } else if (f.when) {
    const p = conditionProblem(f.when);
    if (p) e.when = p;
  }
  const payload = formPayload(f);
  if (!payload) e.payload = 'The payload must be a JSON object.';
  else if (f.payloadJson === null && payloadProblem(f.rows)) e.payload = payloadProblem(f.rows)!;
  else if (templateColumns(payload).length === 0) e.payload = 'Map at least one field to a row column.';
  return e;
}

/** The definition the form sends (POST body, or the PATCH's replacement fields). */
export function definitionOf(f: MappingForm, creating: boolean): MappingDefinition {
  const d: MappingDefinition = {
    table: f.table.trim(),
    events: MAPPING_OPERATIONS.filter((o) => f.events.includes(o)),
    topic: f.topic.trim(),
    triggerColumns: splitColumns(f.triggerColumns),
    when: formWhen(f) ?? null,
    payload: formPayload(f) ?? {},
  };
  if (creating) {
    if (f.id) d.id = f.id;
    if (d.when === null) delete d.when;
  }
  return d;
}
