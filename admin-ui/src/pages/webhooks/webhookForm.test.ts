import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, generateSecret, splitPatterns, toInput, validateWebhook } from './webhookForm';

const good = { ...EMPTY_FORM, url: 'https://example.com/hook', secret: 'abcdefgh', events: ['socket.message'] };

describe('validateWebhook', () => {
  it('accepts a complete form', () => {
    expect(validateWebhook(good)).toEqual({});
  });

  it('refuses what the server refuses', () => {
    expect(validateWebhook({ ...good, url: '' }).url).toMatch(/Enter/);
    expect(validateWebhook({ ...good, url: 'example.com' }).url).toMatch(/absolute/);
    expect(validateWebhook({ ...good, url: 'ftp://example.com' }).url).toMatch(/http or https/);
    expect(validateWebhook({ ...good, url: 'https://u:p@example.com/' }).url).toMatch(/credentials/);
    expect(validateWebhook({ ...good, url: 'https://example.com/#x' }).url).toMatch(/fragment/);
    expect(validateWebhook({ ...good, secret: 'short' }).secret).toBeDefined();
    expect(validateWebhook({ ...good, events: [], topics: ' ' }).events).toBeDefined();
    expect(validateWebhook({ ...good, events: [], topics: 'orders.*' }).events).toBeUndefined();
    for (const n of ['0', '101', '1.5', 'x']) expect(validateWebhook({ ...good, maxConcurrency: n }).maxConcurrency).toBeDefined();
  });

  it('wants whsec_ + base64 of 24-64 bytes for Standard Webhooks', () => {
    const std = { ...good, signatureScheme: 'standard' as const };
    expect(validateWebhook({ ...std, secret: 'abcdefghijkl' }).secret).toBeDefined();
    expect(validateWebhook({ ...std, secret: `whsec_${btoa('x'.repeat(10))}` }).secret).toBeDefined();
    expect(validateWebhook({ ...std, secret: generateSecret() })).toEqual({});
  });
});

describe('generateSecret', () => {
  it('makes a fresh whsec_ secret of 32 random bytes each time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(a.slice(6)).length).toBe(32);
    expect(generateSecret()).not.toBe(a);
  });
});

describe('toInput', () => {
  it('splits topic patterns and converts numbers', () => {
    expect(splitPatterns('a.*, b.?\n c')).toEqual(['a.*', 'b.?', 'c']);
    expect(toInput({ ...good, topics: 'a.*,b', maxConcurrency: '5', url: ' https://x.io/h ' })).toMatchObject({
      url: 'https://x.io/h',
      topics: ['a.*', 'b'],
      maxConcurrency: 5,
    });
  });
});
