// What both Node.js peers share: the RealtimeEvent envelope, compiled filters (equality and
// {"in":[...]} on payload fields or dotted paths, as in docs/protocol.md), and the small REST
// surface the bench uses (GET /api/topics/:name from memory, POST /api/events).
import { randomBytes } from 'node:crypto';

let counter = 0;
const idBase = randomBytes(4).toString('hex');

export function makeEvent(topic, payload, type) {
  return {
    id: `evt_${idBase}${(counter++).toString(16).padStart(8, '0')}`,
    topic,
    source: 'socket',
    type: type || 'socket.publish',
    payload,
    metadata: { timestamp: Date.now() },
  };
}

function lookup(obj, path) {
  let cur = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(part in cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

const isScalar = (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

// Returns null for "no filter", a predicate otherwise; throws on an invalid filter.
export function compileFilter(filter) {
  if (filter === undefined || filter === null) return null;
  if (typeof filter !== 'object' || Array.isArray(filter)) throw new Error('filter must be an object');
  const keys = Object.keys(filter);
  if (keys.length === 0) return null;
  const tests = keys.map((k) => {
    const want = filter[k];
    if (isScalar(want)) return (p) => lookup(p, k) === want;
    if (want && Array.isArray(want.in)) {
      const set = new Set(want.in);
      return (p) => {
        const v = lookup(p, k);
        return v !== undefined && isScalar(v) && set.has(v);
      };
    }
    throw new Error(`filter '${k}': expected a scalar or {"in":[...]}`);
  });
  return (payload) => tests.every((t) => t(payload));
}

const topicsMade = new Map();

// Handles the REST routes; `publish(topic, payload, type)` routes an event.
export function restHandler(publish) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    const m = url.pathname.match(/^\/api\/topics\/([^/]+)$/);
    if (req.method === 'GET' && m) {
      const name = decodeURIComponent(m[1]);
      if (!topicsMade.has(name)) topicsMade.set(name, Date.now());
      const t = topicsMade.get(name);
      const body = JSON.stringify({ name, description: 'bench topic', owner: 'bench', activeSchemaVersion: null, createdAt: t, updatedAt: t });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      return res.end(body);
    }
    if (req.method === 'POST' && url.pathname === '/api/events') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        try {
          const { topic, type, payload } = JSON.parse(body);
          const ev = publish(topic, payload, type);
          res.writeHead(202, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ id: ev.id }));
        } catch (e) {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: 'ValidationError', message: String(e.message) }));
        }
      });
      return;
    }
    if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end('{"status":"ok"}');
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":"NotFoundError","message":"no such route"}');
  };
}
