// Node.js peer: a socket.io@4 server with our Socket.IO semantics: `subscribe` {topic, filter?}
// (acknowledged with {subscriptionId, topic}), `unsubscribe`, events delivered as
// emit('event', RealtimeEvent). Publishing: the `publish` event {topic, payload, eventType?}
// (acknowledged with {id}) or POST /api/events. Idiomatic fan-out: unfiltered subscribers join a
// room per topic and one room broadcast encodes the packet once; filtered subscribers get a
// socket.emit each when their filter matches.
//   PORT=3102 node sio-peer.mjs
import http from 'node:http';
import { Server } from 'socket.io';
import { compileFilter, makeEvent, restHandler } from './common.mjs';

const port = Number(process.env.PORT || 3102);
const filtered = new Map(); // topic -> Map(subscriptionId -> { socket, filter })
let subSeq = 0;
let io;

function publish(topic, payload, type) {
  const ev = makeEvent(topic, payload, type);
  const room = `t:${topic}`;
  io.to(room).emit('event', ev);
  const subs = filtered.get(topic);
  if (subs) {
    const seen = new Set();
    for (const { socket, filter } of subs.values()) {
      if (seen.has(socket) || socket.rooms.has(room) || !filter(payload)) continue;
      seen.add(socket);
      socket.emit('event', ev);
    }
  }
  return ev;
}

const server = http.createServer(restHandler(publish));
io = new Server(server, { serveClient: false, perMessageDeflate: false, httpCompression: false });

io.on('connection', (socket) => {
  const mine = new Map(); // subscriptionId -> { topic, room }
  socket.on('subscribe', (msg, ack) => {
    const done = typeof ack === 'function' ? ack : () => {};
    if (!msg || typeof msg.topic !== 'string') return done({ error: 'INVALID_MESSAGE', message: 'topic required' });
    let filter;
    try {
      filter = compileFilter(msg.filter);
    } catch (e) {
      return done({ error: 'INVALID_FILTER', message: e.message });
    }
    const id = `sub_${(++subSeq).toString(16)}`;
    if (filter) {
      if (!filtered.has(msg.topic)) filtered.set(msg.topic, new Map());
      filtered.get(msg.topic).set(id, { socket, filter });
      mine.set(id, { topic: msg.topic, room: null });
    } else {
      socket.join(`t:${msg.topic}`);
      mine.set(id, { topic: msg.topic, room: `t:${msg.topic}` });
    }
    done({ subscriptionId: id, topic: msg.topic });
  });
  socket.on('unsubscribe', (msg, ack) => {
    const done = typeof ack === 'function' ? ack : () => {};
    const sub = msg && mine.get(msg.subscriptionId);
    if (!sub) return done({ error: 'NOT_FOUND', message: 'no such subscription' });
    mine.delete(msg.subscriptionId);
    if (sub.room && ![...mine.values()].some((s) => s.room === sub.room)) socket.leave(sub.room);
    filtered.get(sub.topic)?.delete(msg.subscriptionId);
    done({ subscriptionId: msg.subscriptionId });
  });
  socket.on('publish', (msg, ack) => {
    const done = typeof ack === 'function' ? ack : () => {};
    if (!msg || typeof msg.topic !== 'string' || !msg.payload || typeof msg.payload !== 'object')
      return done({ error: 'INVALID_PAYLOAD', message: 'topic and object payload required' });
    done({ id: publish(msg.topic, msg.payload, msg.eventType).id });
  });
  socket.on('disconnect', () => {
    for (const [id, sub] of mine) filtered.get(sub.topic)?.delete(id);
  });
});

server.listen(port, '127.0.0.1', () => console.log(`socket.io peer listening on 127.0.0.1:${port}`));
