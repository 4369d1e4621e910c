// spec/12 Database Pipeline: CDC and outbox lag, events captured vs routed per second, mapping
// and schema validation failures per tick, over the selected window.
import Grid from '@mui/material/Grid';
import { formatMs, formatNumber } from '../../components/format';
import { ChartCard } from './ChartCard';
import { DashboardFrame } from './DashboardFrame';

const num = (n: number) => formatNumber(n, 2);

export function PipelineDashboard() {
  return (
    <DashboardFrame title="Database Pipeline" description="Change data capture and outbox: lag, throughput and failures.">
      {(h) => (
        <Grid container spacing={3}>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title="CDC and outbox lag"
              samples={h.samples}
              lines={[
                { label: 'CDC lag', value: (s) => s.pipeline.cdcLag },
                { label: 'Outbox lag', value: (s) => s.pipeline.outboxLag },
              ]}
              format={formatMs}
              unit="ms"
            />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title="Events captured vs routed"
              samples={h.samples}
              lines={[
                { label: 'Captured / s', value: (s) => s.pipeline.eventsCapturedPerSec },
                { label: 'Routed / s', value: (s) => s.pipeline.eventsRoutedPerSec },
              ]}
              format={num}
              unit="per second"
            />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title={`Mapping failures (per ${h.tickMs / 1000} s tick)`}
              samples={h.samples}
              lines={[{ label: 'Mapping failures', value: (s) => s.pipeline.mappingFailures }]}
              format={(n) => formatNumber(n, 1)}
              unit="failures"
            />
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <ChartCard
              title={`Schema validation failures (per ${h.tickMs / 1000} s tick)`}
              samples={h.samples}
              lines={[{ label: 'Schema failures', value: (s) => s.pipeline.schemaValidationFailures }]}
              format={(n) => formatNumber(n, 1)}
              unit="failures"
            />
          </Grid>
        </Grid>
      )}
    </DashboardFrame>
  );
}
