/**
 * The worker with its services: builds each request's context (configuration, KV counted into
 * the request's metrics, the Cache API, the pull-through source, origin clients) and hands the
 * request to the router. Every response gets `X-Edge-Cost` with what it cost. A GET answered
 * from isolate memory alone is kept and given again to the same request while it holds
 * (src/store/HotAnswers.ts), before any of that. `src/index.ts`
 * exports `createWorker()`; tests make their own with a fake origin and a clock.
 */
import { PullAccess } from './auth/PullAccess';
import { getConfig, type Config } from './config/config';
import type { Env } from './config/Env';
import { errorResponse } from './http/errorResponse';
import { withEdgeCost } from './http/withEdgeCost';
import { router } from './routes/router';
import type { RequestContext, UpstreamFactory } from './routes/RequestContext';
import { AnswerBasis } from './store/AnswerBasis';
import { BackgroundTasks } from './store/BackgroundTasks';
import { CountingKV } from './store/CountingKV';
import { HotAnswers } from './store/HotAnswers';
import { CacheApiEdgeCache, NO_EDGE_CACHE, type EdgeCache } from './store/EdgeCache';
import { IsolateState } from './store/IsolateState';
import { ManifestStore } from './store/ManifestStore';
import { PullThroughSource } from './store/PullThroughSource';
import { createRequestMetrics, formatEdgeCost, zeroMetrics } from './store/RequestMetrics';
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
      // Made on the first request: the clock does not run while a worker's global scope is evaluated.
      const started = services.now();
      const isolate = (services.isolate ??= new IsolateState(started));
      const answerKey = HotAnswers.keyOf(request);
      const replay = answerKey === undefined ? undefined : isolate.answers.replay(answerKey, env, isolate, started);
      if (replay) return replay;

      const background = new BackgroundTasks((promise) => ctx.waitUntil(promise));
      const basis = new AnswerBasis();
      let context: RequestContext | undefined;
      let response: Response;
      try {
        context = createRequestContext(request, env, ctx, services, background, basis);
        context.isolate.totals.requests++;
        response = await router.fetch(request, context);
      } catch (err) {
        response = errorResponse(err, request.method);
      }
      // The cost is what the response needed: stamped before background work starts.
      const servedPrivate = context?.access.servedPrivate ?? false;
      let costed = withEdgeCost(response, formatEdgeCost(context?.metrics ?? zeroMetrics()), servedPrivate);
      if (answerKey !== undefined && context) {
        const made = { basis, metrics: context.metrics, private: servedPrivate, deferred: background.pending > 0, started, now: services.now() };
        costed = await isolate.answers.keep(answerKey, env, costed, made);
      }
      background.flush();
      return costed;
    },
  } satisfies ExportedHandler<Env>;
}

/**
 * The context of one request: its parsed URL, configuration (throws RegistryError UNKNOWN
 * naming a bad variable), KV counted into a fresh RequestMetrics, the pull-through source.
 * Tests that call the router directly make theirs here and replace what they fake
 * (`{ ...context, source }`).
 */
export function createRequestContext(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  services: Partial<WorkerServices> = {},
  background = new BackgroundTasks((promise) => ctx.waitUntil(promise)),
  basis?: AnswerBasis,
): RequestContext {
  const config = getConfig(env);
  const now = services.now ?? (() => Date.now());
  // Made on the first request: the clock does not run while a worker's global scope is evaluated.
  const isolate = (services.isolate ??= new IsolateState(now()));
  const metrics = createRequestMetrics(isolate.totals);
  const kv = new CountingKV(env.MANIFESTS, metrics);
  const store = new ManifestStore(kv, now);
  const upstreamFor = services.upstreamFor ?? NO_UPSTREAMS;
  const clients = new Map<string, Upstream | undefined>();
  const upstream = (registry: string): Upstream | undefined => {
    if (!clients.has(registry)) clients.set(registry, upstreamFor(registry, config, { metrics }));
    return clients.get(registry);
  };
  const defer = (task: () => Promise<unknown>) => background.defer(task);
  const pullThrough = new PullThroughSource({
    store,
    kv,
    edge: edgeCache(config, services),
    upstreamFor: upstream,
    freshness: config.freshness,
    now,
    defer,
    metrics,
    isolate,
    basis,
  });
  const url = new URL(request.url);
  const access = new PullAccess(config, now);
  return { url, env, config, store, source: pullThrough, pullThrough, upstream, kv, now, metrics, isolate, access, defer, ctx };
}

function edgeCache(config: Config, services: Partial<WorkerServices>): EdgeCache {
  if (!config.edgeCache) return NO_EDGE_CACHE;
  const cache = services.cache ?? (typeof caches === 'undefined' ? undefined : caches.default);
  return cache ? new CacheApiEdgeCache(cache) : NO_EDGE_CACHE;
}
