/**
 * The routing table: HTTP → route functions, and every thrown error → the one error response.
 * Registry paths allow GET and HEAD only; anything else under /v2/ is 405 UNSUPPORTED.
 */
import { Router, type IRequest } from 'itty-router';
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

type Args = [RequestContext];

const READ = new Set(['GET', 'HEAD']);

function readOnly(request: IRequest, _context: RequestContext): void {
  if (!READ.has(request.method)) {
    throw new RegistryError('UNSUPPORTED', `${request.method} is not supported: this registry is read-only`, null, {
      Allow: 'GET, HEAD',
    });
  }
}

function param(request: IRequest, key: string): string {
  return request.params[key] ?? '';
}

export const router = Router<IRequest, Args>({
  catch: (err, request) => errorResponse(err, request.method),
  finally: [(response: Response, request: IRequest) => (request.method === 'HEAD' ? stripBody(response) : response)],
})
  .all('/v2', readOnly, (r, c) => versionCheck(r as unknown as Request, c))
  .all('/v2/:name+/manifests/:reference', readOnly, (r, c) =>
    getManifest(r as unknown as Request, param(r, 'name'), param(r, 'reference'), c),
  )
  .all('/v2/:name+/blobs/:digest', readOnly, (r, c) => getBlob(r as unknown as Request, param(r, 'name'), param(r, 'digest'), c))
  .all('/v2/:name+/tags/list', readOnly, (r, c) => listTags(r as unknown as Request, param(r, 'name'), c))
  .all('/v2/*', readOnly, (_r, c) => {
    throw new RegistryError('NOT_FOUND', `no such registry endpoint: ${c.url.pathname}`);
  })
  .get('/resolve/:ref+', (r, c) => resolve(r as unknown as Request, param(r, 'ref'), c))
  .get('/platforms/:ref+', (r, c) => listPlatformsRoute(r as unknown as Request, param(r, 'ref'), c))
  .all('/badge/:ref+/shields.json', readOnly, (r, c) => badgeJsonRoute(r as unknown as Request, param(r, 'ref'), c))
  .all('/badge/:ref+', readOnly, (r, c) => badgeSvgRoute(r as unknown as Request, param(r, 'ref'), c))
  .all('/image/:ref+', readOnly, (r, c) => imagePageRoute(r as unknown as Request, param(r, 'ref'), c))
  .get('/token', (r, c) => tokenRoute(r as unknown as Request, c))
  .get('/favicon.svg', (r) => faviconRoute(r as unknown as Request))
  .put('/admin/tags/:ref+', (r, c) => putTag(r as unknown as Request, param(r, 'ref'), c))
  .put('/admin/manifests/:ref+', (r, c) => putManifestByDigest(r as unknown as Request, param(r, 'ref'), c))
  .delete('/admin/tags/:ref+', (r, c) => deleteTag(r as unknown as Request, param(r, 'ref'), c))
  .post('/admin/refresh/:ref+', (r, c) => refreshTag(r as unknown as Request, param(r, 'ref'), c))
  .get('/admin/metrics', (r, c) => adminMetrics(r as unknown as Request, c))
  .get('/', () => jsonResponse({ name: 'platform-edge-resolver', docs: 'see README.md', endpoints: ['/v2/', '/resolve/<name>:<tag>', '/platforms/<name>:<tag>', '/badge/<name>:<tag>.svg', '/badge/<name>:<tag>/shields.json', '/image/<name>:<tag>', '/token'] }))
  .all('*', (r, c) => {
    throw new RegistryError('NOT_FOUND', `not found: ${r.method} ${c.url.pathname}`);
  });

/** `GET /v2/`: the API version check, where clients also learn whether to fetch a token. */
async function versionCheck(request: Request, context: RequestContext): Promise<Response> {
  await context.access.checkVersion(request);
  return jsonResponse({}, { headers: { 'Docker-Distribution-API-Version': 'registry/2.0' } });
}

function stripBody(response: Response): Response {
  return response.body === null ? response : new Response(null, response);
}
