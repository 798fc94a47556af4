/**
 * `GET /v2/<name>/tags/list` with the spec's `n` / `last` pagination, from the stored tags.
 */
import { parseImageName } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import { jsonResponse } from '../http/jsonResponse';
import type { RequestContext } from './RequestContext';

export async function listTags(request: Request, name: string, { config, store }: RequestContext): Promise<Response> {
  const image = parseImageName(name, { defaultRegistry: config.defaultRegistry });
  const url = new URL(request.url);
  const nParam = url.searchParams.get('n');
  const last = url.searchParams.get('last');
  const n = nParam === null ? undefined : Number(nParam);
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be a non-negative integer, got "${nParam}"`);
  }
  const all = await store.listTags(image);
  if (all.length === 0) throw new RegistryError('NAME_UNKNOWN', `repository name not known: ${image.name}`);
  const after = last === null ? all : all.filter((tag) => tag > last);
  const tags = n === undefined ? after : after.slice(0, n);
  const headers: Record<string, string> = { 'Docker-Distribution-API-Version': 'registry/2.0' };
  const lastTag = tags.at(-1);
  if (n !== undefined && lastTag !== undefined && after.length > tags.length) {
    headers.Link = `<${url.pathname}?n=${n}&last=${encodeURIComponent(lastTag)}>; rel="next"`;
  }
  return jsonResponse({ name: image.name, tags }, { headers });
}
