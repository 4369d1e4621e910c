import { describe, expect, it } from 'vitest';
import type { AnalyticsRow } from '../../api/insights';
import { bySourceWindows } from './analytics';

const row = (topic: string, startTime: number, database: number, socket: number): AnalyticsRow => ({
  topic, window: '1m', count: database + socket, startTime, endTime: startTime + 60_000,
  bySource: { database, sync: 0, socket }, latencyP50: null, latencyP95: null, latencyP99: null,
});

describe('bySourceWindows', () => {
  it('sums the topics of each window, oldest first', () => {
    expect(bySourceWindows([row('b', 120_000, 1, 1), row('a', 60_000, 2, 0), row('c', 120_000, 0, 3)])).toEqual([
      { at: 60_000, database: 2, sync: 0, socket: 0 },
      { at: 120_000, database: 1, sync: 0, socket: 4 },
    ]);
  });
});
