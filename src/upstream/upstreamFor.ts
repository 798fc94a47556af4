/**
 * One RegistryClient per origin registry and isolate (tokens are cached until shortly
 * before they expire): the client, and with it the registry's challenge and its token cache,
 * outlives the request that made it, so later requests in the isolate reuse its tokens.
 *
 * Clients are keyed by (registry, base URL, credentials): changed configuration gets a new
 * client, never another's tokens. Only plain strings are shared between requests (no
 * promises, streams or responses), as workerd requires.
 */
import type { Config } from '../config/config';
import { canonicalRegistryHost } from '../oci/registryHost';
import { RegistryClient, type RegistryClientOverrides } from './RegistryClient';

/** The most clients kept; past it the oldest is dropped (only a changing config gets there). */
const MAX_CLIENTS = 64;

const clients = new Map<string, RegistryClient>();

/**
 * The client of `registry` if `config.upstreams` has it, else undefined. Without overrides it
 * is the isolate's shared client; with them (a request's own `metrics`, a test's `fetch`) a
 * client sharing its authentication state and tokens.
 * @example upstreamFor('docker.io', config, { metrics })?.getManifest(image, '1.23')
 */
export function upstreamFor(
  registry: string,
  config: Config,
  overrides?: RegistryClientOverrides,
): RegistryClient | undefined {
  const host = canonicalRegistryHost(registry);
  const upstream = config.upstreams[host];
  if (!upstream) return undefined;
  const { credentials } = upstream;
  const key = JSON.stringify([host, upstream.baseUrl, credentials?.username ?? null, credentials?.password ?? null]);
  let client = clients.get(key);
  if (!client) {
    client = new RegistryClient({ registry: host, config: upstream });
    clients.set(key, client);
    if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value!);
  }
  return overrides && Object.values(overrides).some((value) => value !== undefined) ? client.with(overrides) : client;
}

/** Forgets every shared client (for tests). */
export function clearUpstreamClients(): void {
  clients.clear();
}
