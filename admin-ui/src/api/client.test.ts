import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from './client';
import type { ApiClientOptions } from './client';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function setup(response: Response | (() => Promise<Response>), overrides: Partial<ApiClientOptions> = {}) {
  let token: string | null = 'sess_abc';
  const answer = typeof response === 'function' ? response : () => Promise.resolve(response);
  const fetchImpl = vi.fn<(url: string, init?: RequestInit) => Promise<Response>>(() => answer());
  const onUnauthorized = vi.fn();
  const clearToken = vi.fn(() => {
    token = null;
  });
  const client = new ApiClient({
    baseUrl: 'http://api.test/',
    getToken: () => token,
    clearToken,
    getApplicationId: () => 'app_1',
    getEnvironment: () => 'staging',
    onUnauthorized,
    fetchImpl: fetchImpl as unknown as typeof fetch,
    ...overrides,
  });
  return { client, fetchImpl, onUnauthorized, clearToken, token: () => token };
}

describe('ApiClient', () => {
  it('sends the session token, the application and the environment on every request', async () => {
    const { client, fetchImpl } = setup(jsonResponse(200, [{ name: 't' }]));
    const data = await client.get<unknown[]>('/api/topics', { query: { limit: 5, cursor: undefined } });
    expect(data).toEqual([{ name: 't' }]);
    const [url, init] = fetchImpl.mock.calls[0]! as [string, RequestInit];
    expect(url).toBe('http://api.test/api/topics?limit=5');
    const headers = init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer sess_abc');
    expect(headers['X-Application-Id']).toBe('app_1');
    expect(headers['X-Environment']).toBe('staging');
    expect(headers['Content-Type']).toBeUndefined();
  });

  it('sends JSON bodies with a Content-Type', async () => {
    const { client, fetchImpl } = setup(jsonResponse(201, { name: 'a.b' }));
    await client.post('/api/topics', { name: 'a.b' });
    const init = fetchImpl.mock.calls[0]![1]!;
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"name":"a.b"}');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('parses the {error, message, details} body into an ApiError', async () => {
    const { client, onUnauthorized } = setup(
      jsonResponse(400, {
        error: 'ValidationError',
        message: 'Schema is not backward-compatible',
        details: [{ path: '/status', rule: 'type-narrowed', message: 'type changed' }],
      }),
    );
    const err = await client.post('/api/schemas/a', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('ValidationError');
    expect(e.message).toBe('Schema is not backward-compatible');
    expect(e.details).toEqual([{ path: '/status', rule: 'type-narrowed', message: 'type changed' }]);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('on 401 clears the session and calls the redirect callback', async () => {
    const { client, onUnauthorized, clearToken, token } = setup(
      jsonResponse(401, { error: 'UnauthorizedError', message: 'Invalid or expired session' }),
    );
    const err = (await client.get('/api/auth/me').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(err.message).toBe('Invalid or expired session');
    expect(clearToken).toHaveBeenCalledTimes(1);
    expect(token()).toBeNull();
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('leaves the session alone when a public route (login) answers 401', async () => {
    const { client, onUnauthorized, clearToken } = setup(
      jsonResponse(401, { error: 'UnauthorizedError', message: 'Invalid email or password' }),
    );
    const err = (await client.post('/api/auth/login', {}, { public: true }).catch((e: unknown) => e)) as ApiError;
    expect(err.message).toBe('Invalid email or password');
    expect(clearToken).not.toHaveBeenCalled();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('uses the status when the error body is not JSON', async () => {
    const { client } = setup(new Response('', { status: 502 }));
    const err = (await client.get('/api/topics').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('HTTP 502');
    expect(err.message).toBe('Request failed with status 502');
  });

  it('turns a failed fetch into a NetworkError', async () => {
    const { client } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    const err = (await client.get('/api/topics').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('NetworkError');
    expect(err.status).toBe(0);
  });

  it('answers undefined for 204 and omits headers it has no value for', async () => {
    const { client, fetchImpl } = setup(new Response(null, { status: 204 }), {
      getToken: () => null,
      getApplicationId: () => null,
    });
    expect(await client.delete('/api/topics/a')).toBeUndefined();
    const headers = fetchImpl.mock.calls[0]![1]!.headers as Record<string, string>;
    expect(headers.Authorization).toBeUndefined();
    expect(headers['X-Application-Id']).toBeUndefined();
  });
});
