// One chart of a dashboard: a titled line chart over time (@mui/x-charts) with a text summary
// that says the same in words (latest, min, max, average of every line).
import { useId } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import { LineChart } from '@mui/x-charts/LineChart';
import type { MetricsSample } from '../../api/insights';
import { buildSeries, summarize } from './history';
import type { Point, SeriesSpec } from './history';

export interface ChartCardProps<T extends Point> {
  title: string;
  samples: T[];
  lines: SeriesSpec<T>[];
  /** Renders a value in the summary and the tooltip ("12 ms", "3.5 %"). */
  format: (n: number) => string;
  unit?: string;
  area?: boolean;
  /** What the summary says without points. */
  empty?: string;
}

const timeOnly = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function ChartCard<T extends Point = MetricsSample>({ title, samples, lines, format, unit, area, empty }: ChartCardProps<T>) {
  const id = useId();
  const { x, series } = buildSeries(samples, lines);
  const summary = summarize(series, format);
  return (
    <Card component="section" aria-labelledby={`${id}-t`} sx={{ height: '100%' }}>
      <CardContent>
        <Typography id={`${id}-t`} variant="h6" component="h2">
          {title}
        </Typography>
        <div role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-s`}>
          <LineChart
            height={240}
            skipAnimation
            xAxis={[{ data: x, scaleType: 'time', valueFormatter: (d: Date) => timeOnly(d) }]}
            yAxis={[{ label: unit, width: 64 }]}
            series={series.map((s) => ({ data: s.data, label: s.label, showMark: false, area, connectNulls: true, valueFormatter: (v: number | null) => (v === null ? '—' : format(v)) }))}
            margin={{ left: 8, right: 16 }}
          />
        </div>
        <Typography id={`${id}-s`} variant="body2" color="text.secondary" data-testid="chart-summary">
          {samples.length === 0 ? (empty ?? 'No samples yet: the server records one every 5 seconds.') : summary}
        </Typography>
      </CardContent>
    </Card>
  );
}
