/**
 * The resolve API for scripts (docs/architecture.md, "The HTTP surface", resolve API):
 * `GET /resolve/<name>:<tag>?platform=…[&match=strict]` → JSON describing the choice, or with
 * `Accept: text/plain` the child digest and a newline, for `$(curl …)`. The JSON's `cache`
 * tells how the tag was answered: `{ state, ageSeconds, stale, storedAt }`.
 */
import { jsonResponse, textResponse, wantsText } from '../http/jsonResponse';
import { formatImageName, parseReference } from '../oci/reference';
import { formatPlatform } from '../platform';
import { loadReference, resolvePlatform } from '../resolve/resolveManifest';
import type { RequestContext } from './RequestContext';
import { platformVary, requestPlatformOf } from './requestPlatformOf';

export async function resolve(request: Request, reference: string, context: RequestContext): Promise<Response> {
  const { url, config, images } = context;
  const ref = parseReference(reference, { defaultRegistry: config.defaultRegistry });
  await context.access.authorize(request, ref.image);
  const requested = requestPlatformOf(request, url, config, true);
  const top = await loadReference(images, ref);
  const resolution = await resolvePlatform(images, ref, top, requested);
  const headers = { Vary: platformVary(true), 'Cache-Control': 'no-cache' };
  const chosen = resolution.manifest.manifest;
  if (wantsText(request)) return textResponse(`${chosen.digest}\n`, { headers });

  const isIndex = resolution.manifest !== top;
  const state = top.cache.state;
  return jsonResponse(
    {
      image: formatImageName(ref.image),
      registry: ref.image.registry,
      repository: ref.image.repository,
      tag: ref.tag ?? null,
      index: isIndex ? { digest: top.manifest.digest, mediaType: top.manifest.mediaType } : null,
      requested: {
        platform: formatPlatform(requested.platform),
        source: requested.source,
        match: requested.strict ? 'strict' : 'compatible',
      },
      platform: resolution.platform ? formatPlatform(resolution.platform) : null,
      exact: isIndex ? resolution.exact : null,
      manifest: {
        digest: chosen.digest,
        mediaType: chosen.mediaType,
        size: chosen.bytes.byteLength,
      },
      cache: {
        state,
        ageSeconds: top.cache.ageSeconds,
        stale: state === 'stale',
        storedAt: new Date(top.storedAt).toISOString(),
      },
    },
    { headers },
  );
}
