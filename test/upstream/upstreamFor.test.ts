import { beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config';
import { parseConfig } from '../../src/config/config';
import { clearUpstreamClients, upstreamFor } from '../../src/upstream/upstreamFor';
import type { UpstreamMetrics } from '../../src/upstream/UpstreamMetrics';
import { FakeRegistry, ociIndex, REGISTRY_URL } from './fakeRegistry';

function config(credentials?: string): Config {
  return parseConfig({
    UPSTREAMS: `docker.io=https://registry-1.docker.io registry.test=${REGISTRY_URL}`,
    ...(credentials ? { UPSTREAM_CREDENTIALS: JSON.stringify({ 'registry.test': credentials }) } : {}),
  } as Cloudflare.Env);
}

describe('upstreamFor(registry, config, overrides)', () => {
  beforeEach(() => clearUpstreamClients());

  it('is undefined for a registry that is not configured', () => {
    expect(upstreamFor('ghcr.io', config())).toBeUndefined();
  });

  it('gives a client at the configured base URL, Docker Hub by any of its names', () => {
    const client = upstreamFor('index.docker.io', config());
    expect([client?.registry, client?.baseUrl]).toEqual(['docker.io', 'https://registry-1.docker.io']);
    expect(upstreamFor('docker.io', config())).toBe(client);
  });

  it('gives the same client for the same registry, base URL and credentials across configs', () => {
    expect(upstreamFor('registry.test', config('u:p'))).toBe(upstreamFor('registry.test', config('u:p')));
  });

  it('gives another client when the credentials change', () => {
    const first = upstreamFor('registry.test', config('u:p'));
    expect(upstreamFor('registry.test', config('u:other'))).not.toBe(first);
    expect(upstreamFor('registry.test', config())).not.toBe(first);
  });

  it('shares tokens between per-request clients, each counting its own requests', async () => {
    const registry = new FakeRegistry({ auth: 'bearer' });
    await registry.putManifest('library/golang', '1.23', ociIndex());
    const image = { registry: 'registry.test', repository: 'library/golang' };
    const first: UpstreamMetrics = { upstreamRequests: 0, tokenRequests: 0 };
    const second: UpstreamMetrics = { upstreamRequests: 0, tokenRequests: 0 };
    const overrides = { fetch: registry.fetch, now: registry.clock };
    await upstreamFor('registry.test', config(), { ...overrides, metrics: first })!.getManifest(image, '1.23');
    await upstreamFor('registry.test', config(), { ...overrides, metrics: second })!.getManifest(image, '1.23');
    expect(first).toEqual({ upstreamRequests: 3, tokenRequests: 1, manifestGets: 2 });
    expect(second).toEqual({ upstreamRequests: 1, tokenRequests: 0, manifestGets: 1 });
  });
});
