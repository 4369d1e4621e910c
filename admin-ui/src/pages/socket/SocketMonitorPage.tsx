// spec/12 Socket Monitor: three tabs — Connections, Channels, Live Traffic. The tab is kept in
// the URL (?tab=channels) so a reload or a shared link opens the same one.
import { useSearchParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { EnvironmentBadge } from '../../components/EnvironmentBadge';
import { PageHeader } from '../../components/PageHeader';
import { useScope } from '../../state/scope';
import { ChannelsTab } from './ChannelsTab';
import { ConnectionsTab } from './ConnectionsTab';
import { TrafficTab } from './TrafficTab';

const TABS = [
  { id: 'connections', label: 'Connections' },
  { id: 'channels', label: 'Channels' },
  { id: 'traffic', label: 'Live Traffic' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function SocketMonitorPage() {
  const { environment } = useScope();
  const [params, setParams] = useSearchParams();
  const current: TabId = TABS.some((t) => t.id === params.get('tab')) ? (params.get('tab') as TabId) : 'connections';

  return (
    <>
      <PageHeader
        title="Socket Monitor"
        description={<>Live WebSocket and Socket.IO connections, channels and traffic of this application in <EnvironmentBadge environment={environment} />.</>}
      />
      <Paper variant="outlined">
        <Box sx={{ borderBottom: 1, borderColor: 'divider' }}>
          <Tabs
            value={current}
            onChange={(_, v: TabId) => setParams(v === 'connections' ? {} : { tab: v }, { replace: true })}
            aria-label="Socket monitor views"
          >
            {TABS.map((t) => (
              <Tab key={t.id} value={t.id} label={t.label} id={`socket-tab-${t.id}`} aria-controls={`socket-panel-${t.id}`} />
            ))}
          </Tabs>
        </Box>
        {TABS.map((t) => (
          <Box
            key={t.id}
            role="tabpanel"
            id={`socket-panel-${t.id}`}
            aria-labelledby={`socket-tab-${t.id}`}
            hidden={current !== t.id}
            sx={{ p: 2 }}
          >
            {current === t.id && t.id === 'connections' && <ConnectionsTab />}
            {current === t.id && t.id === 'channels' && <ChannelsTab />}
            {current === t.id && t.id === 'traffic' && <TrafficTab />}
          </Box>
        ))}
      </Paper>
    </>
  );
}
