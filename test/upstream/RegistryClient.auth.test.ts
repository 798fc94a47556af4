import { beforeEach, describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../src/upstream/basicAuthorization';
import { caught, visible } from './caught';
import { clientOf, image } from './clientOf';
import { errors, FakeRegistry, ociIndex, REALM, SERVICE } from './fakeRegistry';

const GOLANG = image('library/golang');
const ALICE = { username: 'alice', password: 'correct horse battery staple' };
const WRONG = { username: 'alice', password: 'hunter2-wrong' };

/** `[method, url-without-origin-query, authorization kind]` of each request, for compact asserts. */
function trace(registry: FakeRegistry): string[] {
  return registry.requests.map((r) => {
    const auth = r.authorization?.split(' ')[0] ?? '-';
    return `${r.method} ${r.url.replace(/\?.*/, '')} ${auth}`;
  });
}

describe('RegistryClient with a Bearer token server', () => {
  let registry: FakeRegistry;
  beforeEach(async () => {
    registry = new FakeRegistry({ auth: 'bearer', users: { alice: ALICE.password }, privateRepositories: ['alice/private'], expiresIn: 300 });
    await registry.putManifest('library/golang', '1.23', ociIndex());
    await registry.putManifest('library/alpine', '3', ociIndex());
    await registry.putManifest('alice/private', 'v1', ociIndex());
  });

  it('answers the challenge with an anonymous pull token and retries', async () => {
    const { client, metrics } = clientOf(registry);
    const manifest = await client.getManifest(GOLANG, '1.23');
    expect(manifest?.digest).toBe(registry.manifests.get('library/golang:1.23')!.digest);
    expect(trace(registry)).toEqual([
      'GET https://registry.test/v2/library/golang/manifests/1.23 -',
      'GET https://auth.test/token -',
      'GET https://registry.test/v2/library/golang/manifests/1.23 Bearer',
    ]);
    expect(registry.requests[2]!.authorization).toBe(`Bearer ${registry.issuedTokens[0]}`);
    expect(metrics).toEqual({ upstreamRequests: 3, tokenRequests: 1, manifestGets: 2 });
  });

  it('asks for pull scope only, whatever scope the challenge named', async () => {
    const { client } = clientOf(registry);
    await client.getManifest(GOLANG, '1.23');
    const tokenUrl = new URL(registry.requests[1]!.url);
    expect(tokenUrl.origin + tokenUrl.pathname).toBe(REALM);
    expect(tokenUrl.searchParams.get('service')).toBe(SERVICE);
    expect(registry.tokenScopes).toEqual(['repository:library/golang:pull']);
  });

  it('reuses the cached token up front: the second call makes one request and no token request', async () => {
    const { client, metrics } = clientOf(registry);
    await client.getManifest(GOLANG, '1.23');
    registry.requests.length = 0;
    await client.headManifest(GOLANG, '1.23');
    await client.getManifest(GOLANG, '1.23');
    expect(trace(registry)).toEqual([
      'HEAD https://registry.test/v2/library/golang/manifests/1.23 Bearer',
      'GET https://registry.test/v2/library/golang/manifests/1.23 Bearer',
    ]);
    expect(metrics).toEqual({ upstreamRequests: 5, tokenRequests: 1, manifestGets: 3, manifestHeads: 1 });
  });

  it('fetches a new token, up front, once the cached one is within 15 s of expiry', async () => {
    const { client, metrics } = clientOf(registry);
    await client.getManifest(GOLANG, '1.23');
    registry.now += 284_000; // expires_in 300: usable until 285 s
    await client.getManifest(GOLANG, '1.23');
    expect(metrics.tokenRequests).toBe(1);
    registry.now += 2_000;
    registry.requests.length = 0;
    await client.getManifest(GOLANG, '1.23');
    expect(trace(registry)).toEqual([
      'GET https://auth.test/token -',
      'GET https://registry.test/v2/library/golang/manifests/1.23 Bearer',
    ]);
    expect(registry.requests[1]!.authorization).toBe(`Bearer ${registry.issuedTokens[1]}`);
    expect(metrics).toEqual({ upstreamRequests: 6, tokenRequests: 2, manifestGets: 4 });
  });

  it('takes a token without expires_in to live 60 s (used for 45 s)', async () => {
    registry = new FakeRegistry({ auth: 'bearer' });
    await registry.putManifest('library/golang', '1.23', ociIndex());
    const { client, metrics } = clientOf(registry);
    await client.getManifest(GOLANG, '1.23');
    registry.now += 44_000;
    await client.getManifest(GOLANG, '1.23');
    expect(metrics.tokenRequests).toBe(1);
    registry.now += 2_000;
    await client.getManifest(GOLANG, '1.23');
    expect(metrics.tokenRequests).toBe(2);
  });

  it('accepts "access_token" as well as "token"', async () => {
    registry = new FakeRegistry({ auth: 'bearer', tokenField: 'access_token' });
    await registry.putManifest('library/golang', '1.23', ociIndex());
    const { client } = clientOf(registry);
    expect(await client.getManifest(GOLANG, '1.23')).not.toBeNull();
    expect(registry.requests[2]!.authorization).toBe(`Bearer ${registry.issuedTokens[0]}`);
  });

  it('keeps one token per repository', async () => {
    const { client, metrics } = clientOf(registry);
    await client.getManifest(GOLANG, '1.23');
    await client.getManifest(image('library/alpine'), '3');
    await client.getManifest(GOLANG, '1.23');
    await client.getManifest(image('library/alpine'), '3');
    expect(registry.tokenScopes).toEqual(['repository:library/golang:pull', 'repository:library/alpine:pull']);
    // 3 for golang, then a token fetched up front for alpine (the realm is known), then 1 each.
    expect(metrics).toEqual({ upstreamRequests: 7, tokenRequests: 2, manifestGets: 5 });
  });

  it('replaces a cached token the registry no longer accepts, once', async () => {
    const { client, metrics } = clientOf(registry);
    await client.getManifest(GOLANG, '1.23');
    registry.revokeTokens();
    registry.requests.length = 0;
    expect(await client.getManifest(GOLANG, '1.23')).not.toBeNull();
    expect(trace(registry)).toEqual([
      'GET https://registry.test/v2/library/golang/manifests/1.23 Bearer',
      'GET https://auth.test/token -',
      'GET https://registry.test/v2/library/golang/manifests/1.23 Bearer',
    ]);
    expect(metrics.tokenRequests).toBe(2);
  });

  it('sends the configured credentials to the token server and pulls a private repository', async () => {
    const { client } = clientOf(registry, ALICE);
    expect(await client.getManifest(image('alice/private'), 'v1')).not.toBeNull();
    expect(registry.requests[1]!.authorization).toBe(basicAuthorization(ALICE));
    expect(registry.requests[2]!.authorization).toBe(`Bearer ${registry.issuedTokens[0]}`);
  });

  it('is UNAUTHORIZED on a private repository without credentials, after one token request', async () => {
    const { client, metrics } = clientOf(registry);
    const error = await caught(client.getManifest(image('alice/private'), 'v1'));
    expect([error.code, error.status]).toEqual(['UNAUTHORIZED', 401]);
    expect(error.message).toBe(
      'upstream registry.test requires authentication for repository alice/private (or it does not exist there), ' +
        'and no credentials are configured for registry.test in UPSTREAM_CREDENTIALS',
    );
    expect(metrics).toEqual({ upstreamRequests: 3, tokenRequests: 1, manifestGets: 2 });
  });

  it('is DENIED when the token server refuses the credentials', async () => {
    const { client, metrics } = clientOf(registry, WRONG);
    const error = await caught(client.getManifest(image('alice/private'), 'v1'));
    expect([error.code, error.status]).toEqual(['DENIED', 403]);
    expect(error.message).toBe(
      'upstream registry.test token endpoint auth.test refused the credentials of user "alice" (401) for repository alice/private',
    );
    expect(metrics).toEqual({ upstreamRequests: 2, tokenRequests: 1, manifestGets: 1 });
  });

  it('is DENIED when the registry refuses a fresh token obtained with credentials', async () => {
    registry = new FakeRegistry({
      auth: 'bearer',
      users: { alice: ALICE.password },
      // The registry refuses every token for this repository: alice may not pull it.
      intercept: (request) =>
        request.url.includes('/v2/bob/private/')
          ? errors(401, 'DENIED', { 'WWW-Authenticate': `Bearer realm="${REALM}",service="${SERVICE}",error="insufficient_scope"` })
          : undefined,
    });
    const { client, metrics } = clientOf(registry, ALICE);
    const error = await caught(client.getManifest(image('bob/private'), 'v1'));
    expect([error.code, error.message]).toEqual([
      'DENIED',
      'upstream registry.test refused user "alice" access to repository bob/private: wrong credentials, or no pull permission',
    ]);
    expect(metrics).toEqual({ upstreamRequests: 3, tokenRequests: 1, manifestGets: 2 });
  });

  it('does not send credentials over plain http to a realm on another host', async () => {
    registry = new FakeRegistry({
      intercept: (request) =>
        request.url.startsWith('https://registry.test/')
          ? errors(401, 'UNAUTHORIZED', { 'WWW-Authenticate': 'Bearer realm="http://evil.test/token",service="x"' })
          : undefined,
    });
    const { client } = clientOf(registry, ALICE);
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'BAD_GATEWAY',
      'refusing to send the credentials for registry.test over plain http to token endpoint evil.test',
    ]);
    expect(registry.requests.map((r) => new URL(r.url).host)).toEqual(['registry.test']);
  });

  it('keeps a query string the realm already has', async () => {
    registry = new FakeRegistry({
      intercept: (request) => {
        if (request.url.startsWith('https://auth.test/')) return Response.json({ token: 't' });
        if (request.headers.get('authorization') === 'Bearer t') return new Response(JSON.stringify(ociIndex()));
        return errors(401, 'UNAUTHORIZED', { 'WWW-Authenticate': 'Bearer realm="https://auth.test/v2/token?account=x"' });
      },
    });
    const { client } = clientOf(registry);
    expect(await client.getManifest(GOLANG, '1.23')).not.toBeNull();
    expect(registry.requests[1]!.url).toBe('https://auth.test/v2/token?account=x&scope=repository%3Alibrary%2Fgolang%3Apull');
  });
});

describe('RegistryClient with the token endpoint failing', () => {
  const challenge = { 'WWW-Authenticate': 'Bearer realm="https://auth.test/token",service="registry.test"' };
  const rows: [string, (request: Request) => Response | Promise<Response>, string, string][] = [
    ['a 500', () => new Response('oops', { status: 500 }), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test failed with 500'],
    ['a 400', () => new Response('bad', { status: 400 }), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test failed with 400'],
    ['a redirect', () => new Response(null, { status: 302, headers: { Location: 'https://elsewhere.test/' } }), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test failed with 302'],
    ['HTML', () => new Response('<html>'), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test sent a response that is not JSON'],
    ['JSON without a token', () => Response.json({ expires_in: 60 }), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test sent no token (expected JSON with "token" or "access_token")'],
    ['an empty token', () => Response.json({ token: '' }), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test sent no token (expected JSON with "token" or "access_token")'],
    ['a network failure', () => Promise.reject(new Error('connection refused')), 'UNAVAILABLE', 'upstream registry.test token endpoint auth.test unreachable: connection refused'],
    ['a 429', () => new Response('slow down', { status: 429, headers: { 'Retry-After': '7' } }), 'TOOMANYREQUESTS', 'upstream registry.test token endpoint auth.test is rate limiting requests (429 for a token); retry after 7 s'],
    ['a 401 to an anonymous request', () => new Response('no', { status: 401 }), 'UNAUTHORIZED', 'upstream registry.test token endpoint auth.test refused an anonymous token for repository library/golang (401): credentials are required'],
  ];
  it.each(rows)('maps %s', async (_what, answer, code, message) => {
    const registry = new FakeRegistry({
      intercept: (request) =>
        request.url.startsWith('https://auth.test/') ? answer(request) : errors(401, 'UNAUTHORIZED', challenge),
    });
    const { client } = clientOf(registry);
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([code, message]);
  });

  it('times out a token endpoint that does not answer', async () => {
    const registry = new FakeRegistry({
      intercept: (request) =>
        request.url.startsWith('https://auth.test/') ? new Promise<Response>(() => {}) : errors(401, 'UNAUTHORIZED', challenge),
    });
    const { client } = clientOf(registry, undefined, { timeoutMs: 50 });
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'UNAVAILABLE',
      'upstream registry.test token endpoint auth.test unreachable: timed out after 50 ms waiting for a response',
    ]);
  });
});

describe('RegistryClient with Basic authentication (docker-registry with htpasswd)', () => {
  let registry: FakeRegistry;
  beforeEach(async () => {
    registry = new FakeRegistry({ auth: 'basic', users: { alice: ALICE.password } });
    await registry.putManifest('library/golang', '1.23', ociIndex());
  });

  it('answers the challenge with the credentials, then sends them up front', async () => {
    const { client, metrics } = clientOf(registry, ALICE);
    expect(await client.getManifest(GOLANG, '1.23')).not.toBeNull();
    expect(await client.getManifest(GOLANG, '1.23')).not.toBeNull();
    expect(trace(registry)).toEqual([
      'GET https://registry.test/v2/library/golang/manifests/1.23 -',
      'GET https://registry.test/v2/library/golang/manifests/1.23 Basic',
      'GET https://registry.test/v2/library/golang/manifests/1.23 Basic',
    ]);
    expect(registry.requests[1]!.authorization).toBe(basicAuthorization(ALICE));
    expect(metrics).toEqual({ upstreamRequests: 3, tokenRequests: 0, manifestGets: 3 });
  });

  it('is DENIED for wrong credentials, after one retry', async () => {
    const { client, metrics } = clientOf(registry, WRONG);
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'DENIED',
      'upstream registry.test refused user "alice" access to repository library/golang: wrong credentials, or no pull permission',
    ]);
    expect(metrics.upstreamRequests).toBe(2);
  });

  it('is UNAUTHORIZED without credentials, without a retry', async () => {
    const { client, metrics } = clientOf(registry);
    const error = await caught(client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.status]).toEqual(['UNAUTHORIZED', 401]);
    expect(metrics.upstreamRequests).toBe(1);
  });

  it('is UNAUTHORIZED for a scheme it cannot answer', async () => {
    registry = new FakeRegistry({ intercept: () => errors(401, 'UNAUTHORIZED', { 'WWW-Authenticate': 'Negotiate, NTLM' }) });
    const error = await caught(clientOf(registry, ALICE).client.getManifest(GOLANG, '1.23'));
    expect([error.code, error.message]).toEqual([
      'UNAUTHORIZED',
      'upstream registry.test asks for authentication this worker does not support (negotiate, ntlm)',
    ]);
  });
});

describe('RegistryClient error messages', () => {
  it('never contain a password, a token or a Basic header', async () => {
    const bearer = new FakeRegistry({ auth: 'bearer', users: { alice: ALICE.password }, privateRepositories: ['alice/private'] });
    const basic = new FakeRegistry({ auth: 'basic', users: { alice: ALICE.password } });
    const refusing = new FakeRegistry({
      auth: 'bearer',
      users: { alice: ALICE.password },
      intercept: (request) =>
        request.url.startsWith('https://registry.test/') && request.headers.get('authorization')
          ? errors(401, 'DENIED', { 'WWW-Authenticate': `Bearer realm="${REALM}",service="${SERVICE}"` })
          : undefined,
    });
    const failures = await Promise.all([
      caught(clientOf(bearer, WRONG).client.getManifest(image('alice/private'), 'v1')),
      caught(clientOf(bearer).client.getManifest(image('alice/private'), 'v1')),
      caught(clientOf(basic, WRONG).client.getManifest(GOLANG, '1.23')),
      caught(clientOf(basic, WRONG).client.listTags(GOLANG)),
      caught(clientOf(basic, WRONG).client.getBlob(GOLANG, `sha256:${'b'.repeat(64)}`, { method: 'GET' })),
      caught(clientOf(refusing, ALICE).client.getManifest(GOLANG, '1.23')),
    ]);
    expect(failures.map((e) => e.code)).toEqual(['DENIED', 'UNAUTHORIZED', 'DENIED', 'DENIED', 'DENIED', 'DENIED']);
    const secrets = [
      ALICE.password,
      WRONG.password,
      basicAuthorization(ALICE).slice(6),
      basicAuthorization(WRONG).slice(6),
      ...bearer.issuedTokens,
      ...refusing.issuedTokens,
    ];
    expect(refusing.issuedTokens.length).toBeGreaterThan(0);
    for (const failure of failures) for (const secret of secrets) expect(visible(failure)).not.toContain(secret);
  });
});
