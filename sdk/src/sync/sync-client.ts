/**
 * Sync documents over REST (`/api/sync/:service/documents`), authenticated with the client's
 * token (`Authorization: Bearer`). Writes accept `expectedRevision` for optimistic concurrency:
 * a mismatch throws `ConflictError`; a missing document throws `NotFoundError`.
 */
import { ConflictError, NotFoundError, RealtimeError } from '../errors.js';
import type { SyncDocument, SyncDocumentList } from '../types.js';

/** A structured mutation of `POST .../mutate` (JSON Pointer `path`). */
export interface SyncMutation {
  op: 'set' | 'remove' | 'increment' | 'append' | 'merge' | (string & {});
  path: string;
  value?: unknown;
}

/** Options of `create` (instead of a bare id). */
export interface SyncCreateOptions {
  /** Custom document id; generated (`doc_...`) when omitted. */
  id?: string;
  /** Unix timestamp (ms) after which the document expires. */
  expiresAt?: number;
}

/** `expectedRevision` as a number, or in an options object. */
export type ExpectedRevision = number | { expectedRevision?: number };

/** Options of `list`. */
export interface SyncListOptions {
  /** Page size. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Where a SyncClient gets its token; RealtimeClient passes its own (shared with the socket). */
export interface SyncTokenSource {
  get(): Promise<string>;
  markStale(): void;
  readonly canRefresh: boolean;
}

/** Options of a standalone `new SyncClient(...)` (a RealtimeClient makes its own as `realtime.sync`). */
export interface SyncClientOptions {
  /** Backend base URL, e.g. `"http://localhost:3000"`. */
  url: string;
  /** JWT sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Alternative to `token`. */
  tokenSource?: SyncTokenSource;
  /** `fetch` implementation (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Request timeout in ms (default 30000). */
  requestTimeout?: number;
  /** Extra headers on every request, e.g. `{ 'X-Environment': 'staging' }`. */
  headers?: Record<string, string>;
}

export class SyncClient {
  readonly #base: string;
  readonly #tokens: SyncTokenSource;
  readonly #fetch: typeof fetch;
  readonly #timeout: number;
  readonly #headers: Record<string, string>;

  constructor(options: SyncClientOptions) {
    this.#base = String(options.url).replace(/\/+$/, '');
    const token = options.token ?? '';
    this.#tokens = options.tokenSource ?? { get: async () => token, markStale: () => {}, canRefresh: false };
    const f = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (typeof f !== 'function') throw new TypeError('SyncClient: no fetch implementation (pass options.fetch)');
    this.#fetch = options.fetch ? f : f.bind(globalThis);
    this.#timeout = options.requestTimeout ?? 30_000;
    this.#headers = { ...options.headers };
  }

  /** Create a document (revision 1). `id` (or `{ id, expiresAt }`) is optional. */
  async create<T extends Record<string, any> = Record<string, any>>(
    service: string,
    data: T,
    id?: string | SyncCreateOptions,
  ): Promise<SyncDocument<T>> {
    const opts: SyncCreateOptions = typeof id === 'string' ? { id } : (id ?? {});
    const body: Record<string, unknown> = { data: requireObject('create', 'data', data) };
    if (opts.id !== undefined) body.id = opts.id;
    if (opts.expiresAt !== undefined) body.expiresAt = opts.expiresAt;
    return this.#request('create', 'POST', docsPath(service), body, { service, id: opts.id });
  }

  /** The current state of a document. Throws `NotFoundError` if it does not exist. */
  async get<T extends Record<string, any> = Record<string, any>>(service: string, id: string): Promise<SyncDocument<T>> {
    return this.#request('get', 'GET', docPath(service, id), undefined, { service, id });
  }

  /** Replace the whole data (revision + 1). */
  async replace<T extends Record<string, any> = Record<string, any>>(
    service: string,
    id: string,
    data: T,
    expectedRevision?: ExpectedRevision,
  ): Promise<SyncDocument<T>> {
    const body = withRevision({ data: requireObject('replace', 'data', data) }, expectedRevision);
    return this.#request('replace', 'PUT', docPath(service, id), body, { service, id, expectedRevision: body.expectedRevision });
  }

  /** Deep-merge `partial` into the data (revision + 1); `null` removes a key. */
  async merge<T extends Record<string, any> = Record<string, any>>(
    service: string,
    id: string,
    partial: Record<string, any>,
    expectedRevision?: ExpectedRevision,
  ): Promise<SyncDocument<T>> {
    const body = withRevision({ data: requireObject('merge', 'partial', partial) }, expectedRevision);
    return this.#request('merge', 'PATCH', `${docPath(service, id)}/merge`, body, { service, id, expectedRevision: body.expectedRevision });
  }

  /**
   * Apply mutations in one revision: an object whose keys are set (`{ status: 'ended' }`), or
   * an array of `{ op, path, value }` operations. Passed to the server as given.
   */
  async mutate<T extends Record<string, any> = Record<string, any>>(
    service: string,
    id: string,
    mutations: Record<string, any> | SyncMutation[],
    expectedRevision?: ExpectedRevision,
  ): Promise<SyncDocument<T>> {
    if (mutations === null || typeof mutations !== 'object') throw new TypeError('mutate: mutations must be an object or an array');
    const body = withRevision({ mutations }, expectedRevision);
    return this.#request('mutate', 'POST', `${docPath(service, id)}/mutate`, body, { service, id, expectedRevision: body.expectedRevision });
  }

  /** Soft-delete a document. */
  async delete(service: string, id: string): Promise<void> {
    await this.#request('delete', 'DELETE', docPath(service, id), undefined, { service, id });
  }

  /** One page of a service's documents; follow `nextCursor` for the next. */
  async list<T extends Record<string, any> = Record<string, any>>(service: string, options: SyncListOptions = {}): Promise<SyncDocumentList<T>> {
    const q = new URLSearchParams();
    if (options.limit !== undefined) q.set('limit', String(options.limit));
    if (options.cursor !== undefined) q.set('cursor', options.cursor);
    const qs = q.toString();
    const res = await this.#request<unknown>('list', 'GET', docsPath(service) + (qs ? `?${qs}` : ''), undefined, { service });
    return toList<T>(res);
  }

  async #request<R>(
    op: string,
    method: string,
    path: string,
    body: Record<string, unknown> | undefined,
    ctx: { service: string; id?: string | undefined; expectedRevision?: unknown },
  ): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#tokens.get();
      const res = await this.#send(op, method, path, body, token);
      if (res.status === 401 && attempt === 0 && this.#tokens.canRefresh) {
        this.#tokens.markStale(); // refused: retry once with a fresh token
        continue;
      }
      const text = await res.text().catch(() => '');
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (res.ok) return parsed as R;
      throw httpError(op, res.status, parsed, text, ctx);
    }
  }

  async #send(op: string, method: string, path: string, body: unknown, token: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    const timer = controller ? setTimeout(() => controller.abort(), this.#timeout) : undefined;
    try {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      if (controller) init.signal = controller.signal;
      return await this.#fetch(this.#base + path, init);
    } catch (cause) {
      if (controller?.signal.aborted) {
        throw new RealtimeError('TIMEOUT', `sync.${op}: no response within ${this.#timeout} ms`, { operation: `sync.${op}`, cause });
      }
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new RealtimeError('NETWORK_ERROR', `sync.${op}: ${method} ${this.#base + path} failed: ${message}`, { operation: `sync.${op}`, cause });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

const STATUS_CODES: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'INVALID_REQUEST',
  429: 'RATE_LIMITED',
};

function httpError(
  op: string,
  status: number,
  body: unknown,
  text: string,
  ctx: { service: string; id?: string | undefined; expectedRevision?: unknown },
): RealtimeError {
  const b = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const serverMessage = typeof b.message === 'string' ? b.message : text.slice(0, 200) || `HTTP ${status}`;
  const what = ctx.id !== undefined ? `${ctx.service}/${ctx.id}` : ctx.service;
  const operation = `sync.${op}`;
  if (status === 409) {
    const current = numberOr(b.currentRevision, (b.details as Record<string, unknown> | undefined)?.currentRevision);
    const expected = numberOr(ctx.expectedRevision, b.expectedRevision);
    const revs = [expected !== undefined ? `expected revision ${expected}` : '', current !== undefined ? `current revision ${current}` : '']
      .filter(Boolean)
      .join(', ');
    return new ConflictError(`Revision conflict on ${what}${revs ? ` (${revs})` : ''}: ${serverMessage}`, {
      operation,
      details: body,
      ...(current !== undefined ? { currentRevision: current } : {}),
      ...(expected !== undefined ? { expectedRevision: expected } : {}),
    });
  }
  if (status === 404) return new NotFoundError(`Not found: ${what}: ${serverMessage}`, { operation, details: body });
  const code = STATUS_CODES[status] ?? (status >= 500 ? 'SERVER_ERROR' : `HTTP_${status}`);
  return new RealtimeError(code, `sync.${op} ${what} failed (${status}): ${serverMessage}`, { status, operation, details: body });
}

function numberOr(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

function withRevision<B extends Record<string, unknown>>(body: B, expected: ExpectedRevision | undefined): B & { expectedRevision?: number } {
  const rev = typeof expected === 'object' && expected !== null ? expected.expectedRevision : expected;
  if (rev === undefined) return body;
  if (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 0) throw new TypeError('expectedRevision must be a non-negative integer');
  return { ...body, expectedRevision: rev };
}

function requireObject<T>(method: string, name: string, value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${method}: ${name} must be a JSON object`);
  return value;
}

function docsPath(service: string): string {
  if (typeof service !== 'string' || service === '') throw new TypeError('service must be a non-empty string');
  return `/api/sync/${encodeURIComponent(service)}/documents`;
}

function docPath(service: string, id: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError('id must be a non-empty string');
  return `${docsPath(service)}/${encodeURIComponent(id)}`;
}

/** Accept `[...]` or `{ documents | items | data: [...], nextCursor? }`. */
function toList<T extends Record<string, any>>(res: unknown): SyncDocumentList<T> {
  if (Array.isArray(res)) return { documents: res as SyncDocument<T>[] };
  const r = (res ?? {}) as Record<string, unknown>;
  const docs = [r.documents, r.items, r.data].find(Array.isArray) as SyncDocument<T>[] | undefined;
  if (!docs) throw new RealtimeError('INVALID_RESPONSE', 'sync.list: the response carries no document array', { details: res });
  const cursor = r.nextCursor ?? r.cursor;
  return typeof cursor === 'string' && cursor !== '' ? { documents: docs, nextCursor: cursor } : { documents: docs };
}
