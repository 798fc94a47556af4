/**
 * The admin API (docs/security.md, "The admin API"; docs/architecture.md, "The HTTP surface",
 * admin): off without ADMIN_TOKEN, whatever a request says; the bearer token compared in constant
 * time (SHA-256 of both sides, then `crypto.subtle.timingSafeEqual` on equal-length digests);
 * neither the configured token nor a token offered ever in a response or a log line.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import adminSource from '../../src/routes/admin.ts?raw';
import compareSource from '../../src/auth/constantTimeEqual.ts?raw';
import { seedDemo } from '../helpers/demo';
import { TEST_VARS } from '../helpers/worker';
import { hostileString } from './arbitraries';
import { checkProperty } from './cases';
import { dispatch, expectSpecAnswer } from './exchange';

const SUITE = 'admin';
const TIMEOUT = 60_000;
const TOKEN = TEST_VARS.ADMIN_TOKEN;

/** Every admin route, as method and path. */
const ROUTES = [
  ['PUT', '/admin/tags/demo/app:1.0'],
  ['PUT', `/admin/manifests/demo/app@sha256:${'a'.repeat(64)}`],
  ['DELETE', '/admin/tags/demo/app:1.0'],
  ['POST', '/admin/refresh/demo/app:1.0'],
  ['GET', '/admin/metrics'],
] as const;

function adminRequest(method: string, path: string, authorization: string | undefined, body = '{}') {
  const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
  return new Request(`http://registry.test${path}`, { method, headers, ...(method === 'PUT' ? { body } : {}) });
}

/** Tokens that are not the configured one: near misses and hostile strings, of every length. */
const wrongToken = fc.oneof(
  fc.constantFrom(TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), ` ${TOKEN}x`, `${TOKEN}\t`.repeat(2), TOKEN.split('').reverse().join(''), 'x'.repeat(4096)),
  hostileString,
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 200 }),
).filter((t) => t.trim() !== TOKEN);

const authorization = fc.oneof(
  wrongToken.map((t) => `Bearer ${t}`),
  wrongToken.map((t) => `bearer    ${t}`),
  fc.constantFrom(`Basic ${btoa(`admin:${TOKEN}`)}`, TOKEN, `Token ${TOKEN}`, `Bearer`, 'Bearer ', `Bearer${TOKEN}`),
  hostileString,
).map((value) => value.replace(/[^\t\x20-\x7e]/g, '?'));

afterEach(() => vi.restoreAllMocks());

describe('the admin routes without ADMIN_TOKEN', () => {
  it('answer 403 DENIED to every request, the right token included, and change nothing', async () => {
    const { oci } = await seedDemo();
    const unset = fc.constantFrom<string | undefined>(undefined, '', '   ', '\t');
    const header = fc.oneof(authorization, fc.constant(`Bearer ${TOKEN}`), fc.constant(undefined));
    await checkProperty(SUITE, fc.asyncProperty(fc.constantFrom(...ROUTES), unset, header, async ([method, path], adminToken, auth) => {
      const exchange = await dispatch(adminRequest(method, path, auth), { vars: { ADMIN_TOKEN: adminToken } });
      expect(await expectSpecAnswer(exchange)).toBe('DENIED');
      expect(exchange.response.status).toBe(403);
    }), 500);
    const tag = await dispatch(new Request('http://registry.test/v2/demo/app/manifests/1.0', { headers: { Accept: oci.index.mediaType } }));
    expect(tag.response.headers.get('Docker-Content-Digest')).toBe(oci.index.digest);
  }, TIMEOUT);
});

describe('the admin routes with ADMIN_TOKEN', () => {
  it('answer 401 with a Bearer challenge to every other token, whatever its length', async () => {
    await seedDemo();
    await checkProperty(SUITE, fc.asyncProperty(fc.constantFrom(...ROUTES), authorization, async ([method, path], auth) => {
      const exchange = await dispatch(adminRequest(method, path, auth));
      expect(await expectSpecAnswer(exchange)).toBe('UNAUTHORIZED');
      expect(exchange.response.headers.get('WWW-Authenticate')).toBe('Bearer realm="admin"');
    }), 1_500);
  }, TIMEOUT);

  it('accept the token with any case of "Bearer" and surrounding whitespace', async () => {
    for (const header of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER\t${TOKEN}`, `  Bearer   ${TOKEN}  `]) {
      const exchange = await dispatch(adminRequest('GET', '/admin/metrics', header));
      expect(exchange.response.status, header).toBe(200);
    }
  });
});

describe('the token comparison', () => {
  it('hashes both sides with SHA-256 and compares the digests with crypto.subtle.timingSafeEqual (src/auth/constantTimeEqual.ts)', () => {
    const compare = /async function constantTimeEqual\([\s\S]*?\n\}/.exec(compareSource)?.[0] ?? '';
    expect(compare).toContain("crypto.subtle.digest('SHA-256', encoder.encode(given))");
    expect(compare).toContain("crypto.subtle.digest('SHA-256', encoder.encode(expected))");
    expect(compare).toContain('crypto.subtle.timingSafeEqual(a, b)');
    expect(compare).not.toMatch(/===|!==|\.length/);
    expect(adminSource).toMatch(/!\(await constantTimeEqual\(match\[1\], config\.adminToken\)\)/);
  });

  it.each([1, TOKEN.length - 1, TOKEN.length, TOKEN.length + 1, 1_000, 60_000])(
    'a token of %i characters costs two SHA-256 digests and one timingSafeEqual of 32 bytes each',
    async (length) => {
      const digest = vi.spyOn(crypto.subtle, 'digest');
      const timingSafeEqual = vi.spyOn(crypto.subtle, 'timingSafeEqual');
      const offered = 'k'.repeat(length);
      const exchange = await dispatch(adminRequest('GET', '/admin/metrics', `Bearer ${offered}`));
      expect(exchange.response.status).toBe(401);
      const hashed = digest.mock.calls.map(([algorithm, data]) => [algorithm, new TextDecoder().decode(data as Uint8Array)]);
      expect(hashed).toEqual(expect.arrayContaining([['SHA-256', offered], ['SHA-256', TOKEN]]));
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [a, b] = timingSafeEqual.mock.calls[0]!;
      expect([(a as ArrayBuffer).byteLength, (b as ArrayBuffer).byteLength]).toEqual([32, 32]);
    },
  );

  it('the right token goes through the same comparison', async () => {
    const timingSafeEqual = vi.spyOn(crypto.subtle, 'timingSafeEqual');
    const exchange = await dispatch(adminRequest('GET', '/admin/metrics', `Bearer ${TOKEN}`));
    expect(exchange.response.status).toBe(200);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});

describe('tokens in responses and logs', () => {
  // The checks below are only as good as the capture: an afterEach restoring all mocks once
  // undid it for every test after the first, and `logs` stayed empty.
  it('the logs an exchange carries are what the worker wrote, in this test as in the first', async () => {
    const worker = { fetch: async () => (console.warn('token check'), new Response('ok')) };
    const exchange = await dispatch(new Request('http://registry.test/v2/'), { worker });
    expect(exchange.logs).toEqual(['warn: token check']);
  });

  it('neither the configured token nor one offered appears in any answer or log line', async () => {
    await seedDemo();
    const offeredTokens = fc.string({ unit: 'grapheme-ascii', minLength: 12, maxLength: 40 }).map((s) => `offered-${s.replace(/\s/g, '_')}`);
    const body = fc.constantFrom('{}', 'not json', '{"schemaVersion":2,"manifests":[{"digest":"x"}]}', '');
    await checkProperty(SUITE, fc.asyncProperty(fc.constantFrom(...ROUTES), offeredTokens, body, fc.boolean(), async ([method, path], offered, payload, right) => {
      const exchange = await dispatch(adminRequest(method, path, `Bearer ${right ? TOKEN : offered}`, payload));
      await expectSpecAnswer(exchange);
      const seen = [new TextDecoder().decode(exchange.body), [...exchange.response.headers].join('\n'), exchange.logs.join('\n')].join('\n');
      expect(seen).not.toContain(TOKEN);
      expect(seen).not.toContain(offered);
    }), 400);
  }, TIMEOUT);
});
