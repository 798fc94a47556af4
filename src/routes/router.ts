/**
 * The routing table: HTTP → route functions, and every thrown error → the one error response.
 * Registry paths allow GET and HEAD only; anything else under /v2/ is 405 UNSUPPORTED.
 */
import { Router } from 'itty-router';
import { errorResponse } from '../http/errorResponse';
import { jsonResponse } from '../http/jsonResponse';
import { RegistryError } from '../oci/RegistryError';
import { deleteTag, putManifestByDigest, putTag } from './admin';
import { adminMetrics } from './adminMetrics';
import { refreshTag } from './adminRefresh';
import { badgeJsonRoute, badgeSvgRoute } from './badge';
import { getBlob } from './blobs';
import { getManifest } from './manifests';
import { faviconRoute, imagePageRoute } from './page';
import { listPlatformsRoute } from './platforms';
import type { RequestContext } from './RequestContext';
import { resolve } from './resolve';
import { listTags } from './tags';
import { tokenRoute } from './token';

/**
 * What itty-router routes: a plain object, not the runtime's Request (itty-router writes `params`,
 * `query` and `route` onto what it routes, and properties added to a host object are slow). The
 * route functions get the Request itself and their path parameters.
 */
interface Routed {
  method: string;
  url: string;
  request: Request;
  params: Record<string, string>;
}

type Args = [RequestContext];
type Handler = (request: Request, context: RequestContext, param: (key: string) => string) => Promise<Response> | Response;

const READ = new Set(['GET', 'HEAD']);

/** A route function called with the Request and a reader of its path parameters. */
const to = (handler: Handler) => (routed: Routed, context: RequestContext) =>
  handler(routed.request, context, (key) => routed.params[key] ?? '');

/** The same for a path that allows GET and HEAD only (the registry, the read APIs): anything else is 405 UNSUPPORTED. */
const read = (handler: Handler) => (routed: Routed, context: RequestContext) => {
  if (!READ.has(routed.method)) {
    const what = context.url.pathname.startsWith('/v2') ? 'this registry is read-only' : `${context.url.pathname} answers GET and HEAD only`;
    throw new RegistryError('UNSUPPORTED', `${routed.method} is not supported: ${what}`, null, { Allow: 'GET, HEAD' });
  }
  return handler(routed.request, context, (key) => routed.params[key] ?? '');
};

const notFound: Handler = (request, { url }) => {
  const what = url.pathname.startsWith('/v2/') ? 'no such registry endpoint:' : `not found: ${request.method}`;
  throw new RegistryError('NOT_FOUND', `${what} ${url.pathname}`);
};

const table = Router<Routed, Args>({ catch: (err, routed) => errorResponse(err, routed.method) })
  .all('/v2/:name+/manifests/:reference', read((r, c, p) => getManifest(r, p('name'), p('reference'), c)))
  .all('/resolve/:ref+', read((r, c, p) => resolve(r, p('ref'), c)))
  .all('/v2/:name+/blobs/:digest', read((r, c, p) => getBlob(r, p('name'), p('digest'), c)))
  .all('/platforms/:ref+', read((r, c, p) => listPlatformsRoute(r, p('ref'), c)))
  .all('/badge/:ref+/shields.json', read((r, c, p) => badgeJsonRoute(r, p('ref'), c)))
  .all('/badge/:ref+', read((r, c, p) => badgeSvgRoute(r, p('ref'), c)))
  .all('/v2/:name+/tags/list', read((r, c, p) => listTags(r, p('name'), c)))
  .all('/v2', read((r, c) => versionCheck(r, c)))
  .all('/v2/*', read(notFound))
  .all('/image/:ref+', read((r, c, p) => imagePageRoute(r, p('ref'), c)))
  // POST /token stays 404: OAuth2 clients then fall back to GET, as the token specification has them.
  .get('/token', to((r, c) => tokenRoute(r, c)))
  .head('/token', to((r, c) => tokenRoute(r, c)))
  .all('/favicon.svg', read((r) => faviconRoute(r)))
  .put('/admin/tags/:ref+', to((r, c, p) => putTag(r, p('ref'), c)))
  .put('/admin/manifests/:ref+', to((r, c, p) => putManifestByDigest(r, p('ref'), c)))
  .delete('/admin/tags/:ref+', to((r, c, p) => deleteTag(r, p('ref'), c)))
  .post('/admin/refresh/:ref+', to((r, c, p) => refreshTag(r, p('ref'), c)))
  .get('/admin/metrics', to((r, c) => adminMetrics(r, c)))
  .all('/', read(() => jsonResponse({ name: 'platform-edge-resolver', docs: 'see README.md', endpoints: ['/v2/', '/resolve/<name>:<tag>', '/platforms/<name>:<tag>', '/badge/<name>:<tag>.svg', '/badge/<name>:<tag>/shields.json', '/image/<name>:<tag>', '/token'] })))
  .all('*', to(notFound));

/**
 * Routes `request`: the hot routes (manifests, resolve) come first in the table. HEAD is handled
 * here, once: every route answers it as GET, and the body is dropped.
 */
export const router = {
  fetch(request: Request, context: RequestContext): Promise<Response> {
    // itty-router parses the URL again and copies its query: given the path alone (routes read the
    // query from context.url), that is the least work.
    const url = `http://route${context.url.pathname}`;
    const answer: Promise<Response> = table.fetch({ method: request.method, url, request, params: {} }, context);
    return request.method === 'HEAD' ? answer.then(stripBody) : answer;
  },
};

/** `GET /v2/`: the API version check, where clients also learn whether to fetch a token. */
async function versionCheck(request: Request, context: RequestContext): Promise<Response> {
  await context.access.checkVersion(request);
  return jsonResponse({}, { headers: { 'Docker-Distribution-API-Version': 'registry/2.0' } });
}

function stripBody(response: Response): Response {
  return response.body === null ? response : new Response(null, response);
}
