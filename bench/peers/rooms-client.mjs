// One client process of the `rooms` scenario (bench/rooms.mjs forks several: a process may open
// at most ~20,000 files; it lives here for the `ws` package of bench/peers). Holds /ws
// connections and obeys the parent over IPC:
//   {cmd:'connect', n, topic}        open n connections, each subscribes to topic → {connected, failed, ms}
//   {cmd:'keep', n}                  close every connection but the first n → {kept}
//   {cmd:'join', channel, from, to}  connections [from, to) join, ≤ 64 in flight → {joined, capped, failed}
//   {cmd:'counts'}                   → {presence, events}: frames received so far (never parsed)
// Every reply also carries {id} of the command it answers.
import WebSocket from 'ws';

const url = process.env.ROOMS_URL;
const conns = [];
let presence = 0, events = 0;
const PRESENCE = Buffer.from('{"type":"presence"'), EVENT = Buffer.from('{"type":"event"');
const starts = (buf, prefix) => buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

function open(topic) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10000 });
    const c = { ws, waiters: new Map(), seq: 0 };
    ws.on('message', (data) => {
      if (starts(data, PRESENCE)) return void presence++;
      if (starts(data, EVENT)) return void events++;
      const m = JSON.parse(data.toString());
      const w = c.waiters.get(m.requestId);
      if (w) {
        c.waiters.delete(m.requestId);
        w(m);
      }
    });
    ws.on('error', () => resolve(null));
    ws.on('open', async () => {
      const r = await request(c, { type: 'subscribe', topic });
      resolve(r.type === 'subscribed' ? c : null);
    });
  });
}

function request(c, msg) {
  return new Promise((resolve) => {
    const requestId = `r${++c.seq}`;
    c.waiters.set(requestId, resolve);
    c.ws.send(JSON.stringify({ ...msg, requestId }));
  });
}

// Runs fn over items with at most `limit` in flight.
async function pooled(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

process.on('message', async (m) => {
  const reply = (r) => process.send({ id: m.id, ...r });
  if (m.cmd === 'connect') {
    const t0 = performance.now();
    let failed = 0;
    await pooled(Array.from({ length: m.n }, (_, i) => i), 256, async () => {
      const c = await open(m.topic);
      if (c) conns.push(c);
      else failed++;
    });
    return reply({ connected: conns.length, failed, ms: performance.now() - t0 });
  }
  if (m.cmd === 'keep') {
    for (const c of conns.splice(m.n)) c.ws.terminate();
    return reply({ kept: conns.length });
  }
  if (m.cmd === 'join') {
    let joined = 0, capped = 0, failed = 0;
    await pooled(conns.slice(m.from, m.to), 64, async (c) => {
      const r = await request(c, { type: 'join', channel: m.channel });
      if (r.type !== 'joined') return void failed++;
      joined++;
      if (r.nextCursor) capped++;
    });
    return reply({ joined, capped, failed });
  }
  if (m.cmd === 'counts') return reply({ presence, events });
});
process.on('disconnect', () => process.exit(0));
