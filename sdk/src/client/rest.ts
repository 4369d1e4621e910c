/**
 * A small JSON GET over REST with the client's token, for calls of the socket client that are
 * REST routes (`socketClient.members`). Retries once with a fresh token after a 401 when a
 * `tokenProvider` can give one; errors are `RealtimeError`s with the HTTP status.
 */
import { RealtimeError } from '../errors.js';

/** Where a REST call gets its base URL, token, `fetch` and timeout. */
export interface RestContext {
  /** Base URL without a trailing slash, e.g. `"https://example.com/realtime"`. */
  base: string;
  tokens: { get(): Promise<string>; markStale(): void; readonly canRefresh: boolean };
  fetch: typeof fetch;
  /** Timeout in ms. */
  timeout: number;
}

const STATUS_CODES: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'RATE_LIMITED',
};

/** GET `path` (with its query) and return the parsed JSON body; `operation` names it in errors. */
export async function restGet(ctx: RestContext, operation: string, path: string): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const token = await ctx.tokens.get();
    const res = await send(ctx, operation, path, token);
    if (res.status === 401 && attempt === 0 && ctx.tokens.canRefresh) {
      ctx.tokens.markStale(); // refused: retry once with a fresh token
      continue;
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.ok) {
      if (body === undefined) throw new RealtimeError('INVALID_RESPONSE', `${operation}: the answer is not JSON`, { operation, status: res.status });
      return body;
    }
    const b = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const message = typeof b.message === 'string' ? b.message : text.slice(0, 200) || `HTTP ${res.status}`;
    const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'SERVER_ERROR' : `HTTP_${res.status}`);
    throw new RealtimeError(code, `${operation} failed (${res.status}): ${message}`, { status: res.status, operation, details: body });
  }
}

async function send(ctx: RestContext, operation: string, path: string, token: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = controller ? setTimeout(() => controller.abort(), ctx.timeout) : undefined;
  try {
    const init: RequestInit = { method: 'GET', headers };
    if (controller) init.signal = controller.signal;
    return await ctx.fetch(ctx.base + path, init);
  } catch (cause) {
    if (controller?.signal.aborted) {
      throw new RealtimeError('TIMEOUT', `${operation}: no response within ${ctx.timeout} ms`, { operation, cause });
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new RealtimeError('NETWORK_ERROR', `${operation}: GET ${ctx.base + path} failed: ${message}`, { operation, cause });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
