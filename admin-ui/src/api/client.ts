// The fetch wrapper every request of the UI goes through. It adds the session token
// (Authorization: Bearer sess_…), X-Application-Id and X-Environment, parses the server's
// {error, message, details?} bodies into ApiError, and on any 401 clears the session and
// calls onUnauthorized (the app navigates to /login).

export interface ApiErrorDetail {
  path?: string;
  rule?: string;
  message?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  /** The server's error name, e.g. "ValidationError"; "NetworkError" when no answer came. */
  readonly code: string;
  readonly details?: ApiErrorDetail[];
  readonly body?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, body?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
    const d = body?.details ?? body?.errors;
    if (Array.isArray(d)) this.details = d as ApiErrorDetail[];
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  getToken: () => string | null;
  clearToken: () => void;
  getApplicationId: () => string | null;
  getEnvironment: () => string | null;
  /** Called after a 401 cleared the session (not for requests made with `public: true`). */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Auth routes (login, setup, …): a 401 is an answer to show, not an expired session. */
  public?: boolean;
  signal?: AbortSignal;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ApiClient {
  private readonly opts: ApiClientOptions;
  onUnauthorized?: () => void;

  constructor(opts: ApiClientOptions) {
    this.opts = opts;
    this.onUnauthorized = opts.onUnauthorized;
  }

  url(path: string, query?: RequestOptions['query']): string {
    const base = this.opts.baseUrl.replace(/\/+$/, '');
    let qs = '';
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
      const s = params.toString();
      if (s) qs = `?${s}`;
    }
    return `${base}${path}${qs}`;
  }

  headers(hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (hasBody) h['Content-Type'] = 'application/json';
    const token = this.opts.getToken();
    if (token) h.Authorization = `Bearer ${token}`;
    const app = this.opts.getApplicationId();
    if (app) h['X-Application-Id'] = app;
    const env = this.opts.getEnvironment();
    if (env) h['X-Environment'] = env;
    return h;
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const hasBody = options.body !== undefined;
    const fetchImpl = this.opts.fetchImpl ?? fetch;
    let res: Response;
    try {
      res = await fetchImpl(this.url(path, options.query), {
        method,
        headers: this.headers(hasBody),
        body: hasBody ? JSON.stringify(options.body) : undefined,
        signal: options.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'NetworkError', 'The server could not be reached. Check that it is running.');
    }
    const text = await res.text();
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (res.ok) return data as T;

    const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
    const code = typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`;
    const message =
      typeof body?.message === 'string'
        ? body.message
        : typeof data === 'string' && data
          ? data
          : `Request failed with status ${res.status}`;
    const error = new ApiError(res.status, code, message, body);
    if (res.status === 401 && !options.public) {
      this.opts.clearToken();
      this.onUnauthorized?.();
    }
    throw error;
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body: body ?? {} });
  }
  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  put<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }
  delete<T = void>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }
}

/** A message for any thrown value: the server's message for an ApiError. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
