import { expect, it } from 'vitest';
import { collect, describeBinary, nextEvent, until, waitForState } from '../support/harness.js';

describeBinary('reconnection', (ctx) => {
  it('after a server restart: reconnecting -> connected, subscriptions and channels restored, events flow again', async () => {
    const c = await ctx.connectedClient();
    const filtered = await c.subscribeWithAck({ topic: 'session.status', filter: { campusId: 12 } });
    await c.subscribeWithAck({ topic: 'order.updated' });
    await c.socketClient.joinChannelWithAck('chat:restart');
    const firstServerIds = c.subscriptions.map((s) => s.serverId);
    const firstSocketId = c.socketId;
    const states = collect(c, 'connection');
    const resubscribed = collect(c, 'subscribed');

    await ctx.target.restart();
    await waitForState(c, 'connected', 20_000);
    await until(() => resubscribed.length === 2, 'both subscriptions acknowledged again', 5_000);

    const seq = states.map((s) => s.state);
    expect(seq[0]).toBe('reconnecting');
    expect(seq.at(-1)).toBe('connected');
    expect(seq).not.toContain('disconnected');
    expect(states[0]!.reason).toBeTruthy();
    // Same client-side ids, new server ids, new socket id.
    expect(c.subscriptions.map((s) => [s.id, s.active])).toEqual([[filtered, true], ['sub_2', true]]);
    expect(c.subscriptions.map((s) => s.serverId)).not.toEqual(firstServerIds);
    expect(c.socketId).not.toBe(firstSocketId);

    const pub = await ctx.connectedClient();
    const seen = collect(c, 'event');
    await pub.publishWithAck('session.status', { campusId: 13, n: 1 }); // filtered out
    await pub.publishWithAck('session.status', { campusId: 12, n: 2 });
    await pub.publishWithAck('order.updated', { n: 3 });
    await pub.socketClient.joinChannelWithAck('chat:restart');
    await pub.socketClient.publishWithAck('chat:restart', 'message', { n: 4 });
    // n: 4 is the last sent: the filtered-out n: 1 (or a duplicate) would have arrived before it.
    await until(() => seen.some((e) => e.payload.n === 4), 'events after the restart');
    expect(seen.map((e) => e.payload.n)).toEqual([2, 3, 4]);
  });

  it('publishes made while reconnecting are sent once the connection is back', async () => {
    const c = await ctx.connectedClient();
    await c.subscribeWithAck({ topic: 'queued.t' });
    const restarting = ctx.target.restart();
    await waitForState(c, 'reconnecting', 10_000);
    // Listen first: the client may be back (and the event in) before restart() has seen /health.
    const event = nextEvent(c, 'event:queued.t', () => true, 20_000);
    const id = c.publishWithAck('queued.t', { queued: true });
    await restarting;
    const e = await event;
    expect(e.payload).toEqual({ queued: true });
    expect(await id).toBe(e.id);
  });

  it('disconnect() keeps subscriptions; connect() restores them', async () => {
    const c = await ctx.connectedClient();
    await c.subscribeWithAck({ topic: 'manual.t' });
    c.disconnect();
    expect(c.state).toBe('disconnected');
    expect(c.subscriptions.map((s) => [s.topic, s.active])).toEqual([['manual.t', false]]);
    await expect(c.publishWithAck('manual.t', { a: 1 })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    const again = nextEvent(c, 'subscribed');
    c.connect();
    await waitForState(c, 'connected');
    await again;
    const pub = await ctx.connectedClient();
    const got = nextEvent(c, 'event:manual.t');
    await pub.publishWithAck('manual.t', { back: true });
    expect((await got).payload).toEqual({ back: true });
  });

  it('gives up after reconnectionAttempts with RECONNECT_FAILED when the server stays down', async () => {
    const token = await ctx.target.token(['subscribe']);
    const c = await ctx.client({ token, reconnectionAttempts: 2, reconnectionDelay: 50, reconnectionDelayMax: 50 });
    await waitForState(c, 'connected');
    const failed = nextEvent(c, 'error', (e) => e.code === 'RECONNECT_FAILED', 15_000);
    // The server vanishes for this client only: point its manager at a port where nothing
    // listens (9, discard), then drop the transport.
    const manager = c.socket.io as unknown as { uri: string; engine: { close(): void } };
    manager.uri = 'http://127.0.0.1:9';
    manager.engine.close();
    await failed;
    expect(c.state).toBe('disconnected');
  });
});
