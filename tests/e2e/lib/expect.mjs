// Shared assertions for the end-to-end tests.
import assert from 'node:assert/strict';

function show(res) {
  return `got ${res.status} ${res.text?.slice(0, 500)}`;
}

function contentType(res) {
  const h = res.headers;
  return (typeof h.get === 'function' ? h.get('content-type') : h['content-type']) ?? '';
}

/** The response is `status` with a JSON error body {"error": name, "message": "<non-empty>"}. */
export function assertError(res, status, name) {
  assert.equal(res.status, status, `expected ${status} ${name ?? ''}; ${show(res)}`);
  assert.match(contentType(res), /^application\/json/, `error content-type; ${show(res)}`);
  assert.ok(res.body && typeof res.body === 'object', `error body must be JSON; ${show(res)}`);
  if (name !== undefined) assert.equal(res.body.error, name, `error name; ${show(res)}`);
  else assert.ok(typeof res.body.error === 'string' && res.body.error.length > 0, `error name; ${show(res)}`);
  assert.equal(typeof res.body.message, 'string', `message must be a string; ${show(res)}`);
  assert.ok(res.body.message.length > 0, `message must not be empty; ${show(res)}`);
}

/** The response is `status` with a JSON body. */
export function assertJson(res, status) {
  assert.equal(res.status, status, `expected ${status}; ${show(res)}`);
  assert.match(contentType(res), /^application\/json/, `content-type; ${show(res)}`);
  assert.notEqual(res.body, undefined, `body must be JSON; ${show(res)}`);
}
