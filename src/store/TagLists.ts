/**
 * `tags/list` of a pulled-through registry (docs/architecture.md, "Tag lists"): the origin's list,
 * kept a minute in isolate memory and this data centre's Cache API, so a burst of listings costs
 * one origin request, and kept a day longer in the Cache API to answer, marked stale, while the
 * origin fails. A listing is not content worth a KV write: KV is not used.
 */
import type { ImageKey } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import type { Upstream } from '../upstream/Upstream';
import type { EdgeCache } from './EdgeCache';
import type { IsolateState } from './IsolateState';
import { edgeTagListUrl } from './keys';
import { ageSeconds, type CacheInfo } from './ManifestRecord';
import { asOriginError, explainOriginFailure } from './originFailure';
import type { RequestMetrics } from './RequestMetrics';

/** Seconds a listing is answered without asking the origin. */
export const TAG_LIST_TTL = 60;
/** Seconds a listing is kept to answer while the origin fails. */
const TAG_LIST_STALE_TTL = 24 * 3600;

export interface TagListing {
  /** Sorted, without duplicates. */
  tags: string[];
  cache: CacheInfo;
}

interface KeptList {
  tags: string[];
  storedAt: number;
}

export interface TagListsOptions {
  edge: EdgeCache;
  isolate: IsolateState;
  now: () => number;
  metrics: RequestMetrics;
}

export class TagLists {
  constructor(private readonly options: TagListsOptions) {}

  /** The repository's tags; null when the origin says it has no such repository. */
  list(image: ImageKey, origin: Upstream): Promise<TagListing | null> {
    const url = edgeTagListUrl(image);
    return this.options.isolate.flights.run(`tags ${url}`, () => this.lookup(image, origin, url));
  }

  private async lookup(image: ImageKey, origin: Upstream, url: string): Promise<TagListing | null> {
    const { isolate, now } = this.options;
    const kept = isolate.memory.get<KeptList>(url) ?? (await this.fromEdge(url));
    const at = now();
    const age = kept ? at - kept.storedAt : Infinity;
    if (kept && age < TAG_LIST_TTL * 1000) return { tags: kept.tags, cache: { state: 'hit', ageSeconds: ageSeconds(at, kept.storedAt) } };
    let listed: string[] | null;
    try {
      listed = await origin.listTags(image);
    } catch (err) {
      const error = asOriginError(err, image.registry);
      if (kept && age < TAG_LIST_STALE_TTL * 1000) {
        console.warn(`tags/list of ${image.registry}/${image.repository}: serving stale, origin failed: ${error.message}`);
        return { tags: kept.tags, cache: { state: 'stale', ageSeconds: ageSeconds(at, kept.storedAt), revalidationFailed: true } };
      }
      throw explainOriginFailure(error, `the tags of ${image.registry}/${image.repository} are not cached`);
    }
    if (listed === null) return null;
    const list: KeptList = { tags: [...new Set(listed)].sort(), storedAt: at };
    const body = new TextEncoder().encode(JSON.stringify(list.tags));
    isolate.memory.set(url, list, body.byteLength * 3);
    await this.options.edge.put(url, { body, meta: { 'stored-at': String(at) } }, TAG_LIST_STALE_TTL);
    return { tags: list.tags, cache: { state: 'miss', ageSeconds: 0 } };
  }

  private async fromEdge(url: string): Promise<KeptList | null> {
    const cached = await this.options.edge.get(url);
    const storedAt = Number(cached?.meta['stored-at']);
    if (!cached || !Number.isFinite(storedAt)) return null;
    try {
      const tags: unknown = JSON.parse(new TextDecoder().decode(cached.body));
      if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) return null;
      this.options.metrics.cacheHits++;
      const list = { tags, storedAt };
      this.options.isolate.memory.set(url, list, cached.body.byteLength * 3);
      return list;
    } catch {
      return null; // an unreadable entry is as good as none: the origin is asked again
    }
  }
}

/** NAME_UNKNOWN for a repository nobody has. */
export function unknownRepository(name: string): RegistryError {
  return new RegistryError('NAME_UNKNOWN', `repository name not known: ${name}`);
}
