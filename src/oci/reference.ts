/**
 * Image names and references as users and clients write them (docs/architecture.md, "The HTTP
 * surface", names; the normalization rules of docker's distribution/reference
 * `ParseNormalizedNamed`).
 *
 * | input                         | registry        | repository        | tag / digest  |
 * | ----------------------------- | --------------- | ----------------- | ------------- |
 * | `golang`                      | `docker.io`     | `library/golang`  | `latest`      |
 * | `user/app:v1`                 | `docker.io`     | `user/app`        | `v1`          |
 * | `docker.io/golang`            | `docker.io`     | `library/golang`  | `latest`      |
 * | `index.docker.io/x/y`         | `docker.io`     | `x/y`             | `latest`      |
 * | `ghcr.io/owner/app@sha256:…`  | `ghcr.io`       | `owner/app`       | digest        |
 * | `LOCALHOST:5000/z:tag`        | `localhost:5000`| `z`               | `tag`         |
 *
 * Without a host the configured default registry is used; `library/` is added to one-part
 * names on Docker Hub only. A tag's `:` is the last `:` after the last `/`, so the port in
 * `localhost:5000/app` is never mistaken for a tag.
 */
import { assertDigest, assertName, assertTag, MAX_NAME_LENGTH, quote } from './grammar';
import { canonicalRegistryHost, DOCKER_HUB, looksLikeRegistryHost, normalizeRegistryHost } from './registryHost';
import { RegistryError } from './RegistryError';

/** A repository on a registry: what storage keys and origin requests name. */
export interface ImageKey {
  /** Lower-cased registry `host[:port]`; Docker Hub is always `docker.io`. */
  registry: string;
  /** The repository on that registry, e.g. `library/golang`. */
  repository: string;
}

/** A repository on a registry. */
export interface ImageName {
  /** Lower-cased registry `host[:port]`; Docker Hub is always `docker.io`. */
  registry: string;
  /** The repository on that registry, e.g. `library/golang`. */
  repository: string;
  /** The name as given in the URL, e.g. `golang`. */
  name: string;
}

/** An image name with a tag and/or digest, as the resolve API takes it. */
export interface ImageReference {
  image: ImageName;
  /** The tag: `latest` when neither tag nor digest was given; kept for information beside a digest. */
  tag?: string;
  /** The digest, when given; it wins over the tag. */
  digest?: string;
  /** What to look up on the registry: the digest if given, else the tag. */
  reference: string;
}

/** Options for parsing names. */
export interface ParseNameOptions {
  /** The registry for names without a host, e.g. `docker.io`. */
  defaultRegistry: string;
}

/**
 * Parses a repository name, optionally starting with a registry host, into registry and
 * repository. Throws NAME_INVALID.
 * @example parseImageName('golang', { defaultRegistry: 'docker.io' })
 * // → { registry: 'docker.io', repository: 'library/golang', name: 'golang' }
 */
export function parseImageName(path: string, opts: ParseNameOptions): ImageName {
  // Clients name the same few repositories again and again: each valid name's parse is kept
  // (frozen), at most PARSED_NAMES_MAX of them, each key at most a registry and MAX_NAME_LENGTH.
  const key = `${opts.defaultRegistry}\n${path}`;
  const kept = parsedNames.get(key);
  if (kept) return kept;
  const image = Object.freeze(parseName(path, opts));
  if (parsedNames.size >= PARSED_NAMES_MAX) parsedNames.clear();
  parsedNames.set(key, image);
  return image;
}

const PARSED_NAMES_MAX = 256;
const parsedNames = new Map<string, ImageName>();

function parseName(path: string, opts: ParseNameOptions): ImageName {
  if (path.length > MAX_NAME_LENGTH) {
    throw new RegistryError(
      'NAME_INVALID',
      `invalid repository name ${quote(path)}: longer than ${MAX_NAME_LENGTH} characters (${path.length})`,
    );
  }
  const slash = path.indexOf('/');
  const first = path.slice(0, slash);
  let registry: string;
  let repository: string;
  if (slash !== -1 && looksLikeRegistryHost(first)) {
    registry = normalizeRegistryHost(first);
    repository = path.slice(slash + 1);
  } else {
    registry = canonicalRegistryHost(opts.defaultRegistry);
    repository = path;
  }
  assertName(repository);
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, name: path };
}

/**
 * Parses `<name>`, `<name>:<tag>`, `<name>@<digest>` or `<name>:<tag>@<digest>`.
 * The tag defaults to `latest` when neither is given. Throws NAME_INVALID, TAG_INVALID or
 * DIGEST_INVALID.
 * @example parseReference('localhost:5000/app:v1', { defaultRegistry: 'docker.io' })
 * // → { image: { registry: 'localhost:5000', repository: 'app', name: 'localhost:5000/app' },
 * //     tag: 'v1', reference: 'v1' }
 */
export function parseReference(ref: string, opts: ParseNameOptions): ImageReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    assertDigest(digest);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    assertTag(tag);
  }
  const image = parseImageName(rest, opts);
  if (digest !== undefined) {
    return tag === undefined ? { image, digest, reference: digest } : { image, tag, digest, reference: digest };
  }
  tag ??= 'latest';
  return { image, tag, reference: tag };
}

/**
 * The canonical `registry/repository` form.
 * @example formatImageName({ registry: 'docker.io', repository: 'library/golang', name: 'golang' })
 * // → 'docker.io/library/golang'
 */
export function formatImageName(image: ImageName): string {
  return `${image.registry}/${image.repository}`;
}

/**
 * The canonical form of a reference: `registry/repository[:tag][@digest]`.
 * @example formatReference(parseReference('golang', opts)) // → 'docker.io/library/golang:latest'
 */
export function formatReference(ref: ImageReference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${formatImageName(ref.image)}${tag}${digest}`;
}

/**
 * The short form users type: without the default registry, and without `library/` on
 * Docker Hub. It always parses back to the same registry and repository.
 * @example familiarName({ registry: 'docker.io', repository: 'library/golang', name: '…' }) // → 'golang'
 * @example familiarName({ registry: 'ghcr.io', repository: 'owner/app', name: '…' }) // → 'ghcr.io/owner/app'
 */
export function familiarName(image: ImageName, opts: Partial<ParseNameOptions> = {}): string {
  const defaultRegistry = canonicalRegistryHost(opts.defaultRegistry ?? DOCKER_HUB);
  if (image.registry !== defaultRegistry) return formatImageName(image);
  const { repository } = image;
  const slash = repository.indexOf('/');
  // A first component such as `foo.bar` would be read back as a host: keep the registry.
  if (slash !== -1 && looksLikeRegistryHost(repository.slice(0, slash))) return formatImageName(image);
  if (image.registry === DOCKER_HUB && repository.startsWith('library/') && slash === repository.lastIndexOf('/')) {
    return repository.slice('library/'.length);
  }
  return repository;
}
