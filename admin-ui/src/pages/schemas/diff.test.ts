import { describe, expect, it } from 'vitest';
import { diffLines, stableJson } from './diff';

describe('diffLines', () => {
  it('marks added and removed lines and keeps common ones', () => {
    const d = diffLines('a\nb\nc', 'a\nc\nd');
    expect(d.map((l) => `${l.kind[0]}${l.text}`)).toEqual(['sa', 'rb', 'sc', 'ad']);
    expect(d[3]).toMatchObject({ newLine: 3 });
  });

  it('finds no change between equal schemas with different key order', () => {
    const d = diffLines(stableJson({ b: 1, a: { y: 2, x: 1 } }), stableJson({ a: { x: 1, y: 2 }, b: 1 }));
    expect(d.every((l) => l.kind === 'same')).toBe(true);
  });
});
