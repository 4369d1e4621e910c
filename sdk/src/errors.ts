/**
 * Errors raised by the SDK. Every error is a `RealtimeError` with a machine-readable `code`;
 * sync revision conflicts and missing documents have their own subclasses.
 */

/** Codes the SDK itself produces; the server may send others (`FORBIDDEN`, `INVALID_FILTER`, ...). */
export type RealtimeErrorCode =
  | 'AUTH_FAILED'
  | 'CONNECTION_ERROR'
  | 'RECONNECT_FAILED'
  | 'NOT_CONNECTED'
  | 'DISCONNECTED'
  | 'TIMEOUT'
  | 'CLIENT_DESTROYED'
  | 'QUEUE_FULL'
  | 'TOKEN_REFRESH_FAILED'
  | 'LISTENER_ERROR'
  | 'CONFLICT'
  | 'NOT_FOUND'
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'SERVER_ERROR'
  | 'NETWORK_ERROR'
  | 'INVALID_RESPONSE'
  | (string & {});

/** Extra context of a `RealtimeError`. */
export interface RealtimeErrorDetails {
  /** HTTP status of a REST error. */
  status?: number;
  /** The operation that failed, e.g. `"subscribe"`, `"channel:publish"`, `"sync.replace"`. */
  operation?: string;
  /** Client-side subscription id (`"sub_1"`) of a refused subscription. */
  subscriptionId?: string;
  /** Topic of a refused subscription or publish. */
  topic?: string;
  /** Channel of a refused join, leave or channel publish. */
  channel?: string;
  /** The server's error body or ack, as received. */
  details?: unknown;
  /** The underlying error. */
  cause?: unknown;
}

/** Base class of every error the SDK throws, rejects with or emits on `'error'`. */
export class RealtimeError extends Error {
  /** Machine-readable code, e.g. `AUTH_FAILED`, `FORBIDDEN`, `TIMEOUT`. */
  readonly code: RealtimeErrorCode;
  readonly status?: number;
  readonly operation?: string;
  readonly subscriptionId?: string;
  readonly topic?: string;
  readonly channel?: string;
  readonly details?: unknown;

  constructor(code: RealtimeErrorCode, message: string, extra: RealtimeErrorDetails = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'RealtimeError';
    this.code = code;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.operation !== undefined) this.operation = extra.operation;
    if (extra.subscriptionId !== undefined) this.subscriptionId = extra.subscriptionId;
    if (extra.topic !== undefined) this.topic = extra.topic;
    if (extra.channel !== undefined) this.channel = extra.channel;
    if (extra.details !== undefined) this.details = extra.details;
  }
}

/**
 * A write's `expectedRevision` did not match the document (HTTP 409). The message contains
 * "conflict"; `currentRevision` is the document's revision when the server reported it.
 */
export class ConflictError extends RealtimeError {
  readonly currentRevision?: number;
  readonly expectedRevision?: number;

  constructor(message: string, extra: RealtimeErrorDetails & { currentRevision?: number; expectedRevision?: number } = {}) {
    super('CONFLICT', message, { status: 409, ...extra });
    this.name = 'ConflictError';
    if (extra.currentRevision !== undefined) this.currentRevision = extra.currentRevision;
    if (extra.expectedRevision !== undefined) this.expectedRevision = extra.expectedRevision;
  }
}

/** The document (or service) does not exist (HTTP 404). */
export class NotFoundError extends RealtimeError {
  constructor(message: string, extra: RealtimeErrorDetails = {}) {
    super('NOT_FOUND', message, { status: 404, ...extra });
    this.name = 'NotFoundError';
  }
}
