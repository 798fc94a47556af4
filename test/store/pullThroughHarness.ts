/**
 * A worker in pull-through mode for tests: a FakeOrigin for the registry `origin.test`, a clock
 * the test moves (no sleeping), fresh isolate memory, the real KV binding, and the Cache API on
 * or off. Repository names are unique per harness: KV and the Cache API outlive a test.
 */
import { createWorker } from '../../src/createWorker';
import { buildMultiPlatformImage, parsePlatformSpec, type BuiltImage } from '../../scripts/lib/ociLayout';
import type { Env } from '../../src/config/Env';
import { IsolateState } from '../../src/store/IsolateState';
import { call, type CallOptions } from '../helpers/worker';
import { FakeOrigin } from './FakeOrigin';

export const REGISTRY = 'origin.test';
export const T0 = Date.UTC(2030, 0, 1);

/** What containerd, skopeo and podman send: every index and manifest type. */
export const ACCEPT_ALL =
  'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

export const FRESHNESS = { TAG_TTL: '300', STALE_TTL: '3600', NEGATIVE_TTL: '30' };

let counter = 0;

export interface Harness {
  origin: FakeOrigin;
  isolate: IsolateState;
  clock: { now: number };
  /** `team/app-<unique>`, and the same with the registry in front as URLs name it. */
  repository: string;
  name: string;
  worker: ReturnType<typeof createWorker>;
  vars: Partial<Env>;
  /** Moves the clock on by `seconds`. */
  advance(seconds: number): void;
  /** Calls this harness's worker; `line` is e.g. `GET /v2/<name>/manifests/1.0`. */
  call(line: string, options?: CallOptions): Promise<Response>;
  /** Another isolate of the same deployment: same KV, origin and clock, its own memory. */
  otherIsolate(): Harness;
}

export function pullThroughHarness(options: { edgeCache: boolean; vars?: Partial<Env>; origin?: FakeOrigin; clock?: { now: number }; repository?: string }): Harness {
  const origin = options.origin ?? new FakeOrigin(REGISTRY);
  const clock = options.clock ?? { now: T0 };
  const isolate = new IsolateState(clock.now);
  const worker = createWorker({ upstreamFor: origin.factory, now: () => clock.now, isolate });
  const repository = options.repository ?? `team/app-${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  const vars: Partial<Env> = {
    UPSTREAMS: `${REGISTRY}=https://${REGISTRY}`,
    ...FRESHNESS,
    EDGE_CACHE: options.edgeCache ? 'on' : 'off',
    ...options.vars,
  };
  const harness: Harness = {
    origin,
    isolate,
    clock,
    repository,
    name: `${REGISTRY}/${repository}`,
    worker,
    vars,
    advance: (seconds) => {
      clock.now += seconds * 1000;
    },
    call: (line, callOptions = {}) => call(line, { ...callOptions, worker, vars: { ...vars, ...callOptions.vars } }),
    otherIsolate: () => pullThroughHarness({ ...options, origin, clock, repository }),
  };
  return harness;
}

/** Whether this runtime's Cache API keeps what is put in it (workerd's local one does; workers.dev's does not). */
export async function cacheApiWorks(): Promise<boolean> {
  const url = `https://manifest-cache.internal/probe/${crypto.randomUUID()}`;
  await caches.default.put(url, new Response('probe', { headers: { 'Cache-Control': 'max-age=60' } }));
  const found = await caches.default.match(url);
  await found?.body?.cancel();
  return found !== undefined;
}

/** `X-Edge-Cost` as the worker writes it. */
export function edgeCost(cost: { kvReads?: number; kvWrites?: number; cacheHits?: number; upstream?: number; tokens?: number }): string {
  const { kvReads = 0, kvWrites = 0, cacheHits = 0, upstream = 0, tokens = 0 } = cost;
  return `kv-reads=${kvReads}; kv-writes=${kvWrites}; cache-hits=${cacheHits}; upstream=${upstream}; tokens=${tokens}`;
}

/** `team/app` in two versions: v1 for linux/amd64 and linux/arm64/v8, v2 adding linux/arm/v7. */
export async function twoVersions(): Promise<{ v1: BuiltImage; v2: BuiltImage }> {
  const platforms = ['linux/amd64', 'linux/arm64/v8'].map(parsePlatformSpec);
  const v1 = await buildMultiPlatformImage({ platforms, repository: 'team/app' });
  const v2 = await buildMultiPlatformImage({ platforms: [...platforms, parsePlatformSpec('linux/arm/v7')], repository: 'team/app' });
  return { v1, v2 };
}
