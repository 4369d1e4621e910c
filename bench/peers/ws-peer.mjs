// Node.js peer: a ws@8 server speaking our /ws JSON protocol (docs/protocol.md): subscribe with
// filters, unsubscribe, publish (acknowledged with "published"), ping, auth. Tokens are accepted
// without verification (the bench measures fan-out, not JWT). Idiomatic fan-out: the event is
// serialized once and ws.send(text) is called for every matching subscriber.
//   PORT=3101 node ws-peer.mjs
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { compileFilter, makeEvent, restHandler } from './common.mjs';

const port = Number(process.env.PORT || 3101);
const topics = new Map(); // topic -> Map(subscriptionId -> { ws, filter })
let subSeq = 0;
let eventSeq = 0;

function publish(topic, payload, type) {
  const ev = makeEvent(topic, payload, type);
  const subs = topics.get(topic);
  if (!subs) return ev;
  const text = JSON.stringify({ type: 'event', topic, data: ev });
  const mark = ++eventSeq;
  for (const { ws, filter } of subs.values()) {
    if (ws.mark === mark || (filter && !filter(payload))) continue;
    ws.mark = mark;
    ws.send(text);
  }
  return ev;
}

const server = http.createServer(restHandler(publish));
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 1 << 20 });

function reply(ws, obj, requestId) {
  if (requestId !== undefined) obj.requestId = requestId;
  ws.send(JSON.stringify(obj));
}
const error = (ws, code, message, requestId) => reply(ws, { type: 'error', code, message }, requestId);

wss.on('connection', (ws) => {
  ws.subs = new Map(); // subscriptionId -> topic
  ws.mark = 0;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return error(ws, 'INVALID_MESSAGE', 'Binary messages are not supported');
    let m;
    try {
      m = JSON.parse(data.toString());
    } catch {
      return error(ws, 'INVALID_JSON', 'Message is not JSON');
    }
    const rid = m.requestId;
    switch (m.type) {
      case 'ping': return reply(ws, { type: 'pong' }, rid);
      case 'auth': return reply(ws, { type: 'authenticated', applicationId: 'default', environment: 'development' }, rid);
      case 'subscribe': {
        let filter;
        try {
          filter = compileFilter(m.filter);
        } catch (e) {
          return error(ws, 'INVALID_FILTER', e.message, rid);
        }
        const id = `sub_${(++subSeq).toString(16)}`;
        if (!topics.has(m.topic)) topics.set(m.topic, new Map());
        topics.get(m.topic).set(id, { ws, filter });
        ws.subs.set(id, m.topic);
        return reply(ws, { type: 'subscribed', subscriptionId: id, topic: m.topic }, rid);
      }
      case 'unsubscribe': {
        const topic = ws.subs.get(m.subscriptionId);
        if (!topic) return error(ws, 'NOT_FOUND', `No subscription ${m.subscriptionId}`, rid);
        ws.subs.delete(m.subscriptionId);
        topics.get(topic)?.delete(m.subscriptionId);
        return reply(ws, { type: 'unsubscribed', subscriptionId: m.subscriptionId }, rid);
      }
      case 'publish': {
        if (!m.payload || typeof m.payload !== 'object' || Array.isArray(m.payload))
          return error(ws, 'INVALID_PAYLOAD', 'payload must be an object', rid);
        const ev = publish(m.topic, m.payload, m.eventType);
        return reply(ws, { type: 'published', id: ev.id }, rid);
      }
      default: return error(ws, 'UNKNOWN_TYPE', `Unknown type ${m.type}`, rid);
    }
  });
  ws.on('close', () => {
    for (const [id, topic] of ws.subs) {
      const subs = topics.get(topic);
      subs?.delete(id);
      if (subs && subs.size === 0) topics.delete(topic);
    }
  });
  ws.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => console.log(`ws peer listening on 127.0.0.1:${port}`));
