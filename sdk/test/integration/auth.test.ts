import { expect, it } from 'vitest';
import { collect, describeBinary, nextEvent, waitForState } from '../support/harness.js';

describeBinary('authentication', (ctx) => {
  it('an invalid token is surfaced as error with code AUTH_FAILED and the client ends disconnected', async () => {
    const c = await ctx.client({ token: 'not-a-valid-token', autoConnect: false });
    const states = collect(c, 'connection');
    const error = nextEvent(c, 'error');
    c.connect();
    const err = await error;
    expect(err).toBeInstanceOf(ctx.sdk.RealtimeError);
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message.length).toBeGreaterThan(0);
    await waitForState(c, 'disconnected');
    expect(c.connected).toBe(false);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'disconnected']);
    expect(states[1]!.reason).toBe('AUTH_FAILED');
  });

  it('a token signed with another key is refused the same way', async () => {
    const good = await ctx.target.token(['subscribe']);
    const [h, p] = good.split('.');
    const c = await ctx.client({ token: `${h}.${p}.${'A'.repeat(43)}` });
    expect((await nextEvent(c, 'error')).code).toBe('AUTH_FAILED');
  });

  it('the spec recipe: obtain a new token with setToken(), then connect()', async () => {
    const c = await ctx.client({ token: 'expired' });
    await nextEvent(c, 'error', (e) => e.code === 'AUTH_FAILED');
    await waitForState(c, 'disconnected');
    c.setToken(await ctx.target.token(['subscribe', 'publish']));
    c.connect();
    await waitForState(c, 'connected');
    await c.subscribeWithAck({ topic: 'after.auth' });
    const got = nextEvent(c, 'event:after.auth');
    await c.publishWithAck('after.auth', { ok: true });
    expect((await got).payload).toEqual({ ok: true });
  });

  it('with a tokenProvider, a refused token is replaced and the client reconnects by itself', async () => {
    const good = await ctx.target.token(['subscribe']);
    const [h, p] = good.split('.');
    let calls = 0;
    const c = await ctx.client({ token: `${h}.${p}.${'A'.repeat(43)}`, tokenProvider: async () => (calls++, good) });
    const error = nextEvent(c, 'error');
    await waitForState(c, 'connected');
    expect((await error).code).toBe('AUTH_FAILED');
    expect(calls).toBe(1);
    expect(c.token).toBe(good);
  });

  it('a tokenProvider is asked before connecting when the token is about to expire', async () => {
    const good = await ctx.target.token(['subscribe']);
    let calls = 0;
    // The threshold makes the (1 h) token count as expiring: the provider runs before the handshake.
    const c = await ctx.client({ token: good, tokenProvider: () => (calls++, good), tokenRefreshThresholdMs: 2 * 3600_000 });
    await waitForState(c, 'connected');
    expect(calls).toBeGreaterThanOrEqual(1);
  });

  it('setTokenWithAck on a live connection: accepted without reconnecting; another subject is refused', async () => {
    const c = await ctx.connectedClient({ permissions: ['subscribe', 'publish'], subject: 'alice' });
    const id = c.socketId;
    expect(id).toBeTruthy();
    await c.setTokenWithAck(await ctx.target.token(['subscribe', 'publish'], 'alice'));
    expect(c.socketId).toBe(id);
    await expect(c.setTokenWithAck(await ctx.target.token(['subscribe', 'publish'], 'mallory'))).rejects.toBeTruthy();
    await c.subscribeWithAck({ topic: 'still.here' });
    const got = nextEvent(c, 'event:still.here');
    await c.publishWithAck('still.here', { n: 1 });
    expect((await got).payload).toEqual({ n: 1 });
    expect(c.socketId).toBe(id);
  });

  it('a tokenProvider refreshes a short token on the open connection before it expires', async () => {
    const first = await ctx.target.token(['subscribe', 'publish'], 'bob', 3);
    const expMs = JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()).exp * 1000;
    let calls = 0;
    const c = await ctx.connectedClient({
      token: first,
      tokenProvider: async () => (calls++, ctx.target.token(['subscribe', 'publish'], 'bob', 3600)),
    });
    const id = c.socketId;
    expect(id).toBeTruthy();
    await c.subscribeWithAck({ topic: 'refreshed.topic' });
    // Past the first token's expiry (the server closes connections exactly at exp).
    await new Promise((r) => setTimeout(r, Math.max(0, expMs - Date.now()) + 700));
    expect(calls).toBeGreaterThanOrEqual(1);
    const got = nextEvent(c, 'event:refreshed.topic');
    await c.publishWithAck('refreshed.topic', { after: 'expiry' });
    expect((await got).payload).toEqual({ after: 'expiry' });
    expect(c.socketId).toBe(id);
    expect(c.connected).toBe(true);
  });
});
