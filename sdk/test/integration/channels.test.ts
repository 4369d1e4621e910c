import { expect, it } from 'vitest';
import { collect, describeBinary, isMarker, marker, nextEvent, until } from '../support/harness.js';

describeBinary('socket channels, direct messages and presence', (ctx) => {
  it('chat between three clients: members receive, the sender does not', async () => {
    const alice = await ctx.connectedClient({ subject: 'alice' });
    const bob = await ctx.connectedClient({ subject: 'bob' });
    const carol = await ctx.connectedClient({ subject: 'carol' });
    for (const c of [alice, bob, carol]) await c.socketClient.joinChannelWithAck('chat:room1');
    const got = { alice: collect(alice, 'event'), bob: collect(bob, 'event:chat:room1'), carol: collect(carol, 'event:chat:room1') };

    const id = await alice.socketClient.publishWithAck('chat:room1', 'message', { text: 'Hello everyone!', sender: 'alice' });
    await until(() => got.bob.length === 1 && got.carol.length === 1, 'bob and carol receive the message');
    for (const e of [got.bob[0], got.carol[0]]) {
      expect(e).toMatchObject({ topic: 'chat:room1', source: 'socket', type: 'message', payload: { text: 'Hello everyone!', sender: 'alice' } });
      if (id) expect(e.id).toBe(id);
    }
    // Fire-and-forget, and a non-object payload arrives wrapped as { data }.
    bob.socketClient.publish('chat:room1', 'typing', 'bob is typing');
    await until(() => got.alice.length === 1 && got.carol.length === 2, 'alice and carol receive typing');
    expect(got.alice[0]).toMatchObject({ topic: 'chat:room1', type: 'typing', payload: { data: 'bob is typing' } });
    // Bob's own message would have reached him before Alice's next one (sent after it arrived).
    await alice.socketClient.publishWithAck('chat:room1', 'message', { marker: 'after-typing' });
    await until(() => got.bob.some((e) => e.payload?.marker === 'after-typing'), 'alice\'s marker at bob');
    expect(got.bob.map((e) => e.type)).toEqual(['message', 'message']); // never its own 'typing'
  });

  it('a member that also subscribes to the channel topic receives each message once', async () => {
    const a = await ctx.connectedClient();
    const b = await ctx.connectedClient();
    await a.socketClient.joinChannelWithAck('chat:once');
    await b.socketClient.joinChannelWithAck('chat:once');
    await b.subscribeWithAck({ topic: 'chat:once' });
    const seen = collect(b, 'event');
    await a.socketClient.publishWithAck('chat:once', 'message', { n: 1 });
    await a.socketClient.publishWithAck('chat:once', 'message', { marker: 'after' });
    await until(() => seen.some(isMarker), 'the marker after the message'); // a duplicate would be ahead of it
    expect(seen.filter((e) => !isMarker(e))).toHaveLength(1);
  });

  it('a subscriber that is not a member receives channel messages through its subscription', async () => {
    const member = await ctx.connectedClient();
    const watcher = await ctx.connectedClient();
    await member.socketClient.joinChannelWithAck('chat:watched');
    await watcher.subscribeWithAck({ topic: 'chat:watched' });
    const got = nextEvent(watcher, 'event:chat:watched');
    await member.socketClient.publishWithAck('chat:watched', 'message', { text: 'hi' });
    expect(await got).toMatchObject({ type: 'message', payload: { text: 'hi' } });
  });

  it('direct messages reach only the target, with metadata.from = sender socket id', async () => {
    const a = await ctx.connectedClient();
    const b = await ctx.connectedClient();
    const c = await ctx.connectedClient();
    const bId = b.socketClient.socketId!;
    expect(typeof bId).toBe('string');
    expect(b.socketId).toBe(bId);
    expect(b.socketClient.id).toBe(bId);
    const direct = nextEvent(b, 'direct');
    const onTopic = nextEvent(b, `event:direct:${bId}`);
    await c.subscribeWithAck({ topic: 'dm.marker' });
    const others = [collect(a, 'event'), collect(c, 'event')];
    await a.socketClient.directMessageWithAck(bId, 'invite', { roomId: 'chat:room2', invitedBy: 'alice' });
    const e = await direct;
    expect(e).toMatchObject({ topic: `direct:${bId}`, type: 'invite', source: 'socket', payload: { roomId: 'chat:room2', invitedBy: 'alice' } });
    expect(e.metadata.from).toBe(a.socketId);
    expect(await onTopic).toEqual(e);
    a.socketClient.directMessage(bId, 'notification', 42);
    expect((await nextEvent(b, 'direct')).payload).toEqual({ data: 42 });
    await marker(a, c, 'dm.marker'); // a direct message to c would be ahead of a's marker
    expect(others.flat().filter((e) => !isMarker(e))).toEqual([]);
  });

  it('a direct message without the publish permission is refused with FORBIDDEN', async () => {
    const target = await ctx.connectedClient();
    const a = await ctx.connectedClient({ permissions: ['subscribe'] });
    await expect(a.socketClient.directMessageWithAck(target.socketId!, 'x', {})).rejects.toMatchObject({ code: 'FORBIDDEN', operation: 'direct' });
    const error = nextEvent(a, 'error');
    a.socketClient.directMessage(target.socketId!, 'x', {});
    expect(await error).toMatchObject({ code: 'FORBIDDEN', operation: 'direct' });
    await expect(a.socketClient.publishWithAck('chat:room1', 'message', {})).rejects.toMatchObject({ code: 'FORBIDDEN', channel: 'chat:room1' });
  });

  it('presence: join with members, join/leave events, abrupt disconnect, member lists', async () => {
    const alice = await ctx.connectedClient({ subject: 'alice' });
    const bob = await ctx.connectedClient({ subject: 'bob' });
    const joined = await alice.socketClient.joinChannelWithAck('chat:presence');
    expect(joined.channel).toBe('chat:presence');
    expect(joined.members.map((m) => m.socketId)).toContain(alice.socketId);

    const bobJoins = nextEvent(alice, 'presence:chat:presence', (e) => e.type === 'presence.join' && e.payload.socketId === bob.socketId);
    const anyPresence = nextEvent(alice, 'presence');
    const bobJoin = await bob.socketClient.joinChannelWithAck('chat:presence');
    expect(bobJoin.members.map((m) => m.socketId).sort()).toEqual([alice.socketId, bob.socketId].sort());
    const e = await bobJoins;
    expect(e).toMatchObject({ topic: 'presence:chat:presence', type: 'presence.join', payload: { channel: 'chat:presence', socketId: bob.socketId, subject: 'bob' } });
    expect(typeof e.payload.joinedAt).toBe('number');
    expect((await anyPresence).topic).toBe('presence:chat:presence');
    await until(() => alice.socketClient.getMembers('chat:presence').length === 2, 'alice sees two members');
    expect(alice.socketClient.getMembers('chat:presence').find((m) => m.socketId === bob.socketId)?.subject).toBe('bob');
    expect(alice.socketClient.channels).toEqual(['chat:presence']);

    const bobLeaves = nextEvent(alice, 'presence:chat:presence', (ev) => ev.type === 'presence.leave' && ev.payload.socketId === bob.socketId);
    await bob.socketClient.leaveChannelWithAck('chat:presence');
    await bobLeaves;
    expect(alice.socketClient.getMembers('chat:presence').map((m) => m.socketId)).toEqual([alice.socketId]);

    const carol = await ctx.connectedClient({ subject: 'carol' });
    await carol.socketClient.joinChannelWithAck('chat:presence');
    await until(() => alice.socketClient.getMembers('chat:presence').length === 2, 'carol is a member');
    const carolId = carol.socketId;
    const carolGone = nextEvent(alice, 'presence', (ev) => ev.type === 'presence.leave' && ev.payload.socketId === carolId, 10_000);
    carol.socket.io.engine.close(); // abrupt: the transport drops, no leave sent
    carol.destroy();
    await carolGone;
  });

  it('after leaveChannel no more messages arrive', async () => {
    const a = await ctx.connectedClient();
    const b = await ctx.connectedClient();
    await a.socketClient.joinChannelWithAck('chat:leave');
    await b.socketClient.joinChannelWithAck('chat:leave');
    const seen = collect(b, 'event');
    await a.socketClient.publishWithAck('chat:leave', 'm', { n: 1 });
    await until(() => seen.length === 1, 'first message');
    b.socketClient.leaveChannel('chat:leave');
    expect(b.socketClient.channels).toEqual([]);
    await b.subscribeWithAck({ topic: 'leave.marker' }); // acknowledged after the server handled the leave
    await a.socketClient.publishWithAck('chat:leave', 'm', { n: 2 });
    await marker(a, b, 'leave.marker'); // n: 2 would be ahead of it
    expect(seen.filter((e) => !isMarker(e)).map((e) => e.payload.n)).toEqual([1]);
  });
});
