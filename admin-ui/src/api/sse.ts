// Server-Sent Events over fetch(): EventSource cannot send the Authorization header, so the
// socket monitor's live traffic (GET /api/socket/traffic, docs/socket-monitor.md) is read with a
// ReadableStream reader and parsed here (the text/event-stream rules of the HTML standard:
// `event:`, `data:` lines joined by "\n", `id:`, comment lines starting with ":", an event ends
// at a blank line; CRLF, LF and CR line ends).
import { ApiError } from './client';
import { api } from './index';

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** An incremental parser: feed it chunks of text, it calls onMessage per complete event. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private readonly onMessage: (m: SseMessage) => void;

  constructor(onMessage: (m: SseMessage) => void) {
    this.onMessage = onMessage;
  }

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone CR at the end may be the first half of a CRLF: wait for the next chunk.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onMessage({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
  }
}

/** One item of the traffic stream: `type` plus the fields of its kind. */
export interface TrafficEvent {
  type: string;
  socketId: string | null;
  at: number;
  [field: string]: unknown;
}

export interface TrafficHandlers {
  onOpen?: () => void;
  onEvent: (e: TrafficEvent) => void;
}

/**
 * Reads GET /api/socket/traffic until `signal` aborts or the server ends the stream (resolves
 * then). Rejects with ApiError for an error answer (a JSON body, before the stream starts), or
 * the network error.
 */
export async function readTraffic(signal: AbortSignal, handlers: TrafficHandlers): Promise<void> {
  const headers = { ...api.headers(false), Accept: 'text/event-stream' };
  let res: Response;
  try {
    res = await fetch(api.url('/api/socket/traffic'), { headers, signal, cache: 'no-store' });
  } catch {
    if (signal.aborted) return;
    throw new ApiError(0, 'NetworkError', 'The traffic stream could not be opened. Check that the server is running.');
  }
  if (!res.ok || !res.body) {
    let body: Record<string, unknown> | undefined;
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const message = typeof body?.message === 'string' ? body.message : `The traffic stream answered ${res.status}`;
    throw new ApiError(res.status, typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`, message, body);
  }
  const parser = new SseParser((m) => {
    if (m.event === 'ready') {
      handlers.onOpen?.();
      return;
    }
    try {
      const parsed = JSON.parse(m.data) as TrafficEvent;
      handlers.onEvent({ ...parsed, type: parsed.type ?? m.event });
    } catch {
      /* not JSON: not an item of this stream */
    }
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value);
    }
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  } finally {
    try {
      reader.releaseLock();
    } catch {
      /* a read still pending after an abort */
    }
  }
}
