import { describe, expect, it } from 'vitest';
import { formatUptime, prependBounded, summarize } from './traffic';

describe('prependBounded', () => {
  it('puts the incoming (oldest first) in front, newest first, and keeps at most max', () => {
    expect(prependBounded([3, 2, 1], [4, 5], 4)).toEqual([5, 4, 3, 2]);
    expect(prependBounded([], [1, 2, 3, 4, 5, 6], 3)).toEqual([6, 5, 4]);
    const same = [1];
    expect(prependBounded(same, [])).toBe(same);
  });
});

describe('summarize', () => {
  it('describes each kind of traffic', () => {
    const base = { socketId: 's1', at: 0 };
    expect(summarize({ ...base, type: 'subscribe', topic: 'orders.created', filter: { region: 'eu' }, returnMode: 'diff' })).toBe(
      'orders.created filter {"region":"eu"} returnMode diff',
    );
    expect(summarize({ ...base, type: 'connect', transport: 'socket.io', engineTransport: 'polling', remoteAddress: '10.0.0.1', subject: 'u1' })).toBe(
      'socket.io (polling) 10.0.0.1 subject u1',
    );
    expect(summarize({ ...base, type: 'disconnect', reason: 'client closed', code: 1000, detail: '' })).toBe('client closed code 1000');
    expect(summarize({ ...base, socketId: null, type: 'broadcast', channel: 'chat:1', event: 'hi', source: 'rest' })).toBe('chat:1 event hi via rest');
    expect(summarize({ ...base, type: 'join', channel: 'chat:1' })).toBe('chat:1');
    expect(summarize({ ...base, type: 'mystery' })).toBe('');
  });
});

describe('formatUptime', () => {
  it('shows the two largest units', () => {
    expect(formatUptime(12_000)).toBe('12s');
    expect(formatUptime(250_000)).toBe('4m 10s');
    expect(formatUptime(2 * 3600_000 + 5 * 60_000)).toBe('2h 5m');
    expect(formatUptime(3 * 86400_000 + 4 * 3600_000)).toBe('3d 4h');
    expect(formatUptime(-5)).toBe('0s');
  });
});
