/**
 * The worker's configuration, parsed and validated from its environment in one place
 * (docs/architecture.md, "Configuration"). A bad value fails every request with an error naming the
 * variable, rather than misbehaving later.
 */
import { canonicalRegistryHost } from '../oci/registryHost';
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
  /** Origin registries to pull through, by registry host (`docker.io`); none → KV only. */
  upstreams: Record<string, UpstreamConfig>;
  /** Seconds: tags are fresh for `tagTtl`, then served stale (and refreshed) up to `staleTtl`. */
  freshness: { tagTtl: number; staleTtl: number; negativeTtl: number };
  /** Answer manifests from the per-data-centre Cache API in front of KV (`EDGE_CACHE`, default on). */
  edgeCache: boolean;
  /**
   * Hosts an origin may redirect blobs to, handed on to clients (`BLOB_REDIRECT_HOSTS`):
   * `host[:port]` or `*.domain` patterns; `any` hands on every http(s) host. The origin's own
   * host is always allowed.
   */
  blobRedirectHosts: string[] | 'any';
  /** Who may pull what (`PULL_TOKEN`, `ANONYMOUS_PULL`); see src/auth/PullAccess.ts. */
  pull: PullConfig;
}

export interface PullConfig {
  /** Secrets a client proves to pull from registries anonymous clients may not; none → nobody can. */
  tokens: string[];
  /** Registries anonymous clients may pull from: `all`, or `public` ones and those listed. */
  anonymous: { all: boolean; public: boolean; registries: string[] };
}

/**
 * Where the well-known registries send blobs: Docker Hub (Cloudflare R2, formerly
 * production.cloudflare.docker.com), GHCR (pkg-containers.githubusercontent.com), Quay (its CDN
 * and S3), ECR (S3), Google (storage.googleapis.com, *.pkg.dev), Azure (blob storage), and
 * CloudFront, which several use.
 */
export const DEFAULT_BLOB_REDIRECT_HOSTS: readonly string[] = [
  '*.r2.cloudflarestorage.com',
  '*.docker.com',
  '*.docker.io',
  '*.githubusercontent.com',
  '*.quay.io',
  '*.amazonaws.com',
  '*.cloudfront.net',
  'storage.googleapis.com',
  '*.pkg.dev',
  '*.blob.core.windows.net',
  '*.azurecr.io',
];

export interface UpstreamConfig {
  /** Base URL of the registry API, without `/v2/` (e.g. `https://registry-1.docker.io`). */
  baseUrl: string;
  /** From the UPSTREAM_CREDENTIALS secret; anonymous when absent. */
  credentials?: { username: string; password: string };
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
    upstreams: parseUpstreams(env.UPSTREAMS, env.UPSTREAM_CREDENTIALS),
    freshness: {
      tagTtl: seconds('TAG_TTL', env.TAG_TTL, 300),
      staleTtl: seconds('STALE_TTL', env.STALE_TTL, 7 * 24 * 3600),
      negativeTtl: seconds('NEGATIVE_TTL', env.NEGATIVE_TTL, 30),
    },
    edgeCache: onOff('EDGE_CACHE', env.EDGE_CACHE, true),
    blobRedirectHosts: parseBlobRedirectHosts(env.BLOB_REDIRECT_HOSTS),
    pull: { tokens: parsePullTokens(env.PULL_TOKEN), anonymous: parseAnonymousPull(env.ANONYMOUS_PULL) },
  };
  if (config.freshness.staleTtl < config.freshness.tagTtl) throw invalid('STALE_TTL', 'must not be below TAG_TTL');
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

/**
 * `UPSTREAMS` = `host=baseURL` pairs (`docker.io=https://registry-1.docker.io`), comma or space
 * separated; `UPSTREAM_CREDENTIALS` (a secret) = JSON `{"host": "user:password"}`.
 */
function parseUpstreams(value: string | undefined, credentials: string | undefined): Record<string, UpstreamConfig> {
  // Looked up by registry hosts from requests (`?ns=constructor`): no prototype to find there.
  const upstreams: Record<string, UpstreamConfig> = Object.create(null) as Record<string, UpstreamConfig>;
  for (const pair of (value ?? '').split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    // Docker Hub's aliases name one registry, as they do in image names (src/oci/registryHost.ts).
    const host = canonicalRegistryHost(pair.slice(0, at));
    const base = pair.slice(at + 1).replace(/\/+$/, '');
    if (at <= 0 || !/^[a-z0-9.-]+(:[0-9]{1,5})?$/.test(host)) throw invalid('UPSTREAMS', `"${pair}" is not host=URL`);
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw invalid('UPSTREAMS', `"${base}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('UPSTREAMS', `"${base}" must be http(s)`);
    if (url.search || url.hash || url.username) throw invalid('UPSTREAMS', `"${base}" must be a plain base URL`);
    if (upstreams[host]) throw invalid('UPSTREAMS', `"${host}" is given twice (Docker Hub's aliases name one registry)`);
    upstreams[host] = { baseUrl: base };
  }
  if (credentials?.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(credentials);
    } catch {
      throw invalid('UPSTREAM_CREDENTIALS', 'is not JSON (expected {"host": "user:password"})');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid('UPSTREAM_CREDENTIALS', 'expected a JSON object {"host": "user:password"}');
    }
    for (const [host, secret] of Object.entries(parsed)) {
      const upstream = upstreams[canonicalRegistryHost(host)];
      const colon = typeof secret === 'string' ? secret.indexOf(':') : -1;
      // Never echo the secret itself in an error.
      if (!upstream) throw invalid('UPSTREAM_CREDENTIALS', `"${host}" is not a registry in UPSTREAMS`);
      if (colon <= 0) throw invalid('UPSTREAM_CREDENTIALS', `the value for "${host}" is not "user:password"`);
      const text = secret as string;
      upstream.credentials = { username: text.slice(0, colon), password: text.slice(colon + 1) };
    }
  }
  return upstreams;
}

const HOST_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$/;

/**
 * `BLOB_REDIRECT_HOSTS` = `*` (any host), or `host[:port]` and `*.domain` patterns, commas or
 * whitespace between, where `default` stands for DEFAULT_BLOB_REDIRECT_HOSTS (the default).
 */
function parseBlobRedirectHosts(value: string | undefined): string[] | 'any' {
  const items = (nonEmpty(value) ?? 'default').toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (items.length === 1 && items[0] === '*') return 'any';
  const hosts: string[] = [];
  for (const item of items) {
    if (item === '*') throw invalid('BLOB_REDIRECT_HOSTS', '"*" cannot be combined with anything else');
    if (item === 'default') hosts.push(...DEFAULT_BLOB_REDIRECT_HOSTS);
    else if (HOST_PATTERN.test(item)) hosts.push(item);
    else throw invalid('BLOB_REDIRECT_HOSTS', `"${item}" is not a host or *.domain`);
  }
  return hosts;
}

/** A pull token is a secret: long enough not to be guessed, and free of separators. */
const PULL_TOKEN = /^[\x21-\x7e]{16,512}$/;

/** `PULL_TOKEN` (a secret) = one or more tokens separated by commas or whitespace (for rotation). */
function parsePullTokens(value: string | undefined): string[] {
  const tokens = (value ?? '').split(/[\s,]+/).filter(Boolean);
  // Never echo a token in an error: say which one by position.
  tokens.forEach((token, i) => {
    if (!PULL_TOKEN.test(token)) throw invalid('PULL_TOKEN', `token ${i + 1} must be 16 to 512 printable ASCII characters`);
  });
  return tokens;
}

/**
 * `ANONYMOUS_PULL` = `all`, `none`, or a list of `public` and registry hosts (commas or
 * whitespace). `public` (the default) means registries pulled without UPSTREAM_CREDENTIALS.
 */
function parseAnonymousPull(value: string | undefined): PullConfig['anonymous'] {
  const items = (nonEmpty(value) ?? 'public').toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) throw invalid('ANONYMOUS_PULL', 'names nothing: use none to open no registry');
  if (items.length === 1 && items[0] === 'all') return { all: true, public: true, registries: [] };
  if (items.length === 1 && items[0] === 'none') return { all: false, public: false, registries: [] };
  const anonymous = { all: false, public: false, registries: [] as string[] };
  for (const item of items) {
    if (item === 'all' || item === 'none') throw invalid('ANONYMOUS_PULL', `"${item}" cannot be combined with anything else`);
    if (item === 'public') anonymous.public = true;
    else if (/^[a-z0-9.-]+(:[0-9]{1,5})?$/.test(item)) anonymous.registries.push(canonicalRegistryHost(item));
    else throw invalid('ANONYMOUS_PULL', `"${item}" is not all, none, public or a registry host`);
  }
  return anonymous;
}

function seconds(variable: string, value: string | undefined, fallback: number): number {
  const text = nonEmpty(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw invalid(variable, `"${text}" is not a whole number of seconds`);
  return n;
}

function onOff(variable: string, value: string | undefined, fallback: boolean): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined) return fallback;
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw invalid(variable, `"${value}" is neither on nor off`);
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
