import { describe, expect, it } from 'vitest';
import type { MetricsSample } from '../../api/insights';
import { buildSeries, stats, summarize, windowWords } from './history';

const sample = (at: number, eventsIn: number): MetricsSample =>
  ({
    at,
    delivery: { activeConnections: 1, reconnectRate: 0, eventsInPerSec: eventsIn, eventsOutPerSec: 0, fanoutLatencyP50: 0, fanoutLatencyP95: 0, fanoutLatencyP99: 0 },
    pipeline: { cdcLag: 0, outboxLag: 0, eventsCapturedPerSec: 0, eventsRoutedPerSec: 0, mappingFailures: 0, schemaValidationFailures: 0 },
    reliability: { queueDepth: 0, retryCount: 0, dlqSize: 0, webhookSuccessRate: 1, webhookFailureRate: 0 },
  }) as MetricsSample;

describe('dashboard history', () => {
  it('builds one series per spec over the samples, oldest first', () => {
    const { x, series } = buildSeries([sample(1000, 2), sample(6000, 4)], [{ label: 'In', value: (s) => s.delivery.eventsInPerSec }]);
    expect(x.map((d) => d.getTime())).toEqual([1000, 6000]);
    expect(series).toEqual([{ label: 'In', data: [2, 4] }]);
  });
  it('summarizes latest, min, max and average, skipping gaps', () => {
    expect(stats([1, null, 3])).toEqual({ latest: 3, min: 1, max: 3, avg: 2 });
    expect(stats([null])).toBeNull();
    expect(summarize([{ label: 'In', data: [1, 3] }, { label: 'Out', data: [] }], String)).toBe(
      'In: now 3, min 1, max 3, average 2. Out: no data.',
    );
  });
  it('says the window in words', () => {
    expect(windowWords(90_000)).toBe('90 seconds');
    expect(windowWords(900_000)).toBe('15 minutes');
    expect(windowWords(3_600_000)).toBe('1 hour');
  });
});
