/**
 * Test helper: an in-memory origin registry and token server behind an injectable `fetch`,
 * emulating what RegistryClient talks to (distribution-spec pull API; Docker token
 * authentication spec, including Docker Hub's habits):
 *
 * - `https://registry.test/v2/…` serves manifests (GET/HEAD, Docker-Content-Digest), blobs
 *   (307 to `https://storage.test/…`, or served with Range support) and paginated tags/list;
 * - auth `basic` answers 401 `Basic realm="Registry Realm"` like docker-registry with htpasswd;
 * - auth `bearer` answers 401 with a Docker Hub-shaped challenge whose scope asks for
 *   `pull,push`, and `https://auth.test/token` issues tokens (anonymous ones for private
 *   repositories grant nothing, as on Docker Hub; wrong credentials get 401);
 * - it honours `init.signal` like the real fetch, and logs every request it sees.
 *
 * The integration suite checks the same behaviour against a real docker-registry.
 */
import { sha256Digest } from '../../src/oci/digest';

export const REGISTRY_URL = 'https://registry.test';
export const REALM = 'https://auth.test/token';
export const SERVICE = 'registry.test';
export const STORAGE_URL = 'https://storage.test';

export interface FakeRegistryOptions {
  auth?: 'none' | 'basic' | 'bearer';
  /** Users known to the registry / token server: name → password. */
  users?: Record<string, string>;
  /** Repositories that only authenticated users may pull (bearer mode). */
  privateRepositories?: string[];
  /** `expires_in` of issued tokens; left out of the response when undefined. */
  expiresIn?: number;
  /** Which field the token response uses. */
  tokenField?: 'token' | 'access_token';
  /** Tags per page of tags/list; one page when unset. */
  tagsPerPage?: number;
  /** How blobs are served. */
  blobs?: 'redirect' | 'serve';
  /** Answers a request before the registry does, when it returns a Response (or a promise of one). */
  intercept?: (request: Request) => Response | Promise<Response> | undefined;
}

export interface LoggedRequest {
  method: string;
  url: string;
  authorization: string | null;
  accept: string | null;
  range: string | null;
  redirect: string | undefined;
}

interface StoredManifest {
  bytes: Uint8Array;
  contentType: string;
  digest: string;
}

export class FakeRegistry {
  /** The clock of tokens, ms; tests move it and give the same clock to the client. */
  now = 1_700_000_000_000;
  readonly requests: LoggedRequest[] = [];
  /** The scopes asked of the token server, in order. */
  readonly tokenScopes: string[] = [];
  readonly issuedTokens: string[] = [];
  readonly manifests = new Map<string, StoredManifest>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly tags = new Map<string, string[]>();
  private readonly grants = new Map<string, { repositories: string[]; expiresAt: number }>();

  constructor(readonly options: FakeRegistryOptions = {}) {}

  /** The injectable fetch. */
  readonly fetch: typeof fetch = (input, init) => {
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const answer = this.handle(String(input instanceof Request ? input.url : input), init);
    if (!signal) return answer;
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      answer.then(resolve, reject);
    });
  };

  /** The clock for the client. */
  readonly clock = (): number => this.now;

  /** Requests to the registry (not the token server or storage). */
  get registryRequests(): LoggedRequest[] {
    return this.requests.filter((r) => r.url.startsWith(REGISTRY_URL));
  }

  /** Invalidates every token issued so far (as a token server whose signing key changed). */
  revokeTokens(): void {
    this.grants.clear();
  }

  /** Stores a manifest under `tag` and its digest. */
  async putManifest(repository: string, tag: string | undefined, json: unknown, contentType?: string): Promise<StoredManifest> {
    const bytes = typeof json === 'string' ? new TextEncoder().encode(json) : new TextEncoder().encode(JSON.stringify(json));
    const type = contentType ?? (json as { mediaType?: string }).mediaType ?? 'application/json';
    const manifest = { bytes, contentType: type, digest: await sha256Digest(bytes) };
    if (tag !== undefined) this.manifests.set(`${repository}:${tag}`, manifest);
    this.manifests.set(`${repository}@${manifest.digest}`, manifest);
    const tags = this.tags.get(repository) ?? [];
    if (tag !== undefined && !tags.includes(tag)) tags.push(tag);
    this.tags.set(repository, tags);
    return manifest;
  }

  private async handle(url: string, init: RequestInit | undefined): Promise<Response> {
    const request = new Request(url, { method: init?.method ?? 'GET', headers: init?.headers });
    this.requests.push({
      method: request.method,
      url,
      authorization: request.headers.get('authorization'),
      accept: request.headers.get('accept'),
      range: request.headers.get('range'),
      redirect: init?.redirect,
    });
    const intercepted = this.options.intercept?.(request);
    if (intercepted) return intercepted;
    const { origin, pathname } = new URL(url);
    if (url.startsWith(REALM)) return this.token(request);
    if (origin !== REGISTRY_URL || !pathname.startsWith('/v2/')) return new Response('no such host', { status: 502 });
    const route = /^\/v2\/(.+)\/(manifests|blobs|tags)\/([^/]+)$/.exec(pathname);
    if (!route) return errors(404, 'NOT_FOUND');
    const [, repository, kind, reference] = route as unknown as [string, string, string, string];
    const denied = this.authenticate(request, repository);
    if (denied) return denied;
    if (kind === 'manifests') return this.manifest(request, repository, reference);
    if (kind === 'blobs') return this.blob(request, reference);
    return this.tagList(request, repository);
  }

  private authenticate(request: Request, repository: string): Response | undefined {
    const mode = this.options.auth ?? 'none';
    const authorization = request.headers.get('authorization') ?? '';
    if (mode === 'basic') {
      if (this.basicUser(authorization) !== undefined) return undefined;
      return errors(401, 'UNAUTHORIZED', { 'WWW-Authenticate': 'Basic realm="Registry Realm"' });
    }
    if (mode === 'bearer') {
      const grant = this.grants.get(authorization.replace(/^Bearer /, ''));
      if (grant && grant.expiresAt > this.now && grant.repositories.includes(repository)) return undefined;
      const error = authorization ? ',error="insufficient_scope"' : '';
      return errors(401, 'UNAUTHORIZED', {
        'WWW-Authenticate': `Bearer realm="${REALM}",service="${SERVICE}",scope="repository:${repository}:pull,push"${error}`,
      });
    }
    return undefined;
  }

  /** The user of a valid Basic Authorization; '' for none given, undefined for wrong ones. */
  private basicUser(authorization: string): string | undefined {
    if (!authorization.startsWith('Basic ')) return undefined;
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(authorization.slice(6)), (c) => c.charCodeAt(0)));
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    return this.options.users?.[user] === decoded.slice(colon + 1) ? user : undefined;
  }

  private token(request: Request): Response {
    const params = new URL(request.url).searchParams;
    const scope = params.get('scope') ?? '';
    this.tokenScopes.push(scope);
    if (params.get('service') !== SERVICE) return Response.json({ details: 'bad service' }, { status: 400 });
    const authorization = request.headers.get('authorization');
    const user = authorization ? this.basicUser(authorization) : '';
    if (user === undefined) return Response.json({ details: 'incorrect username or password' }, { status: 401 });
    const [, repository, actions] = /^repository:(.+):([a-z,*]+)$/.exec(scope) ?? [];
    const privateRepository = this.options.privateRepositories?.includes(repository ?? '') ?? false;
    const granted = repository && actions?.split(',').includes('pull') && (user !== '' || !privateRepository);
    const token = `tok-${this.issuedTokens.length + 1}-${crypto.randomUUID()}`;
    this.issuedTokens.push(token);
    const expiresIn = this.options.expiresIn;
    this.grants.set(token, {
      repositories: granted ? [repository] : [],
      expiresAt: this.now + (expiresIn ?? 60) * 1000,
    });
    return Response.json({
      [this.options.tokenField ?? 'token']: token,
      ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}),
      issued_at: new Date(this.now).toISOString(),
    });
  }

  private manifest(request: Request, repository: string, reference: string): Response {
    const separator = reference.includes(':') ? '@' : ':';
    const manifest = this.manifests.get(`${repository}${separator}${reference}`);
    if (!manifest) return errors(404, 'MANIFEST_UNKNOWN');
    const headers = {
      'Content-Type': manifest.contentType,
      'Docker-Content-Digest': manifest.digest,
      'Content-Length': String(manifest.bytes.byteLength),
    };
    return new Response(request.method === 'HEAD' ? null : manifest.bytes, { headers });
  }

  private blob(request: Request, digest: string): Response {
    const blob = this.blobs.get(digest);
    if (!blob) return errors(404, 'BLOB_UNKNOWN');
    if (this.options.blobs !== 'serve') {
      return new Response(null, { status: 307, headers: { Location: `${STORAGE_URL}/blobs/${digest}?X-Amz-Signature=s1g` } });
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.get('range') ?? '');
    const body = request.method === 'HEAD' ? null : blob;
    if (!range) {
      return new Response(body, { headers: { 'Content-Length': String(blob.byteLength), 'Docker-Content-Digest': digest } });
    }
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), blob.byteLength - 1);
    return new Response(body && blob.slice(start, end + 1), {
      status: 206,
      headers: { 'Content-Range': `bytes ${start}-${end}/${blob.byteLength}`, 'Content-Length': String(end - start + 1) },
    });
  }

  private tagList(request: Request, repository: string): Response {
    const tags = this.tags.get(repository);
    if (!tags) return errors(404, 'NAME_UNKNOWN');
    const params = new URL(request.url).searchParams;
    const sorted = [...tags].sort();
    const last = params.get('last');
    const rest = last === null ? sorted : sorted.filter((tag) => tag > last);
    const n = Number(params.get('n') ?? this.options.tagsPerPage ?? rest.length);
    const page = rest.slice(0, n);
    const headers: Record<string, string> = {};
    if (rest.length > n) headers['Link'] = `</v2/${repository}/tags/list?last=${page.at(-1)}&n=${n}>; rel="next"`;
    return Response.json({ name: repository, tags: page }, { headers });
  }
}

/** A distribution-spec error response. */
export function errors(status: number, code: string, headers: Record<string, string> = {}): Response {
  return Response.json({ errors: [{ code, message: code.toLowerCase().replace(/_/g, ' ') }] }, { status, headers });
}

/** A small valid OCI index with one linux/amd64 entry. */
export function ociIndex(childDigest = `sha256:${'a'.repeat(64)}`): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: childDigest,
        size: 1234,
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ],
  };
}

/** A small valid Docker image manifest. */
export function dockerManifest(): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 7 },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: `sha256:${'d'.repeat(64)}`, size: 9 }],
  };
}
