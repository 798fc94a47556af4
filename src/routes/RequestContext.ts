/** What every route handler receives besides the request: configuration and services. */
import type { PullAccess } from '../auth/PullAccess';
import type { Config } from '../config/config';
import type { ImageStore } from '../store/ImageStore';
import type { IsolateState } from '../store/IsolateState';
import type { RequestMetrics } from '../store/RequestMetrics';
import type { Upstream } from '../upstream/Upstream';

/**
 * Builds the origin registry client of a registry host for one request, counting into
 * `metrics`; undefined when `config.upstreams` has no entry for the host (KV only).
 */
export type UpstreamFactory = (registry: string, config: Config, options: { metrics: RequestMetrics }) => Upstream | undefined;

export interface RequestContext {
  /** The request's URL, parsed once: routes read its query and host here. */
  url: URL;
  config: Config;
  /** Every image read and write: memory → Cache API → KV → origin (src/store/ImageStore.ts). */
  images: ImageStore;
  /** The origin registry of a registry host, for blobs; undefined when none is configured. */
  upstream: (registry: string) => Upstream | undefined;
  /** The clock, ms since the epoch; injectable so tests need not sleep. */
  now: () => number;
  /** This isolate's memory and running totals (`GET /admin/metrics`). */
  isolate: IsolateState;
  /** Who this request may pull from; remembers whether it was served private content. */
  access: PullAccess;
}
