import { describe, expect, it } from 'vitest';
import type { Mapping } from '../../../api/configuration';
import { definitionOf, emptyForm, formOf, validate } from './mappingForm';
import { fromTemplate, payloadProblem, previewEvent, templateColumns, toTemplate } from './payload';

const template = { sessionId: '$row.id', status: '$row.status', kind: 'session', n: 2, ok: true, none: null, user: { id: '$row.user_id' } };

describe('payload rows', () => {
  it('round-trips a template with literals and nested objects', () => {
    const rows = fromTemplate(template)!;
    expect(rows[0]).toEqual({ key: 'sessionId', kind: 'column', column: 'id' });
    expect(rows[6]).toEqual({ key: 'user', kind: 'object', children: [{ key: 'id', kind: 'column', column: 'user_id' }] });
    expect(toTemplate(rows)).toEqual(template);
    expect(payloadProblem(rows)).toBeNull();
    expect(templateColumns(template)).toEqual(['id', 'status', 'user_id']);
  });

  it('leaves arrays to the JSON editor and finds problems', () => {
    expect(fromTemplate({ ids: ['$row.id'] })).toBeNull();
    expect(payloadProblem([{ key: '', kind: 'column', column: 'id' }])).toMatch(/key/);
    expect(payloadProblem([{ key: 'a', kind: 'column', column: 'id' }, { key: 'a', kind: 'column', column: 'x' }])).toMatch(/twice/);
    expect(payloadProblem([{ key: 'a', kind: 'literal', type: 'string', text: '$old.x' }])).toMatch(/reference/);
  });

  it('previews the normalized envelope with the sample row', () => {
    const e = previewEvent({ topic: 'session.status', table: 'sessions', operation: 'update', payload: template, row: { id: '42', status: 'ended' }, now: 5 });
    expect(e).toEqual({
      id: 'evt_preview',
      topic: 'session.status',
      source: 'database',
      type: 'database.update',
      payload: { sessionId: 42, status: 'ended', kind: 'session', n: 2, ok: true, none: null, user: { id: null } },
      metadata: { timestamp: 5, table: 'sessions', operation: 'update' },
    });
  });
});

describe('mapping form', () => {
  it('validates before submitting', () => {
    const f = { ...emptyForm(), table: 'bad table', topic: '', events: [], triggerColumns: 'status' };
    const e = validate(f, true);
    expect(Object.keys(e).sort()).toEqual(['events', 'table', 'topic', 'triggerColumns']);
    expect(validate({ ...emptyForm(), table: 'crm.sessions', topic: 'session.status' }, true)).toEqual({});
    expect(validate({ ...emptyForm(), table: 't', topic: 'sync.x' }, true).topic).toMatch(/reserved/);
  });

  it('sends the definition and edits one back', () => {
    const m: Mapping = {
      id: 'map_s', table: 'sessions', events: ['insert', 'update'], topic: 'session.status', triggerColumns: ['status'],
      when: { or: [{ changed: 'status' }] }, payload: template, environment: 'development', version: 3, active: true,
      applicationId: 'default', createdAt: 1, updatedAt: 2,
    };
    const f = formOf(m);
    expect(validate(f, false)).toEqual({});
    expect(definitionOf(f, false)).toEqual({
      table: 'sessions', events: ['insert', 'update'], topic: 'session.status', triggerColumns: ['status'],
      when: { or: [{ changed: 'status' }] }, payload: template,
    });
    // Without a condition: a create leaves `when` out, an edit removes it (null).
    expect('when' in definitionOf({ ...f, when: null }, true)).toBe(false);
    expect(definitionOf({ ...f, when: null }, false).when).toBeNull();
  });
});
