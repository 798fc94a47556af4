/**
 * The worker with its services: builds each request's context (configuration, KV counted into
 * the request's metrics, the Cache API, the image store, origin clients) and hands the request to
 * the router (docs/architecture.md, "Request flow"). Every response gets `X-Edge-Cost` with what
 * it cost. `src/index.ts` exports `createWorker()`; tests make their own with a fake origin and a
 * clock.
 */
import { PullAccess } from './auth/PullAccess';
import { getConfig, type Config } from './config/config';
import type { Env } from './config/Env';
import { errorResponse } from './http/errorResponse';
import { withEdgeCost } from './http/withEdgeCost';
import { router } from './routes/router';
import type { RequestContext, UpstreamFactory } from './routes/RequestContext';
import { BackgroundTasks } from './store/BackgroundTasks';
import { CountingKV } from './store/CountingKV';
import { CacheApiEdgeCache, NO_EDGE_CACHE, type EdgeCache } from './store/EdgeCache';
import { ImageStore } from './store/ImageStore';
import { IsolateState } from './store/IsolateState';
import { committer, formatEdgeCost, zeroMetrics, type RequestMetrics } from './store/RequestMetrics';
import type { Upstream } from './upstream/Upstream';

export interface WorkerServices {
  /** Origin registry clients; none → every registry is KV only. */
  upstreamFor: UpstreamFactory;
  /** The clock, ms since the epoch. */
  now: () => number;
  /** Per-isolate memory; made on the first request when not given. */
  isolate?: IsolateState;
  /** The Cache API; `caches.default` when not given. */
  cache?: Cache;
}

const NO_UPSTREAMS: UpstreamFactory = () => undefined;

export function createWorker(overrides: Partial<WorkerServices> = {}) {
  const services: WorkerServices = { upstreamFor: NO_UPSTREAMS, now: () => Date.now(), ...overrides };
  return {
    async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
      let commit = (): void => undefined;
      // Background work commits what it counted into the isolate's totals as each piece ends.
      const background = new BackgroundTasks((promise) => ctx.waitUntil(promise.finally(() => commit())));
      let made: { context: RequestContext; metrics: RequestMetrics } | undefined;
      let response: Response;
      try {
        made = createRequestContext(request, env, services, background);
        made.context.isolate.totals.requests++;
        commit = committer(made.metrics, made.context.isolate.totals);
        response = await router.fetch(request, made.context);
      } catch (err) {
        response = errorResponse(err, request.method);
      }
      // The cost is what the response needed: stamped before background work starts.
      const costed = withEdgeCost(response, formatEdgeCost(made?.metrics ?? zeroMetrics()), made?.context.access.servedPrivate ?? false);
      commit();
      background.flush();
      return costed;
    },
  } satisfies ExportedHandler<Env>;
}

/**
 * The context of one request: its parsed URL, configuration (throws RegistryError UNKNOWN
 * naming a bad variable), KV counted into a fresh RequestMetrics, the image store. Tests that
 * call the router directly make theirs here.
 */
export function createRequestContext(
  request: Request,
  env: Env,
  services: Partial<WorkerServices> = {},
  background = new BackgroundTasks(() => undefined),
): { context: RequestContext; metrics: RequestMetrics } {
  const config = getConfig(env);
  const now = services.now ?? (() => Date.now());
  // Made on the first request: the clock does not run while a worker's global scope is evaluated.
  const isolate = (services.isolate ??= new IsolateState(now()));
  const metrics = zeroMetrics();
  const upstreamFor = services.upstreamFor ?? NO_UPSTREAMS;
  const clients = new Map<string, Upstream | undefined>();
  const upstream = (registry: string): Upstream | undefined => {
    if (!clients.has(registry)) clients.set(registry, upstreamFor(registry, config, { metrics }));
    return clients.get(registry);
  };
  const images = new ImageStore({
    kv: new CountingKV(env.MANIFESTS, metrics),
    edge: edgeCache(config, services),
    isolate,
    pulledThrough: (registry) => config.upstreams[registry] !== undefined,
    origin: upstream,
    freshness: config.freshness,
    now,
    defer: (task) => background.defer(task),
    metrics,
  });
  const context: RequestContext = { url: new URL(request.url), config, images, upstream, now, isolate, access: new PullAccess(config, now) };
  return { context, metrics };
}

function edgeCache(config: Config, services: Partial<WorkerServices>): EdgeCache {
  if (!config.edgeCache) return NO_EDGE_CACHE;
  const cache = services.cache ?? (typeof caches === 'undefined' ? undefined : caches.default);
  if (!cache) return NO_EDGE_CACHE;
  let edge = edgeCaches.get(cache);
  if (!edge) edgeCaches.set(cache, (edge = new CacheApiEdgeCache(cache)));
  return edge;
}

/** One EdgeCache per Cache object: it holds nothing of a request's. */
const edgeCaches = new WeakMap<Cache, EdgeCache>();
