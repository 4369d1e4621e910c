import { expect, it } from 'vitest';
import { collect, describeBinary, isMarker, marker, nextEvent, until, waitForState } from '../support/harness.js';

describeBinary('subscribe and publish', (ctx) => {
  it('returns sub_1, sub_2 at once, then maps them to server ids', async () => {
    const c = await ctx.client({ autoConnect: false });
    expect(c.state).toBe('disconnected');
    expect(c.subscribe({ topic: 'session.status' })).toBe('sub_1');
    expect(c.subscribe({ topic: 'order.updated', filter: { campusId: 12 } })).toBe('sub_2');
    expect(c.subscriptions.map((s) => [s.id, s.active])).toEqual([['sub_1', false], ['sub_2', false]]);
    const acked = collect(c, 'subscribed');
    const states = collect(c, 'connection');
    c.connect();
    expect(c.state).toBe('connecting');
    await waitForState(c, 'connected');
    await until(() => acked.length === 2, 'both subscriptions acknowledged');
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(c.connected).toBe(true);
    expect(acked.map((a) => a.subscriptionId).sort()).toEqual(['sub_1', 'sub_2']);
    for (const s of c.subscriptions) {
      expect(s.active).toBe(true);
      expect(typeof s.serverId).toBe('string');
      expect(s.serverId).not.toBe(s.id);
    }
  });

  it('publish reaches a subscriber on event and event:<topic>, with the RealtimeEvent envelope', async () => {
    const sub = await ctx.connectedClient();
    const pub = await ctx.connectedClient();
    await sub.subscribeWithAck({ topic: 'session.status' });
    const all = collect(sub, 'event');
    const topical = nextEvent(sub, 'event:session.status');
    const id = await pub.publishWithAck('session.status', { sessionId: 's1', status: 'active' });
    expect(id).toMatch(/^evt_/);
    const event = await topical;
    expect(event).toMatchObject({ id, topic: 'session.status', source: 'socket', payload: { sessionId: 's1', status: 'active' } });
    expect(typeof event.type).toBe('string');
    expect(typeof event.metadata.timestamp).toBe('number');
    await until(() => all.length === 1, 'the global listener');
    expect(all[0]).toEqual(event);
  });

  it('publish with a type, fire-and-forget publish, and the publisher hears its own event when subscribed', async () => {
    const c = await ctx.connectedClient();
    await c.subscribeWithAck({ topic: 'chat.room.message' });
    const got = nextEvent(c, 'event:chat.room.message');
    c.publish('chat.room.message', { roomId: 'room1', text: 'hi' }, { type: 'chat.message' });
    expect(await got).toMatchObject({ type: 'chat.message', payload: { roomId: 'room1', text: 'hi' } });
  });

  it('filters: equality, AND of several keys, in, and a dotted path', async () => {
    const c = await ctx.connectedClient();
    const pub = await ctx.connectedClient();
    const eq = await c.subscribeWithAck({ topic: 'f.eq', filter: { campusId: 12 } });
    await c.subscribeWithAck({ topic: 'f.and', filter: { campusId: 12, status: 'active' } });
    await c.subscribeWithAck({ topic: 'f.in', filter: { status: { in: ['pending', 'active'] } } });
    await c.subscribeWithAck({ topic: 'f.combined', filter: { campusId: 12, status: { in: ['pending', 'active'] } } });
    await c.subscribeWithAck({ topic: 'f.path', filter: { 'user.role': 'admin' } });
    await c.subscribeWithAck({ topic: 'f.marker' });
    expect(eq).toBe('sub_1');
    const seen = collect(c, 'event');
    const sends: Array<[string, Record<string, unknown>, boolean]> = [
      ['f.eq', { n: 1, campusId: 12 }, true],
      ['f.eq', { n: 2, campusId: 13 }, false],
      ['f.eq', { n: 3 }, false],
      ['f.and', { n: 4, campusId: 12, status: 'active' }, true],
      ['f.and', { n: 5, campusId: 12, status: 'ended' }, false],
      ['f.in', { n: 6, status: 'pending' }, true],
      ['f.in', { n: 7, status: 'active' }, true],
      ['f.in', { n: 8, status: 'ended' }, false],
      ['f.combined', { n: 9, campusId: 12, status: 'pending' }, true],
      ['f.combined', { n: 10, campusId: 11, status: 'pending' }, false],
      ['f.path', { n: 11, user: { role: 'admin' } }, true],
      ['f.path', { n: 12, user: { role: 'guest' } }, false],
    ];
    for (const [topic, payload] of sends) await pub.publishWithAck(topic, payload);
    const expected = sends.filter(([, , ok]) => ok).map(([, p]) => p.n);
    await marker(pub, c, 'f.marker'); // anything that should have been filtered out is ahead of it
    expect(seen.filter((e) => !isMarker(e)).map((e) => e.payload.n)).toEqual(expected);
  });

  it('unsubscribe stops delivery; the other subscription keeps flowing', async () => {
    const c = await ctx.connectedClient();
    const pub = await ctx.connectedClient();
    const a = await c.subscribeWithAck({ topic: 'u.a' });
    await c.subscribeWithAck({ topic: 'u.b' });
    const seen = collect(c, 'event');
    await pub.publishWithAck('u.a', { n: 1 });
    await until(() => seen.length === 1, 'first event');
    c.unsubscribe(a);
    expect(c.subscriptions.map((s) => s.topic)).toEqual(['u.b']);
    // A later acknowledged request on the same connection: the server has handled the unsubscribe.
    await c.subscribeWithAck({ topic: 'u.sync' });
    await pub.publishWithAck('u.a', { n: 2 });
    await pub.publishWithAck('u.b', { n: 3 });
    await until(() => seen.some((e) => e.payload.n === 3), 'the u.b event'); // u.a's would be ahead of it
    expect(seen.map((e) => e.payload.n)).toEqual([1, 3]);
  });

  it('unsubscribe before the acknowledgement leaves nothing behind', async () => {
    const c = await ctx.connectedClient();
    const pub = await ctx.connectedClient();
    const id = c.subscribe({ topic: 'u.race' });
    c.unsubscribe(id);
    expect(c.subscriptions).toEqual([]);
    const seen = collect(c, 'event');
    // The SDK sends the unsubscribe when the subscribe's ack arrives, i.e. before this ack; the
    // next acknowledged request proves the server has handled that unsubscribe.
    await c.subscribeWithAck({ topic: 'u.race.marker' });
    await c.subscribeWithAck({ topic: 'u.race.sync' });
    await pub.publishWithAck('u.race', { n: 1 });
    await marker(pub, c, 'u.race.marker');
    expect(seen.filter((e) => !isMarker(e))).toEqual([]);
  });

  it('off removes exactly that listener', async () => {
    const c = await ctx.connectedClient();
    const pub = await ctx.connectedClient();
    await c.subscribeWithAck({ topic: 'o.t' });
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    c.on('event:o.t', a);
    c.on('event:o.t', b);
    c.off('event:o.t', a);
    await pub.publishWithAck('o.t', { x: 1 });
    await until(() => calls.length === 1, 'listener b');
    expect(calls).toEqual(['b']);
  });

  it('a refused subscription is reported on error with its code and subscriptionId, and removed', async () => {
    const c = await ctx.connectedClient();
    const error = nextEvent(c, 'error');
    const id = c.subscribe({ topic: 'bad.filter', filter: { campusId: { nope: 1 } as never } });
    const err = await error;
    expect(err).toBeInstanceOf(ctx.sdk.RealtimeError);
    expect(err.code).toBe('INVALID_FILTER');
    expect(err.subscriptionId).toBe(id);
    expect(err.topic).toBe('bad.filter');
    expect(c.subscriptions).toEqual([]);
    await expect(c.subscribeWithAck({ topic: 'bad topic with spaces' })).rejects.toMatchObject({ code: 'INVALID_TOPIC' });
  });

  it('publish without the publish permission is refused with FORBIDDEN', async () => {
    const c = await ctx.connectedClient({ permissions: ['subscribe'] });
    await expect(c.publishWithAck('session.status', { a: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN', topic: 'session.status' });
    const error = nextEvent(c, 'error');
    c.publish('session.status', { a: 1 });
    expect((await error).code).toBe('FORBIDDEN');
  });

  it('works over HTTP long-polling with upgrade (Socket.IO default transports)', async () => {
    const token = await ctx.target.token(['subscribe', 'publish']);
    const c = await ctx.client({ token, transports: undefined as never });
    await waitForState(c, 'connected');
    await c.subscribeWithAck({ topic: 'poll.t' });
    const got = nextEvent(c, 'event:poll.t');
    await c.publishWithAck('poll.t', { via: 'default transports' });
    expect((await got).payload).toEqual({ via: 'default transports' });
  });

  it('destroy disconnects, forgets subscriptions and listeners, and refuses further use', async () => {
    const c = await ctx.connectedClient();
    c.subscribe({ topic: 'd.t' });
    const states = collect(c, 'connection');
    c.destroy();
    expect(c.state).toBe('disconnected');
    expect(c.connected).toBe(false);
    expect(c.subscriptions).toEqual([]);
    expect(states).toEqual([{ state: 'disconnected', reason: 'io client disconnect' }]); // the last word, then silence
    expect(() => c.subscribe({ topic: 'x' })).toThrow(ctx.sdk.RealtimeError);
    expect(() => c.connect()).toThrow(/destroyed/);
    c.destroy(); // idempotent
  });
});
