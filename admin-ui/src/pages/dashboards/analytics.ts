// The analytics rows (GET /api/metrics/analytics: one per topic and window) summed per window,
// by source, for the "events by source" chart.
import type { AnalyticsRow } from '../../api/insights';

export interface SourceWindow {
  at: number;
  database: number;
  sync: number;
  socket: number;
}

export function bySourceWindows(rows: AnalyticsRow[]): SourceWindow[] {
  const byStart = new Map<number, SourceWindow>();
  for (const r of rows) {
    const w = byStart.get(r.startTime) ?? { at: r.startTime, database: 0, sync: 0, socket: 0 };
    w.database += r.bySource.database;
    w.sync += r.bySource.sync;
    w.socket += r.bySource.socket;
    byStart.set(r.startTime, w);
  }
  return [...byStart.values()].sort((a, b) => a.at - b.at);
}
