/**
 * Authentication with one origin registry (Docker registry token authentication
 * specification; RFC 7235 challenges; RFC 7617 Basic). It remembers what the registry asked
 * for, so that after the first 401 every request carries its `Authorization` up front:
 *
 * - a `Bearer` challenge → a pull token for the repository from the challenge's realm
 *   (anonymous, or with the configured credentials), kept in a TokenCache per
 *   (realm, service, scope, credentials identity) until shortly before it expires;
 * - a `Basic` challenge (docker-registry with htpasswd) → the configured credentials.
 *
 * A 401 to a request that carried a fresh answer to the same challenge is final: UNAUTHORIZED
 * when no credentials are configured, DENIED when they were refused. A stale (cached) token
 * that is refused is forgotten and replaced once.
 */
import { sha256Digest } from '../oci/digest';
import { RegistryError } from '../oci/RegistryError';
import { basicAuthorization, type Credentials } from './basicAuthorization';
import { fetchToken, pullScope } from './fetchToken';
import { parseWwwAuthenticate } from './parseWwwAuthenticate';
import { TokenCache } from './TokenCache';
import type { UpstreamTransport } from './UpstreamTransport';

/** The `Authorization` sent with a request, kept to judge the registry's answer to it. */
export type SentAuthorization =
  | { scheme: 'basic'; header: string }
  | { scheme: 'bearer'; header: string; key: string; fresh: boolean; realm: string; service: string | undefined };

/** Options of a RegistryAuth. */
export interface RegistryAuthOptions {
  /** The registry host, for messages: `docker.io`. */
  registry: string;
  /** The registry's base URL (UpstreamConfig.baseUrl). */
  baseUrl: string;
  credentials?: Credentials;
  /** Where tokens are kept; a cache of its own by default. */
  tokens?: TokenCache;
}

type KnownChallenge = { scheme: 'basic' } | { scheme: 'bearer'; realm: string; service: string | undefined };

export class RegistryAuth {
  readonly registry: string;
  readonly baseUrl: string;
  readonly tokens: TokenCache;
  private readonly credentials: Credentials | undefined;
  private known: KnownChallenge | undefined;
  // A string, not a promise: the instance outlives requests, and workerd ties promises to one.
  private identity: string | undefined;

  constructor(options: RegistryAuthOptions) {
    this.registry = options.registry;
    this.baseUrl = options.baseUrl;
    this.credentials = options.credentials;
    this.tokens = options.tokens ?? new TokenCache();
  }

  /**
   * The `Authorization` to send before any 401, once the registry's challenge is known: Basic
   * credentials, or a cached token (a new one is fetched when the cached one has expired).
   */
  async upfront(repository: string, transport: UpstreamTransport): Promise<SentAuthorization | undefined> {
    const known = this.known;
    if (known?.scheme === 'basic') return this.credentials ? this.basic() : undefined;
    if (known?.scheme === 'bearer') return this.bearer(known, repository, transport, false);
    return undefined;
  }

  /**
   * The `Authorization` to retry with after a 401 carrying `challenge` (the WWW-Authenticate
   * value) to a request that carried `sent`. Throws UNAUTHORIZED / DENIED when no retry can
   * succeed, and what fetching a token throws.
   */
  async answer(
    challenge: string | null,
    repository: string,
    sent: SentAuthorization | undefined,
    transport: UpstreamTransport,
  ): Promise<SentAuthorization> {
    const challenges = parseWwwAuthenticate(challenge ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params['realm']);
    if (bearer) {
      const { realm, service } = bearer.params;
      const known: KnownChallenge = { scheme: 'bearer', realm: realm!, service };
      this.known = known;
      if (sent?.scheme === 'bearer' && sent.fresh && sent.realm === known.realm && sent.service === known.service) {
        throw this.refused(repository, sent);
      }
      if (sent?.scheme === 'bearer') this.tokens.delete(sent.key);
      return this.bearer(known, repository, transport, true);
    }
    const basic = challenges.some((c) => c.scheme === 'basic');
    if (basic || challenges.length === 0) {
      if (basic) this.known = { scheme: 'basic' };
      if (!this.credentials || sent?.scheme === 'basic') throw this.refused(repository, sent);
      return this.basic();
    }
    const schemes = challenges.map((c) => c.scheme).join(', ');
    throw new RegistryError(
      'UNAUTHORIZED',
      `upstream ${this.registry} asks for authentication this worker does not support (${schemes})`,
    );
  }

  /**
   * The error for a final 401 to a request that carried `sent` (whose token is forgotten):
   * UNAUTHORIZED without credentials, DENIED with.
   */
  refused(repository: string, sent: SentAuthorization | undefined): RegistryError {
    if (sent?.scheme === 'bearer') this.tokens.delete(sent.key);
    if (!this.credentials) {
      return new RegistryError(
        'UNAUTHORIZED',
        `upstream ${this.registry} requires authentication for repository ${repository} ` +
          `(or it does not exist there), and no credentials are configured for ${this.registry} in UPSTREAM_CREDENTIALS`,
      );
    }
    return new RegistryError(
      'DENIED',
      `upstream ${this.registry} refused user ${JSON.stringify(this.credentials.username)} access to repository ` +
        `${repository}: wrong credentials, or no pull permission`,
    );
  }

  private basic(): SentAuthorization {
    return { scheme: 'basic', header: basicAuthorization(this.credentials!) };
  }

  private async bearer(
    known: Extract<KnownChallenge, { scheme: 'bearer' }>,
    repository: string,
    transport: UpstreamTransport,
    fresh: boolean,
  ): Promise<SentAuthorization> {
    const { realm, service } = known;
    const key = [realm, service ?? '', pullScope(repository), await this.identityOf()].join('\n');
    const cached = fresh ? undefined : this.tokens.get(key, transport.now());
    if (cached !== undefined) {
      return { scheme: 'bearer', header: `Bearer ${cached}`, key, fresh: false, realm, service };
    }
    const askedAt = transport.now();
    const issued = await fetchToken(transport, {
      realm,
      service,
      repository,
      baseUrl: this.baseUrl,
      credentials: this.credentials,
    });
    this.tokens.set(key, issued.token, issued.expiresInSeconds, askedAt);
    return { scheme: 'bearer', header: `Bearer ${issued.token}`, key, fresh: true, realm, service };
  }

  /** Who the tokens are for: `anonymous`, or the user and a hash of the credentials. */
  private async identityOf(): Promise<string> {
    if (this.identity === undefined) {
      const credentials = this.credentials;
      const secret = credentials && new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
      this.identity = credentials && secret ? `user ${credentials.username} ${await sha256Digest(secret)}` : 'anonymous';
    }
    return this.identity;
  }
}
