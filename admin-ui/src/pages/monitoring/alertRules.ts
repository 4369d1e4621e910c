// The alert rule form's values, checked before submitting (docs/monitoring.md "Rule fields");
// the server checks again.
import type { AlertRule, AlertRuleInput, AlertSeverity, Comparison } from '../../api/insights';

export const ALERT_METRICS = [
  'activeConnections', 'reconnectRate', 'eventsInPerSec', 'eventsOutPerSec', 'fanoutLatencyP50', 'fanoutLatencyP95',
  'fanoutLatencyP99', 'cdcLag', 'outboxLag', 'eventsCapturedPerSec', 'eventsRoutedPerSec', 'mappingFailures',
  'schemaValidationFailures', 'queueDepth', 'retryCount', 'dlqSize', 'webhookSuccessRate', 'webhookFailureRate', 'dlqGrowth',
] as const;

export const COMPARISON_SYMBOL: Record<Comparison, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=', neq: '≠' };

export interface RuleForm {
  name: string;
  description: string;
  metric: string;
  comparison: Comparison;
  threshold: string;
  for: string;
  cooldown: string;
  severity: AlertSeverity;
  applicationId: string;
  environment: string;
  webhookId: string;
  enabled: boolean;
}

export type RuleErrors = Partial<Record<keyof RuleForm, string>>;

export function emptyRuleForm(): RuleForm {
  return {
    name: '', description: '', metric: 'webhookFailureRate', comparison: 'gt', threshold: '', for: '0', cooldown: '300',
    severity: 'warning', applicationId: '', environment: '', webhookId: '', enabled: true,
  };
}

export function ruleToForm(r: AlertRule): RuleForm {
  return {
    name: r.name, description: r.description ?? '', metric: r.metric, comparison: r.comparison, threshold: String(r.threshold),
    for: String(r.for), cooldown: String(r.cooldown), severity: r.severity, applicationId: r.applicationId ?? '',
    environment: r.environment ?? '', webhookId: r.webhookId ?? '', enabled: r.enabled,
  };
}

function wholeSeconds(text: string, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n <= max ? n : null;
}

/** The problems of the form (empty when it may be sent) and, when none, the body. */
export function checkRuleForm(f: RuleForm): { errors: RuleErrors; body?: AlertRuleInput } {
  const errors: RuleErrors = {};
  const name = f.name.trim();
  if (!name) errors.name = 'Enter a name.';
  else if (name.length > 100) errors.name = 'At most 100 characters.';
  if (f.description.length > 1000) errors.description = 'At most 1000 characters.';
  if (!(ALERT_METRICS as readonly string[]).includes(f.metric)) errors.metric = 'Pick a metric.';
  const threshold = f.threshold.trim() === '' ? NaN : Number(f.threshold);
  if (!Number.isFinite(threshold)) errors.threshold = 'Enter a number.';
  const forS = wholeSeconds(f.for, 86400);
  if (forS === null) errors.for = 'Whole seconds, 0 to 86400.';
  const cooldown = wholeSeconds(f.cooldown, 604800);
  if (cooldown === null) errors.cooldown = 'Whole seconds, 0 to 604800.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    body: {
      name, description: f.description.trim(), metric: f.metric, comparison: f.comparison, threshold, for: forS!,
      cooldown: cooldown!, severity: f.severity, applicationId: f.applicationId || null, environment: f.environment || null,
      webhookId: f.webhookId.trim() || null, enabled: f.enabled,
    },
  };
}

/** "webhookFailureRate > 0.5 for 60 s". */
export function describeCondition(r: Pick<AlertRule, 'metric' | 'comparison' | 'threshold' | 'for'>): string {
  return `${r.metric} ${COMPARISON_SYMBOL[r.comparison] ?? r.comparison} ${r.threshold}${r.for > 0 ? ` for ${r.for} s` : ''}`;
}
