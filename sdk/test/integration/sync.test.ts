import { expect, it } from 'vitest';
import { describeBinary, nextEvent, until, collect } from '../support/harness.js';

describeBinary('sync documents over REST', (ctx) => {
  const syncClient = async () => (await ctx.client({ autoConnect: false, permissions: ['service'] })).sync;

  it('create, get, replace, merge, mutate, list and delete, with revisions', async () => {
    const sync = await syncClient();
    const doc = await sync.create('session', { status: 'active', participantCount: 0 });
    expect(doc).toMatchObject({ service: 'session', revision: 1, data: { status: 'active', participantCount: 0 } });
    expect(typeof doc.id).toBe('string');
    expect(doc.id.length).toBeGreaterThan(0);

    const custom = await sync.create('session', { status: 'active' }, 'my-custom-id');
    expect(custom.id).toBe('my-custom-id');

    const got = await sync.get('session', doc.id);
    expect(got).toMatchObject({ id: doc.id, revision: 1, data: { status: 'active', participantCount: 0 } });

    const replaced = await sync.replace('session', doc.id, { status: 'ended', endedAt: 1710002000000 }, 1);
    expect(replaced).toMatchObject({ revision: 2, data: { status: 'ended', endedAt: 1710002000000 } });
    expect(replaced.data).not.toHaveProperty('participantCount');

    const merged = await sync.merge('session', doc.id, { notes: 'Session completed successfully' });
    expect(merged.revision).toBe(3);
    expect(merged.data).toEqual({ status: 'ended', endedAt: 1710002000000, notes: 'Session completed successfully' });

    const mutated = await sync.mutate('session', doc.id, { status: 'archived', participantCount: 0 }, 3);
    expect(mutated.revision).toBe(4);
    expect(mutated.data).toMatchObject({ status: 'archived', participantCount: 0, notes: 'Session completed successfully' });

    const ops = await sync.mutate('session', doc.id, [
      { op: 'set', path: '/status', value: 'reopened' },
      { op: 'increment', path: '/participantCount', value: 2 },
    ], { expectedRevision: 4 });
    expect(ops.revision).toBe(5);
    expect(ops.data).toMatchObject({ status: 'reopened', participantCount: 2 });

    const page = await sync.list('session');
    expect(page.documents.map((d) => d.id)).toEqual(expect.arrayContaining([doc.id, 'my-custom-id']));

    await sync.delete('session', doc.id);
    await expect(sync.get('session', doc.id)).rejects.toBeInstanceOf(ctx.sdk.NotFoundError);
  });

  it('a stale expectedRevision throws ConflictError carrying the current revision; nothing changes', async () => {
    const sync = await syncClient();
    const doc = await sync.create('order', { total: 10 });
    await sync.merge('order', doc.id, { total: 11 }, 1);
    for (const write of [
      () => sync.replace('order', doc.id, { total: 99 }, 1),
      () => sync.merge('order', doc.id, { total: 99 }, 1),
      () => sync.mutate('order', doc.id, { total: 99 }, 1),
    ]) {
      const err = await write().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ctx.sdk.ConflictError);
      expect(err).toBeInstanceOf(ctx.sdk.RealtimeError);
      const conflict = err as InstanceType<typeof ctx.sdk.ConflictError>;
      expect(conflict.message).toContain('conflict'); // the spec's `err.message.includes('conflict')`
      expect(conflict.code).toBe('CONFLICT');
      expect(conflict.status).toBe(409);
      expect(conflict.currentRevision).toBe(2);
      expect(conflict.expectedRevision).toBe(1);
    }
    // The spec's retry: read the latest and write with its revision.
    const latest = await sync.get('order', doc.id);
    expect(latest).toMatchObject({ revision: 2, data: { total: 11 } });
    expect((await sync.replace('order', doc.id, { total: 12 }, latest.revision)).revision).toBe(3);
  });

  it('missing documents throw NotFoundError on get and on every write', async () => {
    const sync = await syncClient();
    for (const call of [
      () => sync.get('session', 'does-not-exist'),
      () => sync.replace('session', 'does-not-exist', { a: 1 }),
      () => sync.merge('session', 'does-not-exist', { a: 1 }),
      () => sync.mutate('session', 'does-not-exist', { a: 1 }),
    ]) {
      const err = await call().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ctx.sdk.NotFoundError);
      expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    }
  });

  it('a request without a valid token is refused with UNAUTHORIZED', async () => {
    const sync = new ctx.sdk.SyncClient({ url: ctx.target.url, token: 'not-a-token' });
    await expect(sync.get('session', 'x')).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('a tokenProvider replaces a refused token and the request is retried once', async () => {
    const good = await ctx.target.token(['service']);
    // Well-formed and far from expiry, so only the server's 401 can trigger the refresh.
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    let calls = 0;
    const c = await ctx.client({ autoConnect: false, token: forged, tokenProvider: () => (calls++, good) });
    const doc = await c.sync.create('session', { via: 'provider' });
    expect(doc.revision).toBe(1);
    expect(calls).toBe(1);
    expect(c.token).toBe(good);
  });
});

describeBinary('sync events and returnMode', (ctx) => {
  it('subscribers receive full, diff or both, as their returnMode asks', async () => {
    const writer = (await ctx.client({ autoConnect: false, permissions: ['service'] })).sync;
    const full = await ctx.connectedClient();
    const diff = await ctx.connectedClient();
    const both = await ctx.connectedClient();
    await full.subscribeWithAck({ topic: 'sync.room.updated' });
    await diff.subscribeWithAck({ topic: 'sync.room.updated', returnMode: 'diff' });
    await both.subscribeWithAck({ topic: 'sync.room.updated', returnMode: 'both' });

    const doc = await writer.create('room', { status: 'active', count: 5, oldField: true });
    const events = [full, diff, both].map((c) => nextEvent(c, 'event:sync.room.updated', (e) => e.payload.documentId === doc.id));
    await writer.replace('room', doc.id, { status: 'ended', count: 5, newField: 42 }, 1);
    const [f, d, b] = await Promise.all(events);

    for (const e of [f, d, b]) {
      expect(e).toMatchObject({ topic: 'sync.room.updated', source: 'sync', payload: { service: 'room', documentId: doc.id, revision: 2 } });
      expect(e.metadata.revision).toBe(2);
    }
    const expectedDiff = { added: { newField: 42 }, removed: ['oldField'], changed: { status: { from: 'active', to: 'ended' } } };
    expect(f.payload.data).toEqual({ status: 'ended', count: 5, newField: 42 });
    expect(f.payload).not.toHaveProperty('diff');
    expect(d.payload.diff).toEqual(expectedDiff);
    expect(d.payload).not.toHaveProperty('data');
    expect(b.payload.data).toEqual({ status: 'ended', count: 5, newField: 42 });
    expect(b.payload.diff).toEqual(expectedDiff);
  });

  it('filters apply to sync events too', async () => {
    const writer = (await ctx.client({ autoConnect: false, permissions: ['service'] })).sync;
    const c = await ctx.connectedClient();
    await c.subscribeWithAck({ topic: 'sync.desk.created', filter: { service: 'desk' } });
    const seen = collect(c, 'event:sync.desk.created');
    const doc = await writer.create('desk', { a: 1 });
    await until(() => seen.length === 1, 'the created event');
    expect(seen[0]).toMatchObject({ source: 'sync', payload: { documentId: doc.id, revision: 1 } });
  });
});
