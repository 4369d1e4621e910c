// Pure helpers of the Live Traffic tab: a bounded newest-first list and a one-line summary of
// each stream item (docs/socket-monitor.md, the table of types).
import type { TrafficEvent } from '../../api/sse';

/** The most events the tab keeps; older ones fall off the end. */
export const MAX_TRAFFIC = 500;

export interface TrafficRow extends TrafficEvent {
  /** A client-side sequence number: a stable React key. */
  seq: number;
}

/** `incoming` (oldest first) put in front of `list` (newest first), at most `max` kept. */
export function prependBounded<T>(list: readonly T[], incoming: readonly T[], max = MAX_TRAFFIC): T[] {
  if (incoming.length === 0) return list as T[];
  const fresh = incoming.slice(-max).reverse();
  return fresh.concat(list.slice(0, Math.max(0, max - fresh.length)));
}

const str = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** What happened, in a few words: topic, channel, reason, transport… */
export function summarize(e: TrafficEvent): string {
  const parts: (string | null)[] = [];
  switch (e.type) {
    case 'connect':
      parts.push(str(e.transport), e.engineTransport ? `(${String(e.engineTransport)})` : null, str(e.remoteAddress));
      if (e.subject) parts.push(`subject ${String(e.subject)}`);
      break;
    case 'disconnect':
      parts.push(str(e.reason), e.code !== undefined && e.code !== null ? `code ${String(e.code)}` : null, str(e.detail));
      break;
    case 'subscribe':
      parts.push(str(e.topic), e.filter ? `filter ${JSON.stringify(e.filter)}` : null, e.returnMode ? `returnMode ${String(e.returnMode)}` : null);
      break;
    case 'unsubscribe':
      parts.push(str(e.topic), e.reason ? `(${String(e.reason)})` : null);
      break;
    case 'join':
    case 'leave':
      parts.push(str(e.channel));
      break;
    case 'broadcast':
      parts.push(str(e.channel), e.event ? `event ${String(e.event)}` : null, e.source ? `via ${String(e.source)}` : null);
      break;
    case 'transport':
      parts.push(e.engineTransport ? `upgraded to ${String(e.engineTransport)}` : null);
      break;
    default:
      break;
  }
  return parts.filter(Boolean).join(' ');
}

/** Chip colour per type. */
export function trafficColor(type: string): 'success' | 'error' | 'primary' | 'secondary' | 'default' {
  switch (type) {
    case 'connect':
      return 'success';
    case 'disconnect':
      return 'error';
    case 'subscribe':
    case 'join':
      return 'primary';
    case 'broadcast':
      return 'secondary';
    default:
      return 'default';
  }
}

/** "3d 4h", "2h 5m", "4m 10s", "12s". */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
