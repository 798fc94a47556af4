/** Test helper: a RegistryClient of the fake registry, with its metrics. */
import type { UpstreamConfig } from '../../src/config/config';
import { RegistryClient, type RegistryClientOptions } from '../../src/upstream/RegistryClient';
import type { UpstreamMetrics } from '../../src/upstream/UpstreamMetrics';
import { REGISTRY_URL, type FakeRegistry } from './fakeRegistry';

export const REGISTRY_HOST = 'registry.test';

export function clientOf(
  registry: FakeRegistry,
  credentials?: UpstreamConfig['credentials'],
  options: Partial<RegistryClientOptions> = {},
): { client: RegistryClient; metrics: UpstreamMetrics } {
  const metrics: UpstreamMetrics = { upstreamRequests: 0, tokenRequests: 0 };
  const config: UpstreamConfig = credentials ? { baseUrl: REGISTRY_URL, credentials } : { baseUrl: REGISTRY_URL };
  const client = new RegistryClient({
    registry: REGISTRY_HOST,
    config,
    fetch: registry.fetch,
    now: registry.clock,
    metrics,
    ...options,
  });
  return { client, metrics };
}

/** An image of the fake registry. */
export function image(repository: string): { registry: string; repository: string } {
  return { registry: REGISTRY_HOST, repository };
}
