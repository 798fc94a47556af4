/**
 * The worker's configuration, parsed and validated from its environment in one place
 * (design.md "Configuration"). A bad value fails every request with an error naming the
 * variable, rather than misbehaving later.
 */
import { RegistryError } from '../oci/RegistryError';
import { normalizePlatform, parsePlatform } from '../platform';
import type { Platform } from '../platform/Platform';
import type { Env } from './Env';

export interface Config {
  /** The platform used when a request names none and none can be inferred. */
  defaultPlatform: Platform;
  /** Registry of names without a host prefix (`golang` → `docker.io/library/golang`). */
  defaultRegistry: string;
  /** Lower-case host name → platform specifier, for platform-pinned hosts. */
  platformHosts: Record<string, string>;
  /** Blob redirect template with `{registry}`, `{repository}`, `{digest}` placeholders. */
  blobOrigin?: URLTemplate;
  /** Admin bearer token; the admin API is off without it. */
  adminToken?: string;
}

export interface URLTemplate {
  template: string;
  /** The origin every expansion must stay on. */
  origin: string;
}

const cache = new WeakMap<object, Config>();

/** Parses `env` once per isolate and environment object. Throws RegistryError UNKNOWN (500). */
export function getConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env);
    cache.set(env, config);
  }
  return config;
}

export function parseConfig(env: Env): Config {
  const defaultPlatform = normalizePlatform(
    guard('DEFAULT_PLATFORM', () => parsePlatform(nonEmpty(env.DEFAULT_PLATFORM) ?? 'linux/amd64')),
  );
  const defaultRegistry = (nonEmpty(env.DEFAULT_REGISTRY) ?? 'docker.io').toLowerCase();
  if (!/^[a-z0-9.-]+(:[0-9]{1,5})?$/.test(defaultRegistry)) {
    throw invalid('DEFAULT_REGISTRY', `"${env.DEFAULT_REGISTRY}" is not a registry host`);
  }
  const config: Config = {
    defaultPlatform,
    defaultRegistry,
    platformHosts: parsePlatformHosts(env.PLATFORM_HOSTS, defaultPlatform),
  };
  const blobOrigin = nonEmpty(env.BLOB_ORIGIN);
  if (blobOrigin) config.blobOrigin = parseBlobOrigin(blobOrigin);
  const adminToken = nonEmpty(env.ADMIN_TOKEN);
  if (adminToken) config.adminToken = adminToken;
  return config;
}

/** `PLATFORM_HOSTS` = `host=platform` pairs separated by commas or whitespace. */
function parsePlatformHosts(value: string | undefined, defaults: Platform): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const pair of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    const [host, spec, extra] = pair.split('=');
    if (!host || !spec || extra !== undefined || !/^[a-z0-9.-]+$/i.test(host)) {
      throw invalid('PLATFORM_HOSTS', `"${pair}" is not host=platform`);
    }
    guard('PLATFORM_HOSTS', () => parsePlatform(spec, defaults));
    hosts[host.toLowerCase()] = spec;
  }
  return hosts;
}

function parseBlobOrigin(template: string): URLTemplate {
  const sample = template.replace(/\{(registry|repository|digest)\}/g, 'x');
  if (/[{}]/.test(sample)) throw invalid('BLOB_ORIGIN', 'only {registry}, {repository} and {digest} may be used');
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    throw invalid('BLOB_ORIGIN', `"${template}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('BLOB_ORIGIN', 'must be http(s)');
  if (!template.startsWith(url.origin + '/')) throw invalid('BLOB_ORIGIN', 'placeholders may not appear in the host');
  return { template, origin: url.origin };
}

function guard<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw invalid(variable, err instanceof Error ? err.message : String(err));
  }
}

function invalid(variable: string, reason: string): RegistryError {
  return new RegistryError('UNKNOWN', `invalid configuration: ${variable}: ${reason}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
