import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';

export interface Metric {
  label: string;
  value: string;
  /** Colours the value: a warning when a threshold is crossed. */
  tone?: 'normal' | 'warning' | 'error';
}

/** One of the dashboard's three panels: a titled grid of labelled numbers. */
export function MetricPanel({ title, metrics, id }: { title: string; metrics: Metric[]; id: string }) {
  return (
    <Card component="section" aria-labelledby={id} sx={{ height: '100%' }}>
      <CardContent>
        <Typography id={id} variant="h6" component="h2" sx={{ mb: 2 }}>
          {title}
        </Typography>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 2, m: 0 }}>
          {metrics.map((m) => (
            <Box key={m.label}>
              <Typography component="dt" variant="body2" color="text.secondary">
                {m.label}
              </Typography>
              <Typography
                component="dd"
                variant="h5"
                sx={{
                  m: 0,
                  fontWeight: 600,
                  fontVariantNumeric: 'tabular-nums',
                  color: m.tone === 'error' ? 'error.main' : m.tone === 'warning' ? 'warning.main' : 'text.primary',
                }}
              >
                {m.value}
              </Typography>
            </Box>
          ))}
        </Box>
      </CardContent>
    </Card>
  );
}
