/**
 * `GET /v2/<name>/tags/list` with the spec's `n` / `last` pagination: from the origin registry
 * (cached briefly, see UpstreamTagList) when one is configured for the name's registry, else
 * from the stored tags.
 */
import { cacheStatusHeaders } from '../http/cacheStatusHeaders';
import { jsonResponse } from '../http/jsonResponse';
import { RegistryError } from '../oci/RegistryError';
import { unknownRepository } from '../store/TagLists';
import { registryImageName } from './imageReference';
import type { RequestContext } from './RequestContext';

export async function listTags(request: Request, name: string, context: RequestContext): Promise<Response> {
  const { url, config, images } = context;
  const image = registryImageName(url, name, config);
  await context.access.authorize(request, image);
  const nParam = url.searchParams.get('n');
  const last = url.searchParams.get('last');
  const n = nParam === null ? undefined : Number(nParam);
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be a non-negative integer, got "${nParam}"`);
  }
  const headers: Record<string, string> = { 'Docker-Distribution-API-Version': 'registry/2.0' };
  const listing = await images.tags(image);
  if (!listing) throw unknownRepository(image.name);
  const all = listing.tags;
  if (context.upstream(image.registry)) Object.assign(headers, cacheStatusHeaders(listing.cache));
  const after = last === null ? all : all.filter((tag) => tag > last);
  const tags = n === undefined ? after : after.slice(0, n);
  const lastTag = tags.at(-1);
  if (n !== undefined && lastTag !== undefined && after.length > tags.length) {
    // containerd's `ns` names the registry: the next page must name it too.
    const ns = url.searchParams.get('ns');
    const registry = ns === null ? '' : `ns=${encodeURIComponent(ns)}&`;
    headers.Link = `<${url.pathname}?${registry}n=${n}&last=${encodeURIComponent(lastTag)}>; rel="next"`;
  }
  return jsonResponse({ name: image.name, tags }, { headers });
}
