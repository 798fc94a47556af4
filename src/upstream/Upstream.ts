/**
 * What the pull-through layer needs from an origin registry (docs/architecture.md, "Request flow").
 * The RegistryClient implements it over `fetch`; tests may substitute fakes only for faults a real
 * registry cannot be made to produce.
 *
 * Every method throws RegistryError for failures: UNAUTHORIZED / DENIED (credentials),
 * TOOMANYREQUESTS (with Retry-After), UNAVAILABLE (connect failure, timeout, 5xx), BAD_GATEWAY
 * (an answer we refuse: digest mismatch, invalid manifest, redirect off the allowed hosts).
 */
import type { ImageKey } from '../oci/reference';
import type { VerifiedManifest } from '../oci/VerifiedManifest';

/** A manifest as an origin sent it, verified once on arrival (src/oci/VerifiedManifest.ts). */
export type UpstreamManifest = VerifiedManifest;

export interface UpstreamHead {
  digest: string;
  mediaType: string;
  size: number;
}

export type UpstreamBlob =
  /** The upstream redirected (e.g. to S3/R2/a CDN): hand the client this URL, no credentials in it. */
  | { kind: 'redirect'; location: string }
  /** The upstream serves the blob itself: stream this response through. */
  | { kind: 'stream'; response: Response };

export interface Upstream {
  /** GET a manifest by tag or digest with the full Accept list; null when the registry says 404. */
  getManifest(image: ImageKey, reference: string): Promise<UpstreamManifest | null>;
  /** HEAD a manifest (does not count against Docker Hub pull limits); null on 404. */
  headManifest(image: ImageKey, reference: string): Promise<UpstreamHead | null>;
  /** Where a blob is: a redirect target or a streamed body (`range` forwarded); null on 404. */
  getBlob(image: ImageKey, digest: string, init: { method: 'GET' | 'HEAD'; range?: string | null }): Promise<UpstreamBlob | null>;
  /** The repository's tags (all pages); null on 404. */
  listTags(image: ImageKey): Promise<string[] | null>;
}
