/**
 * The worker's entry point: builds the request context (configuration and services) and hands
 * the request to the router. See design.md for the request flow.
 */
import { getConfig } from './config/config';
import type { Env } from './config/Env';
import { errorResponse } from './http/errorResponse';
import { router } from './routes/router';
import type { RequestContext } from './routes/RequestContext';
import { ManifestStore } from './store/ManifestStore';

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let context: RequestContext;
    try {
      const config = getConfig(env);
      const store = new ManifestStore(env.MANIFESTS);
      context = { env, config, store, source: store, ctx };
    } catch (err) {
      return errorResponse(err, request.method);
    }
    return router.fetch(request, context);
  },
} satisfies ExportedHandler<Env>;
