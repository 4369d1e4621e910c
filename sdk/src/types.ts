/**
 * Shared types of the Realtime Platform: the event envelope, subscription filters, sync
 * documents and diffs. The same shapes travel over Socket.IO, the plain WebSocket gateway,
 * REST and webhooks.
 */

/** Which platform service produced an event. */
export type EventSource = 'database' | 'sync' | 'socket';

/** Metadata carried by every event. */
export interface RealtimeEventMetadata {
  /** Unix timestamp in milliseconds. */
  timestamp: number;
  /** Source table (database events only). */
  table?: string;
  /** Operation: `insert` | `update` | `delete` for database events; sync events name theirs too. */
  operation?: 'insert' | 'update' | 'delete' | (string & {});
  /** Document revision (sync events only). */
  revision?: number;
  /** Sender socket id (direct messages only). */
  from?: string;
  /** A replay (`POST /api/debugger/replay`): the id of the event replayed. */
  replayOf?: string;
  /** A replay: how it was sent — `router`, `websocket` (sockets only) or `webhook` (endpoints only). */
  replayMode?: 'router' | 'websocket' | 'webhook' | (string & {});
  [key: string]: unknown;
}

/** The envelope of every event a client receives, whatever produced it. */
export interface RealtimeEvent<P = Record<string, any>> {
  /** Unique event id, e.g. `"evt_a1b2c3d4"`. */
  id: string;
  /** Domain topic, e.g. `"session.status"`, or a channel name for socket messages. */
  topic: string;
  /** Which service produced the event. */
  source: EventSource;
  /** Event type, e.g. `"database.update"`, or the event name of a channel message. */
  type: string;
  /** The event data. */
  payload: P;
  metadata: RealtimeEventMetadata;
}

/** A scalar a filter compares a payload field with. */
export type FilterScalar = string | number | boolean | null;

/** One filter condition: equality with a scalar, or membership with `{ in: [...] }`. */
export type FilterCondition = FilterScalar | { in: FilterScalar[] };

/**
 * Key-value filter applied to event payloads after topic routing. Every key must match (AND).
 * A key is a payload field or a dotted path into nested objects (`"user.role"`).
 */
export type SubscriptionFilter = Record<string, FilterCondition>;

/** What sync-sourced events carry: `full` (default) `payload.data`, `diff` `payload.diff`, `both` both. */
export type SyncEventReturnMode = 'full' | 'diff' | 'both';

/** Options of `RealtimeClient.subscribe()`. */
export interface SubscribeOptions {
  /** Domain topic to subscribe to, e.g. `"session.status"`. */
  topic: string;
  /** Only events whose payload matches every key are delivered. */
  filter?: SubscriptionFilter;
  /** Shape of sync document change events; ignored for other sources. */
  returnMode?: SyncEventReturnMode;
}

/** What changed between two versions of a sync document. */
export interface JsonDiff {
  /** Keys present in the new version but not the old one. */
  added: Record<string, unknown>;
  /** Keys present in the old version but not the new one. */
  removed: string[];
  /** Keys whose value changed. */
  changed: Record<string, { from: unknown; to: unknown }>;
}

/** Payload of a sync document change event (`sync.<service>.created|updated|deleted`). */
export interface SyncEventPayload<T extends Record<string, any> = Record<string, any>> {
  service: string;
  documentId: string;
  revision: number;
  /** Full document data (absent when the subscription's returnMode is `diff`). */
  data?: T;
  /** What changed (present when the subscription's returnMode is `diff` or `both`). */
  diff?: JsonDiff;
}

/** A sync document as returned by every sync operation. */
export interface SyncDocument<T extends Record<string, any> = Record<string, any>> {
  /** Service namespace, e.g. `"session"`. */
  service: string;
  /** Document id. */
  id: string;
  /** Auto-incrementing version number (1 after create). */
  revision: number;
  /** Document payload. */
  data: T;
  /** Unix timestamp (ms) of creation, when the server reports it. */
  createdAt?: number;
  /** Unix timestamp (ms) of the last write, when the server reports it. */
  updatedAt?: number;
  /** Soft-delete flag. */
  deleted?: boolean;
  /** Unix timestamp (ms) after which the document expires. */
  expiresAt?: number;
}

/** One page of `SyncClient.list()`. */
export interface SyncDocumentList<T extends Record<string, any> = Record<string, any>> {
  documents: SyncDocument<T>[];
  /** Pass as `cursor` to fetch the next page; absent on the last page. */
  nextCursor?: string;
}
