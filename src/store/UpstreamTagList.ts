/**
 * `tags/list` of a pull-through registry (issue 3, item 2): the origin's list, cached in KV for
 * a minute (`v1:taglist:…`, see keys.ts) so a burst of listings costs one origin request, and
 * kept a day longer to answer, marked stale, while the origin fails.
 */
import { RegistryError } from '../oci/RegistryError';
import type { Upstream } from '../upstream/Upstream';
import type { BinaryKV } from './BinaryKV';
import type { IsolateState } from './IsolateState';
import { tagListKey, type ImageKey } from './keys';
import { ageSeconds, type CacheInfo } from './ManifestRecord';
import { asOriginError, explainOriginFailure } from './originFailure';

/** Seconds a listing is answered from KV without asking the origin. */
export const TAG_LIST_TTL = 60;
/** Seconds a listing is kept to answer while the origin fails. */
const TAG_LIST_STALE_TTL = 24 * 3600;

export interface TagListing {
  /** Sorted, without duplicates. */
  tags: string[];
  cache: CacheInfo;
}

interface TagListMetadata {
  storedAt: number;
}

export class UpstreamTagList {
  constructor(
    private readonly kv: BinaryKV,
    private readonly isolate: IsolateState,
    private readonly now: () => number,
  ) {}

  /** The repository's tags; null when the origin says it has no such repository. */
  list(image: ImageKey, upstream: Upstream): Promise<TagListing | null> {
    const key = tagListKey(image);
    return this.isolate.flights.run(`lookup ${key}`, () => this.lookup(image, upstream, key));
  }

  private async lookup(image: ImageKey, upstream: Upstream, key: string): Promise<TagListing | null> {
    const cached = await this.read(key);
    const now = this.now();
    const age = cached ? now - cached.storedAt : Infinity;
    if (cached && age < TAG_LIST_TTL * 1000) return { tags: cached.tags, cache: { state: 'hit', ageSeconds: ageSeconds(now, cached.storedAt) } };
    let listed: string[] | null;
    try {
      listed = await upstream.listTags(image);
    } catch (err) {
      const error = asOriginError(err, image.registry);
      if (cached && age < TAG_LIST_STALE_TTL * 1000) {
        console.warn(`tags/list of ${image.registry}/${image.repository}: serving stale, origin failed: ${error.message}`);
        return { tags: cached.tags, cache: { state: 'stale', ageSeconds: ageSeconds(now, cached.storedAt), revalidationFailed: true } };
      }
      throw explainOriginFailure(error, `the tags of ${image.registry}/${image.repository} are not cached`);
    }
    if (listed === null) return null;
    const tags = [...new Set(listed)].sort();
    try {
      const metadata: TagListMetadata = { storedAt: now };
      await this.kv.put(key, new TextEncoder().encode(JSON.stringify(tags)), { metadata, expirationTtl: TAG_LIST_STALE_TTL });
    } catch (err) {
      console.warn(`KV write of ${key} failed:`, err instanceof Error ? err.message : String(err));
    }
    return { tags, cache: { state: 'miss', ageSeconds: 0 } };
  }

  private async read(key: string): Promise<{ tags: string[]; storedAt: number } | null> {
    const { value, metadata } = await this.kv.getWithMetadata<TagListMetadata>(key, 'arrayBuffer');
    if (value === null || typeof metadata?.storedAt !== 'number') return null;
    try {
      const tags: unknown = JSON.parse(new TextDecoder().decode(value));
      if (Array.isArray(tags) && tags.every((tag) => typeof tag === 'string')) return { tags, storedAt: metadata.storedAt };
    } catch {
      // An unreadable entry is as good as none: the origin is asked again.
    }
    return null;
  }
}

/** NAME_UNKNOWN for a repository nobody has. */
export function unknownRepository(name: string): RegistryError {
  return new RegistryError('NAME_UNKNOWN', `repository name not known: ${name}`);
}
