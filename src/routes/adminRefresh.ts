/**
 * `POST /admin/refresh/<name>:<tag>` (docs/architecture.md, "The HTTP surface", admin): asks the
 * origin registry about the tag now, whatever its age — HEAD, and a GET only if the digest moved —
 * forgetting a cached 404. Answers what changed. 404 NOT_FOUND when the registry has no origin
 * configured.
 */
import { jsonResponse } from '../http/jsonResponse';
import { formatImageName, parseReference } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import { authorizeAdmin } from './admin';
import type { RequestContext } from './RequestContext';

export async function refreshTag(request: Request, reference: string, context: RequestContext): Promise<Response> {
  await authorizeAdmin(request, context);
  const ref = parseReference(reference, { defaultRegistry: context.config.defaultRegistry });
  if (ref.digest || !ref.tag) throw new RegistryError('TAG_INVALID', 'POST /admin/refresh/ takes <name>:<tag>');
  const { previous, current } = await context.images.refreshTag(ref.image, ref.tag);
  const image = formatImageName(ref.image);
  if (!current) {
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: upstream ${ref.image.registry} has no ${image}:${ref.tag}`, {
      previousDigest: previous?.manifest.digest ?? null,
    });
  }
  return jsonResponse(
    {
      image,
      tag: ref.tag,
      digest: current.manifest.digest,
      mediaType: current.manifest.mediaType,
      previousDigest: previous?.manifest.digest ?? null,
      changed: previous?.manifest.digest !== current.manifest.digest,
      state: current.cache.state,
      storedAt: new Date(current.storedAt).toISOString(),
    },
    { headers: { 'Docker-Content-Digest': current.manifest.digest, 'Cache-Control': 'no-store' } },
  );
}
