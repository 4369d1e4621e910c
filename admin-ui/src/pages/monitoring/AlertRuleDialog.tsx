// Create (POST /api/alerts/rules) or edit (PATCH /api/alerts/rules/:id) an alert rule.
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import { applicationsApi } from '../../api/endpoints';
import { alertsApi, ALERT_SEVERITIES, COMPARISONS } from '../../api/insights';
import type { AlertRule, Comparison, AlertSeverity } from '../../api/insights';
import { ENVIRONMENTS } from '../../api/storage';
import { usePermissions } from '../../auth/permissions';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ALERT_METRICS, checkRuleForm, COMPARISON_SYMBOL, emptyRuleForm, ruleToForm } from './alertRules';
import type { RuleErrors, RuleForm } from './alertRules';

interface Props {
  open: boolean;
  rule?: AlertRule;
  onClose: () => void;
  onSaved: () => void;
}

export function AlertRuleDialog({ open, rule, onClose, onSaved }: Props) {
  const titleId = useId();
  const { can } = usePermissions();
  const [form, setForm] = useState<RuleForm>(emptyRuleForm);
  const [errors, setErrors] = useState<RuleErrors>({});
  const apps = useQuery({ queryKey: ['applications'], queryFn: applicationsApi.list, enabled: open && can('applications:read') });
  const save = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof checkRuleForm>['body']>) =>
      rule ? alertsApi.updateRule(rule.id, body) : alertsApi.createRule(body),
    onSuccess: onSaved,
  });
  useEffect(() => {
    if (!open) return;
    setForm(rule ? ruleToForm(rule) : emptyRuleForm());
    setErrors({});
    save.reset();
  }, [open, rule]);

  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkRuleForm(form);
    setErrors(checked.errors);
    if (checked.body) save.mutate(checked.body);
  };
  const text = (k: keyof RuleForm, label: string, extra: Record<string, unknown> = {}, help?: string) => (
    <TextField
      label={label}
      fullWidth
      value={form[k] as string}
      onChange={(e) => set(k, e.target.value as never)}
      error={Boolean(errors[k])}
      helperText={errors[k] ?? help}
      {...extra}
    />
  );

  return (
    <Dialog open={open} onClose={save.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="md">
      <form onSubmit={submit} noValidate>
        <DialogTitle id={titleId}>{rule ? `Edit rule ${rule.name}` : 'Create alert rule'}</DialogTitle>
        <DialogContent>
          <Grid container spacing={2} sx={{ pt: 1 }}>
            <Grid size={{ xs: 12, sm: 6 }}>{text('name', 'Name', { required: true, autoFocus: true })}</Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <TextField select label="Severity" fullWidth value={form.severity} onChange={(e) => set('severity', e.target.value as AlertSeverity)}>
                {ALERT_SEVERITIES.map((s) => <MenuItem key={s} value={s}>{s}</MenuItem>)}
              </TextField>
            </Grid>
            <Grid size={{ xs: 12 }}>{text('description', 'Description', { multiline: true, minRows: 2 })}</Grid>
            <Grid size={{ xs: 12, sm: 5 }}>
              <TextField select label="Metric" fullWidth value={form.metric} onChange={(e) => set('metric', e.target.value)} error={Boolean(errors.metric)} helperText={errors.metric}>
                {ALERT_METRICS.map((m) => <MenuItem key={m} value={m}>{m}</MenuItem>)}
              </TextField>
            </Grid>
            <Grid size={{ xs: 12, sm: 3 }}>
              <TextField select label="Comparison" fullWidth value={form.comparison} onChange={(e) => set('comparison', e.target.value as Comparison)}>
                {COMPARISONS.map((c) => <MenuItem key={c} value={c}>{COMPARISON_SYMBOL[c]} ({c})</MenuItem>)}
              </TextField>
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>{text('threshold', 'Threshold', { required: true })}</Grid>
            <Grid size={{ xs: 12, sm: 6 }}>{text('for', 'Hold for (seconds)', {}, 'How long the condition must hold before firing.')}</Grid>
            <Grid size={{ xs: 12, sm: 6 }}>{text('cooldown', 'Cooldown (seconds)', {}, 'Minimum time between two firings.')}</Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <TextField select label="Application" fullWidth value={form.applicationId} onChange={(e) => set('applicationId', e.target.value)} helperText="The alert's scope">
                <MenuItem value="">Every application</MenuItem>
                {(apps.data ?? []).map((a) => <MenuItem key={a.id} value={a.id}>{a.name}</MenuItem>)}
                {form.applicationId && !apps.data?.some((a) => a.id === form.applicationId) && (
                  <MenuItem value={form.applicationId}>{form.applicationId}</MenuItem>
                )}
              </TextField>
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <TextField select label="Environment" fullWidth value={form.environment} onChange={(e) => set('environment', e.target.value)} helperText="The alert's scope">
                <MenuItem value="">Every environment</MenuItem>
                {ENVIRONMENTS.map((env) => <MenuItem key={env} value={env}>{env}</MenuItem>)}
              </TextField>
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>{text('webhookId', 'Notify webhook id', {}, 'Optional: wh_… to notify')}</Grid>
            <Grid size={{ xs: 12 }}>
              <FormControlLabel control={<Switch checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />} label="Enabled" />
            </Grid>
          </Grid>
          <ErrorAlert error={save.error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={save.isPending}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : rule ? 'Save' : 'Create'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
