import { describe, expect, it } from 'vitest';
import { dataProblem, preview } from './documentJson';
import { serviceNameProblem } from './ServicesDialog';

describe('dataProblem', () => {
  it('accepts only a JSON object', () => {
    expect(dataProblem('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(dataProblem('')).toMatchObject({ ok: false });
    expect(dataProblem('{"a": ')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not valid JSON/) });
    for (const t of ['[]', '1', 'null', '"x"']) expect(dataProblem(t)).toMatchObject({ ok: false, error: expect.stringMatching(/object/) });
  });
});

describe('preview', () => {
  it('cuts long data', () => {
    expect(preview({ a: 1 })).toBe('{"a":1}');
    expect(preview({ s: 'x'.repeat(200) }, 20)).toHaveLength(20);
  });
});

describe('serviceNameProblem', () => {
  it('follows ^[a-z][a-z0-9_-]*$, at most 100', () => {
    expect(serviceNameProblem('order-tracking')).toBeNull();
    expect(serviceNameProblem('')).toMatch(/Enter/);
    expect(serviceNameProblem('Notes')).toMatch(/Lowercase/);
    expect(serviceNameProblem('1notes')).toMatch(/Lowercase/);
    expect(serviceNameProblem(`a${'b'.repeat(100)}`)).toMatch(/100/);
  });
});
