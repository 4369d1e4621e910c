// The frame of the three dashboards: the page header with the window selector, and the
// metrics history (GET /api/metrics/history?window=) refreshed every tick.
import { useState } from 'react';
import type { ReactNode } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { HISTORY_WINDOWS, monitoringApi } from '../../api/insights';
import type { HistoryWindow, MetricsHistory } from '../../api/insights';
import { PageHeader } from '../../components/PageHeader';
import { windowWords } from './history';
import { QueryStates } from '../../components/QueryStates';

const WINDOW_LABEL: Record<HistoryWindow, string> = { '90s': 'Last 90 seconds', '15m': 'Last 15 minutes', '1h': 'Last hour' };

export function DashboardFrame(props: { title: string; description: string; children: (h: MetricsHistory) => ReactNode; extra?: ReactNode }) {
  const [win, setWin] = useState<HistoryWindow>('15m');
  const history = useQuery({
    queryKey: ['metrics', 'history', win],
    queryFn: () => monitoringApi.history(win),
    refetchInterval: 5000,
    placeholderData: keepPreviousData,
  });
  const tick = history.data?.tickMs;
  return (
    <>
      <PageHeader
        title={props.title}
        description={`${props.description} ${history.data ? `Over the ${windowWords(history.data.windowMs)}, one sample every ${(tick ?? 5000) / 1000} s.` : ''}`}
        actions={
          <TextField select size="small" label="Window" value={win} onChange={(e) => setWin(e.target.value as HistoryWindow)} sx={{ minWidth: 180 }}>
            {HISTORY_WINDOWS.map((w) => <MenuItem key={w} value={w}>{WINDOW_LABEL[w]}</MenuItem>)}
          </TextField>
        }
      />
      <QueryStates
        query={history}
        loading="Loading the metrics history…"
        errorTitle="Could not load the metrics history"
        keepDataOnError
      >
        {(historyData) => (
          historyData && props.children(historyData)
        )}
      </QueryStates>
      {props.extra}
    </>
  );
}
