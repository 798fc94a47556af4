/**
 * The Upstream over HTTP: the pull side of an origin registry's API (OCI distribution-spec
 * "Pull", "Content discovery"; Docker registry HTTP API V2), with the registry's
 * authentication handled by RegistryAuth and every exchange bounded by UpstreamTransport.
 *
 * | method         | request                                  | answer                                       |
 * | -------------- | ---------------------------------------- | -------------------------------------------- |
 * | getManifest    | `GET /v2/<repo>/manifests/<ref>`         | verified bytes (≤ 4 MiB), digest, media type |
 * | headManifest   | `HEAD /v2/<repo>/manifests/<ref>`        | digest, media type, size (GET if unsaid)     |
 * | getBlob        | `GET/HEAD /v2/<repo>/blobs/<digest>`     | the redirect target, or the streamed body    |
 * | listTags       | `GET /v2/<repo>/tags/list` + `Link` next | every tag, at most MAX_TAG_PAGES pages       |
 *
 * 404 (and an error body saying MANIFEST_UNKNOWN, NAME_UNKNOWN or BLOB_UNKNOWN) is null; other
 * failures are RegistryErrors as described in Upstream.ts and upstreamStatusError.ts.
 * Docker Hub is reached at the configured base URL (typically https://registry-1.docker.io)
 * with `library/` names.
 */
import { assertDigest, assertName, isValidDigest, isValidTag } from '../oci/grammar';
import { MAX_MANIFEST_BYTES } from '../oci/manifest';
import {
  ALL_MANIFEST_MEDIA_TYPES,
  isImageManifestMediaType,
  isIndexMediaType,
  mediaTypeEssence,
} from '../oci/mediaTypes';
import { canonicalRegistryHost, DOCKER_HUB } from '../oci/registryHost';
import { RegistryError } from '../oci/RegistryError';
import type { UpstreamConfig } from '../config/config';
import type { ImageKey } from '../oci/reference';
import { listTagPages } from './listTagPages';
import { RegistryAuth } from './RegistryAuth';
import type { Upstream, UpstreamBlob, UpstreamHead, UpstreamManifest } from './Upstream';
import type { UpstreamMetrics, UpstreamRequestKind } from './UpstreamMetrics';
import { readErrorCodes, statusError } from './upstreamStatusError';
import { UpstreamTransport, type Exchange, type OutgoingRequest } from './UpstreamTransport';
import { verifyUpstreamManifest } from './verifyUpstreamManifest';

/** Default deadline for an upstream's response headers, and for a body read whole. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;

const MANIFEST_ACCEPT = ALL_MANIFEST_MEDIA_TYPES.join(', ');
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
const UNKNOWN_CODES = ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN'];

/** Options of a RegistryClient. */
export interface RegistryClientOptions {
  /** The registry host as in image names: `docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Its base URL and credentials. */
  config: UpstreamConfig;
  /** The fetch to use (tests inject one); the global fetch by default. */
  fetch?: typeof fetch;
  /** The clock, ms since the epoch (token expiry, Retry-After dates); Date.now by default. */
  now?: () => number;
  /** Deadline for response headers, and for bodies read whole; DEFAULT_UPSTREAM_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Counters this client increments for every upstream request (see UpstreamMetrics). */
  metrics?: UpstreamMetrics;
  /** Shared authentication state (challenge, tokens); a new one by default. */
  auth?: RegistryAuth;
}

/** What `RegistryClient.with` may change: everything but the registry, its config and auth. */
export type RegistryClientOverrides = Pick<RegistryClientOptions, 'fetch' | 'now' | 'timeoutMs' | 'metrics'>;

/**
 * An origin registry as an Upstream.
 * @example
 * const client = new RegistryClient({ registry: 'docker.io', config: { baseUrl: 'https://registry-1.docker.io' } });
 * await client.getManifest({ registry: 'docker.io', repository: 'library/golang' }, '1.23');
 * // → { bytes, digest: 'sha256:…', mediaType: 'application/vnd.oci.image.index.v1+json' }
 */
export class RegistryClient implements Upstream {
  /** The canonical registry host: `docker.io`. */
  readonly registry: string;
  /** The base URL requests go to, without a trailing `/`. */
  readonly baseUrl: string;
  readonly auth: RegistryAuth;
  readonly metrics: UpstreamMetrics | undefined;
  private readonly options: RegistryClientOptions;
  private readonly transport: UpstreamTransport;

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.registry = canonicalRegistryHost(options.registry);
    this.baseUrl = options.config.baseUrl.replace(/\/+$/, '');
    this.metrics = options.metrics;
    this.auth =
      options.auth ??
      new RegistryAuth({ registry: this.registry, baseUrl: this.baseUrl, credentials: options.config.credentials });
    this.transport = new UpstreamTransport({
      registry: this.registry,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      now: options.now ?? (() => Date.now()),
      timeoutMs: options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
      metrics: options.metrics,
    });
  }

  /** A client of the same registry sharing this one's authentication state and token cache. */
  with(overrides: RegistryClientOverrides): RegistryClient {
    return new RegistryClient({ ...this.options, ...overrides, auth: this.auth });
  }

  async getManifest(image: ImageKey, reference: string): Promise<UpstreamManifest | null> {
    const repository = this.repositoryOf(image);
    const name = manifestName(repository, reference);
    const exchange = await this.send(repository, this.manifestUrl(repository, reference), 'GET', 'manifestGet');
    if (exchange.response.status !== 200) return this.failed(exchange, `manifest ${name}`);
    const bytes = await this.transport.readBody(
      exchange,
      MAX_MANIFEST_BYTES,
      () =>
        new RegistryError(
          'BAD_GATEWAY',
          `${exchange.label} sent manifest ${name} larger than ${MAX_MANIFEST_BYTES} bytes (4 MiB); refusing it`,
        ),
    );
    return verifyUpstreamManifest({
      label: exchange.label,
      name,
      reference,
      bytes,
      contentType: exchange.response.headers.get('content-type'),
      dockerContentDigest: exchange.response.headers.get('docker-content-digest'),
    });
  }

  /**
   * The manifest's digest, media type and size from a HEAD. When the registry leaves one of
   * them out (or says something unusable) the manifest is fetched and verified instead.
   */
  async headManifest(image: ImageKey, reference: string): Promise<UpstreamHead | null> {
    const repository = this.repositoryOf(image);
    const name = manifestName(repository, reference);
    const exchange = await this.send(repository, this.manifestUrl(repository, reference), 'HEAD', 'manifestHead');
    const { response, label } = exchange;
    if (response.status !== 200) return this.failed(exchange, `manifest ${name}`);
    this.transport.discard(exchange);
    const digest = response.headers.get('docker-content-digest')?.trim() ?? '';
    const mediaType = mediaTypeEssence(response.headers.get('content-type') ?? '');
    const size = Number(response.headers.get('content-length') ?? NaN);
    const usable =
      digest.startsWith('sha256:') &&
      isValidDigest(digest) &&
      (isIndexMediaType(mediaType) || isImageManifestMediaType(mediaType)) &&
      Number.isSafeInteger(size) &&
      size > 0;
    if (usable) {
      if (reference.startsWith('sha256:') && digest !== reference) {
        throw new RegistryError('BAD_GATEWAY', `${label} answered HEAD of manifest ${name} with digest ${digest}`, {
          expected: reference,
          actual: digest,
        });
      }
      return { digest, mediaType, size };
    }
    const manifest = await this.getManifest(image, reference);
    return manifest && { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.byteLength };
  }

  /**
   * Where the blob is. A redirect (to S3, R2, a CDN) is handed back as its absolute http(s)
   * target, which carries no user information; the client fetches it itself, without our
   * Authorization. A blob the registry serves itself (200, 206, or 416 for a bad `range`) is
   * handed back unread, its body streaming; only its headers are under the deadline.
   */
  async getBlob(
    image: ImageKey,
    digest: string,
    init: { method: 'GET' | 'HEAD'; range?: string | null },
  ): Promise<UpstreamBlob | null> {
    const repository = this.repositoryOf(image);
    assertDigest(digest);
    const what = `blob ${repository}@${digest}`;
    const url = `${this.baseUrl}/v2/${repository}/blobs/${digest}`;
    const headers: Record<string, string> = {};
    if (init.range) headers['Range'] = init.range;
    const exchange = await this.authorized(repository, url, { method: init.method, headers }, 'other', false);
    const { response } = exchange;
    if (REDIRECT_STATUSES.includes(response.status)) {
      this.transport.discard(exchange);
      return { kind: 'redirect', location: redirectTarget(exchange, what) };
    }
    if (response.status === 200 || response.status === 206 || response.status === 416) {
      exchange.done();
      return { kind: 'stream', response };
    }
    return this.failed(exchange, what);
  }

  /** Every tag, following `Link: <…>; rel="next"` for at most MAX_TAG_PAGES pages. */
  async listTags(image: ImageKey): Promise<string[] | null> {
    const repository = this.repositoryOf(image);
    const what = `tags of ${repository}`;
    const request: OutgoingRequest = { method: 'GET', headers: { Accept: 'application/json' } };
    return listTagPages({
      transport: this.transport,
      first: `${this.baseUrl}/v2/${repository}/tags/list`,
      what,
      fetchPage: (url) => this.authorized(repository, url, request, 'other', true),
      failed: (exchange) => this.failed(exchange, what),
    });
  }

  /** A manifest request with the full Accept list, redirects followed. */
  private send(repository: string, url: string, method: 'GET' | 'HEAD', kind: UpstreamRequestKind): Promise<Exchange> {
    return this.authorized(repository, url, { method, headers: { Accept: MANIFEST_ACCEPT } }, kind, true);
  }

  /**
   * Sends `request` with the Authorization known for the registry, and on a 401 once more
   * with the answer to its challenge. A second 401 is UNAUTHORIZED / DENIED.
   */
  private async authorized(
    repository: string,
    url: string,
    request: OutgoingRequest,
    kind: UpstreamRequestKind,
    follow: boolean,
  ): Promise<Exchange> {
    const sent = await this.auth.upfront(repository, this.transport);
    const first = await this.transport.send(url, withAuthorization(request, sent?.header), { kind, follow });
    if (first.response.status !== 401) return first;
    const challenge = first.response.headers.get('www-authenticate');
    this.transport.discard(first);
    const retry = await this.auth.answer(challenge, repository, sent, this.transport);
    const second = await this.transport.send(url, withAuthorization(request, retry.header), { kind, follow });
    if (second.response.status !== 401) return second;
    this.transport.discard(second);
    throw this.auth.refused(repository, retry);
  }

  /** null for "not found" answers; else throws the RegistryError the status means. */
  private async failed(exchange: Exchange, what: string): Promise<null> {
    const { response } = exchange;
    if (response.status === 404) {
      this.transport.discard(exchange);
      return null;
    }
    const codes = await readErrorCodes(this.transport, exchange);
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      if (codes.some((code) => UNKNOWN_CODES.includes(code))) return null;
    }
    throw statusError({ label: exchange.label, what, now: this.transport.now() }, response, codes);
  }

  private manifestUrl(repository: string, reference: string): string {
    if (!isValidTag(reference)) assertDigest(reference);
    return `${this.baseUrl}/v2/${repository}/manifests/${reference}`;
  }

  /** The repository on this registry, validated (it goes into a URL path). */
  private repositoryOf(image: ImageKey): string {
    if (canonicalRegistryHost(image.registry) !== this.registry) {
      throw new RegistryError('UNKNOWN', `the client of ${this.registry} was asked about ${image.registry}`);
    }
    const { repository } = image;
    assertName(repository);
    return this.registry === DOCKER_HUB && !repository.includes('/') ? `library/${repository}` : repository;
  }
}

function withAuthorization(request: OutgoingRequest, header: string | undefined): OutgoingRequest {
  return header === undefined ? request : { ...request, headers: { ...request.headers, Authorization: header } };
}

function manifestName(repository: string, reference: string): string {
  return `${repository}${isValidTag(reference) ? ':' : '@'}${reference}`;
}

/** The redirect's absolute target; BAD_GATEWAY unless it is http(s) without user information. */
function redirectTarget(exchange: Exchange, what: string): string {
  const location = exchange.response.headers.get('location');
  let target: URL | undefined;
  try {
    target = location ? new URL(location, exchange.url) : undefined;
  } catch {
    target = undefined;
  }
  if (!target) throw new RegistryError('BAD_GATEWAY', `${exchange.label} redirected ${what} without a usable Location`);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new RegistryError('BAD_GATEWAY', `${exchange.label} redirected ${what} to a ${target.protocol} URL`);
  }
  if (target.username || target.password) {
    throw new RegistryError('BAD_GATEWAY', `${exchange.label} redirected ${what} to a URL with user information`);
  }
  return target.href;
}
