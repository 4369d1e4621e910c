// Server-Sent Events readers for the e2e tests: one over fetch (parses every event into an
// Inbox) and one over a raw TCP socket that can stop reading (a deliberately slow reader).
import assert from 'node:assert/strict';
import net from 'node:net';
import { Inbox } from './sio.mjs';

/** Parses one SSE block ("event: x\ndata: y\n…") into {event, data} (data JSON-parsed when it can be). */
function parseBlock(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;  // a comment (the keep-alive ": ping")
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  try { return { event, data: JSON.parse(text) }; } catch { return { event, data: text }; }
}

/**
 * GET `path` as an event stream with fetch. Resolves once the response headers arrived and the
 * first event named `readyEvent` was read: {res, inbox, ready, bytes(), close()}. Every event is
 * pushed to `inbox` ({event, data}); the inbox ends ({done} or {error}) when the stream does.
 */
export async function openEventStream(url, { headers = {}, readyEvent = 'ready', timeoutMs = 5000 } = {}) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  const inbox = new Inbox();
  let bytes = 0;
  if (res.status !== 200) {
    const text = await res.text();
    let body;
    try { body = JSON.parse(text); } catch { body = undefined; }
    return { res, status: res.status, text, body, headers: res.headers };
  }
  (async () => {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const ev = parseBlock(buf.slice(0, i));
          buf = buf.slice(i + 2);
          if (ev) inbox.push(ev);
        }
      }
      inbox.end({ done: true });
    } catch (e) {
      inbox.end({ error: e.message });
    }
  })();
  const ready = await inbox.next((m) => m.event === readyEvent, timeoutMs, `the "${readyEvent}" event`);
  return { res, status: 200, headers: res.headers, inbox, ready, bytes: () => bytes, close: () => ctrl.abort() };
}

/**
 * The same stream over a raw TCP socket: sends the request, reads until `readyText` arrived,
 * then stops reading (socket.pause(): the kernel buffers fill and the server's queue grows).
 * Resolves {socket, resume(), received(), ended} where `ended` resolves when the server closed.
 */
export function openStalledEventStream(srv, path, headers = {}, readyText = 'event: ready') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1');
    let text = '';
    let received = 0;
    let paused = false;
    const ended = new Promise((r) => socket.on('close', () => r(true)));
    socket.on('error', () => {});
    const timer = setTimeout(() => reject(new Error(`no ${readyText} on the raw stream; got ${text.slice(0, 300)}`)), 5000);
    socket.on('data', (d) => {
      received += d.length;
      if (paused) return;
      text += d.toString('latin1');
      if (!text.includes(readyText)) return;
      paused = true;
      clearTimeout(timer);
      assert.match(text, /^HTTP\/1\.1 200 /, text.slice(0, 300));
      socket.pause();
      resolve({ socket, ended, received: () => received, resume: () => socket.resume() });
    });
    const head = Object.entries({ host: `127.0.0.1:${srv.port}`, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`GET ${path} HTTP/1.1\r\n${head}\r\n`);
  });
}
