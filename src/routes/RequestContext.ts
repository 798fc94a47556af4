/** What every route handler receives besides the request: configuration and services. */
import type { PullAccess } from '../auth/PullAccess';
import type { Config } from '../config/config';
import type { Env } from '../config/Env';
import type { ManifestSource } from '../resolve/ManifestSource';
import type { BinaryKV } from '../store/BinaryKV';
import type { IsolateState } from '../store/IsolateState';
import type { ManifestStore } from '../store/ManifestStore';
import type { PullThroughSource } from '../store/PullThroughSource';
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
  env: Env;
  config: Config;
  /** The KV store itself, for writes (admin) and listings. */
  store: ManifestStore;
  /** Where reads go: the pull-through source (KV only for registries without an origin). */
  source: ManifestSource;
  /** The same source, for what only it does: forced refreshes. */
  pullThrough: PullThroughSource;
  /** The origin registry of a registry host, or undefined when none is configured. */
  upstream: (registry: string) => Upstream | undefined;
  /** The KV binding, counted in `metrics`. */
  kv: BinaryKV;
  /** The clock, ms since the epoch; injectable so tests need not sleep. */
  now: () => number;
  /** What this request cost so far (the `X-Edge-Cost` header). */
  metrics: RequestMetrics;
  /** This isolate's memory: in-flight work, backoffs, running totals. */
  isolate: IsolateState;
  /** Who this request may pull from; remembers whether it was served private content. */
  access: PullAccess;
  /** Runs work after the response, kept alive with `ctx.waitUntil`. */
  defer: (task: () => Promise<unknown>) => void;
  ctx: ExecutionContext;
}
