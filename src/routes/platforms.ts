/**
 * `GET /platforms/<name>:<tag>` → the platforms the tag offers (attestations left out), each
 * with its child digest; `Accept: text/plain` gives one `platform digest` line each.
 */
import { jsonResponse, textResponse, wantsText } from '../http/jsonResponse';
import { formatImageName, parseReference } from '../oci/reference';
import { indexEntries, loadReference, offeredPlatforms } from '../resolve/resolveManifest';
import type { RequestContext } from './RequestContext';

export async function listPlatformsRoute(request: Request, reference: string, context: RequestContext): Promise<Response> {
  const { config, images } = context;
  const ref = parseReference(reference, { defaultRegistry: config.defaultRegistry });
  await context.access.authorize(request, ref.image);
  const top = await loadReference(images, ref);
  const entries = indexEntries(top);
  const platforms = entries
    ? offeredPlatforms(entries).map(({ platform, entry }) => ({
        platform,
        os: entry.platform?.os ?? null,
        architecture: entry.platform?.architecture ?? null,
        variant: entry.platform?.variant ?? null,
        osVersion: entry.platform?.['os.version'] ?? null,
        digest: entry.digest,
        mediaType: entry.mediaType,
        size: entry.size,
      }))
    : [];
  const headers = { 'Cache-Control': 'no-cache' };
  if (wantsText(request)) {
    return textResponse(platforms.map((p) => `${p.platform} ${p.digest}\n`).join(''), { headers });
  }
  return jsonResponse(
    {
      image: formatImageName(ref.image),
      tag: ref.tag ?? null,
      digest: top.manifest.digest,
      mediaType: top.manifest.mediaType,
      index: entries !== undefined,
      platforms,
    },
    { headers },
  );
}
