import { describe, expect, it } from 'vitest';
import { checkOverrides } from './overrides';

describe('checkOverrides', () => {
  it('accepts empty text as no overrides', () => {
    expect(checkOverrides('  ')).toEqual({ ok: true, value: undefined });
  });
  it('accepts payload, type and metadata', () => {
    const r = checkOverrides('{"payload":{"a":1},"type":"x","metadata":{"table":"t","operation":null,"revision":3}}');
    expect(r.ok).toBe(true);
  });
  it('explains bad JSON', () => {
    const r = checkOverrides('{"payload":');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/Not valid JSON/);
  });
  it('refuses non-objects and unknown keys', () => {
    expect(checkOverrides('[1]').ok).toBe(false);
    const r = checkOverrides('{"topic":"other"}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/Unknown key "topic"/);
  });
  it('checks the value types', () => {
    expect(checkOverrides('{"payload":[]}').ok).toBe(false);
    expect(checkOverrides('{"type":""}').ok).toBe(false);
    expect(checkOverrides('{"metadata":{"revision":1.5}}').ok).toBe(false);
    expect(checkOverrides('{"metadata":{"replayOf":"x"}}').ok).toBe(false);
  });
});
