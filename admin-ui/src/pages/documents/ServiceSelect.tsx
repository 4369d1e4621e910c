// The service selector of the document pages, populated from GET /api/services.
import { useQuery } from '@tanstack/react-query';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { servicesApi } from '../../api/operations';
import type { SyncService } from '../../api/operations';
import { useScopedKey } from '../../state/scope';

export function useServices() {
  // Services are per application (every environment shares them), but the key stays scoped.
  return useQuery({ queryKey: useScopedKey('services'), queryFn: servicesApi.list });
}

export function sortServices(list: readonly SyncService[] | undefined): SyncService[] {
  return [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name));
}

export function ServiceSelect({ value, onChange, helperText }: { value: string; onChange: (name: string) => void; helperText?: string }) {
  const services = useServices();
  const list = sortServices(services.data);
  const known = list.some((s) => s.name === value);
  return (
    <TextField
      select
      label="Service"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      sx={{ minWidth: 240 }}
      disabled={services.isPending}
      helperText={helperText ?? (services.isPending ? 'Loading services…' : list.length === 0 ? 'No services registered yet.' : undefined)}
      error={Boolean(services.error)}
    >
      {value === '' && <MenuItem value="">Choose a service</MenuItem>}
      {list.map((s) => (
        <MenuItem key={s.id} value={s.name}>
          {s.name}
          {s.description ? ` — ${s.description}` : ''}
        </MenuItem>
      ))}
      {value !== '' && !known && <MenuItem value={value}>{value} (not registered)</MenuItem>}
    </TextField>
  );
}
