/**
 * An in-memory origin registry for the pull-through suite: it holds images pushed into it,
 * answers the `Upstream` interface, counts every call, and can be switched to fail the ways a
 * real registry cannot be made to on demand (503, 429 with Retry-After, a timeout, bytes that
 * do not match their digest; refused by the same verification the RegistryClient uses). Like the RegistryClient, it counts its requests into the
 * metrics object it is built with. Real registries are the integration tests' business.
 */
import type { Config } from '../../src/config/config';
import { RegistryError } from '../../src/oci/RegistryError';
import type { RequestMetrics } from '../../src/store/RequestMetrics';
import type { ImageKey } from '../../src/oci/reference';
import type { Upstream, UpstreamBlob, UpstreamHead, UpstreamManifest } from '../../src/upstream/Upstream';
import { verifyUpstreamManifest } from '../../src/upstream/verifyUpstreamManifest';
import type { BuiltImage } from '../../scripts/lib/ociLayout';

export interface BlobInit {
  method: 'GET' | 'HEAD';
  range?: string | null;
}

export type Fault = 'unavailable' | 'rate-limited' | 'timeout' | 'wrong-bytes';

interface Stored {
  bytes: Uint8Array;
  mediaType: string;
}

export class FakeOrigin {
  /** `repository:tag` → digest. */
  private readonly tags = new Map<string, string>();
  /** `repository@digest` → manifest. */
  private readonly manifests = new Map<string, Stored>();
  /** `repository@digest` → blob answer. */
  readonly blobs = new Map<string, UpstreamBlob | ((init: BlobInit) => UpstreamBlob)>();
  /** Every call, as `GET repo:ref`, `HEAD repo:ref`, `BLOB repo@digest`, `TAGS repo`. */
  readonly calls: string[] = [];
  fault: Fault | null = null;
  retryAfterSeconds = 30;
  /** Runs inside every call, before it answers: lets a test act "while the origin is asked". */
  onCall: ((call: string) => Promise<void> | void) | undefined;

  constructor(readonly registry: string) {}

  /** The UpstreamFactory to give createWorker: this origin for its registry when configured. */
  readonly factory = (registry: string, config: Config, options: { metrics: RequestMetrics }): Upstream | undefined =>
    registry === this.registry && config.upstreams[registry] ? this.client(options.metrics) : undefined;

  /** Puts an index and its manifests (not blobs) under `repository:tag`. */
  push(repository: string, tag: string, image: BuiltImage): void {
    this.tags.set(`${repository}:${tag}`, image.index.digest);
    this.manifests.set(`${repository}@${image.index.digest}`, { bytes: image.index.bytes, mediaType: image.index.mediaType });
    for (const child of image.children) {
      for (const d of [child.manifest, child.attestation]) {
        if (d) this.manifests.set(`${repository}@${d.digest}`, { bytes: image.blobs.get(d.digest)!, mediaType: d.mediaType });
      }
    }
  }

  untag(repository: string, tag: string): void {
    this.tags.delete(`${repository}:${tag}`);
  }

  /** How many calls start with `prefix` (`GET team/app:1.0`, `HEAD`, `GET team/app@`). */
  count(prefix: string): number {
    return this.calls.filter((call) => call.startsWith(prefix)).length;
  }

  private client(metrics: RequestMetrics): Upstream {
    const origin = this;
    const enter = async (call: string, kind?: 'manifestGets' | 'manifestHeads') => {
      origin.calls.push(call);
      metrics.upstreamRequests++;
      if (kind) metrics[kind]++;
      await origin.onCall?.(call);
      origin.failIfFaulty();
    };
    return {
      async getManifest(image: ImageKey, reference: string): Promise<UpstreamManifest | null> {
        await enter(`GET ${origin.ref(image, reference)}`, 'manifestGets');
        const found = origin.lookup(image, reference);
        if (!found) return null;
        const bytes = origin.fault === 'wrong-bytes' ? new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}') : found.bytes;
        // Verified on arrival exactly as the RegistryClient verifies what a real registry sends.
        return verifyUpstreamManifest({
          label: `upstream ${origin.registry}`,
          name: origin.ref(image, reference),
          reference,
          bytes,
          contentType: found.mediaType,
          dockerContentDigest: found.digest,
        });
      },
      async headManifest(image: ImageKey, reference: string): Promise<UpstreamHead | null> {
        await enter(`HEAD ${origin.ref(image, reference)}`, 'manifestHeads');
        const found = origin.lookup(image, reference);
        return found ? { digest: found.digest, mediaType: found.mediaType, size: found.bytes.byteLength } : null;
      },
      async getBlob(image: ImageKey, digest: string, init: BlobInit): Promise<UpstreamBlob | null> {
        await enter(`BLOB ${image.repository}@${digest}`);
        const blob = origin.blobs.get(`${image.repository}@${digest}`);
        if (!blob) return null;
        return typeof blob === 'function' ? blob(init) : blob;
      },
      async listTags(image: ImageKey): Promise<string[] | null> {
        await enter(`TAGS ${image.repository}`);
        const prefix = `${image.repository}:`;
        const tags = [...origin.tags.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
        return tags.length > 0 ? tags.reverse() : null;
      },
    };
  }

  private ref(image: ImageKey, reference: string): string {
    return `${image.repository}${reference.includes(':') ? '@' : ':'}${reference}`;
  }

  private lookup(image: ImageKey, reference: string): (Stored & { digest: string }) | undefined {
    const digest = reference.includes(':') ? reference : this.tags.get(`${image.repository}:${reference}`);
    const stored = digest === undefined ? undefined : this.manifests.get(`${image.repository}@${digest}`);
    return stored && digest ? { ...stored, digest } : undefined;
  }

  private failIfFaulty(): void {
    const upstream = `upstream ${this.registry}`;
    switch (this.fault) {
      case 'unavailable':
        throw new RegistryError('UNAVAILABLE', `${upstream} failed with 503`, { upstreamStatus: 503 });
      case 'timeout':
        throw new RegistryError('UNAVAILABLE', `${upstream} unreachable: no response within 10000 ms`);
      case 'rate-limited':
        throw new RegistryError(
          'TOOMANYREQUESTS',
          `${upstream} is rate limiting requests; retry after ${this.retryAfterSeconds} s`,
          { upstreamStatus: 429, retryAfter: this.retryAfterSeconds },
          { 'Retry-After': String(this.retryAfterSeconds) },
        );
      default:
    }
  }
}
