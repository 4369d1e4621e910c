// Series of the dashboards' charts from GET /api/metrics/history samples, and the text summaries
// that say what each chart shows (for screen readers and for a quick read).
import type { MetricsSample } from '../../api/insights';

/** A point in time of a chart: a metrics sample, or an analytics window. */
export interface Point {
  at: number;
}

export interface SeriesSpec<T extends Point = MetricsSample> {
  label: string;
  /** The point's value, or null when the point does not have it. */
  value: (s: T) => number | null;
}

export interface Series {
  label: string;
  data: (number | null)[];
}

export function buildSeries<T extends Point>(samples: T[], specs: SeriesSpec<T>[]): { x: Date[]; series: Series[] } {
  return {
    x: samples.map((s) => new Date(s.at)),
    series: specs.map((spec) => ({ label: spec.label, data: samples.map((s) => { const v = spec.value(s); return typeof v === 'number' && Number.isFinite(v) ? v : null; }) })),
  };
}

export interface Stats {
  latest: number;
  min: number;
  max: number;
  avg: number;
}

export function stats(data: (number | null)[]): Stats | null {
  const values = data.filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  return { latest: values[values.length - 1], min: Math.min(...values), max: Math.max(...values), avg: sum / values.length };
}

/** "Events in / s: now 2, min 0, max 5, average 1.3." per series; `format` renders a value. */
export function summarize(series: Series[], format: (n: number) => string): string {
  return series
    .map((s) => {
      const st = stats(s.data);
      if (!st) return `${s.label}: no data.`;
      return `${s.label}: now ${format(st.latest)}, min ${format(st.min)}, max ${format(st.max)}, average ${format(st.avg)}.`;
    })
    .join(' ');
}

/** A window length in words: 90000 -> "90 seconds", 900000 -> "15 minutes", 3600000 -> "1 hour". */
export function windowWords(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return ms === 3_600_000 ? '1 hour' : `${ms / 3_600_000} hours`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}
