import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';
import type { SseMessage } from './sse';

function parse(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const p = new SseParser((m) => out.push(m));
  for (const c of chunks) p.push(c);
  return out;
}

describe('SseParser', () => {
  it('parses events with names, multi-line data and ids, and skips comments', () => {
    const out = parse([': ping\n\nevent: ready\ndata: {"type":"ready"}\n\n', 'event: subscribe\ndata: a\ndata: b\nid: 7\n\n']);
    expect(out).toEqual([
      { event: 'ready', data: '{"type":"ready"}', id: undefined },
      { event: 'subscribe', data: 'a\nb', id: '7' },
    ]);
  });

  it('joins events split across chunks anywhere, CRLF included', () => {
    const text = 'event: join\r\ndata: {"channel":"chat:1"}\r\n\r\ndata: plain\n\n';
    for (let i = 1; i < text.length; i++) {
      const out = parse([text.slice(0, i), text.slice(i)]);
      expect(out, `split at ${i}`).toEqual([
        { event: 'join', data: '{"channel":"chat:1"}', id: undefined },
        { event: 'message', data: 'plain', id: undefined },
      ]);
    }
  });

  it('emits nothing for an event without data or one not yet ended', () => {
    expect(parse(['event: x\n\n', 'data: half'])).toEqual([]);
  });

  it('keeps a value without the optional space and a field without a colon', () => {
    expect(parse(['data:nospace\ndata\n\n'])).toEqual([{ event: 'message', data: 'nospace\n', id: undefined }]);
  });
});
