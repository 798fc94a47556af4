/**
 * `GET|HEAD /v2/<name>/blobs/<digest>` → 307 to the configured blob origin. The Location is
 * built from validated parts only and must stay on the configured origin: never an open redirect.
 */
import { assertDigest } from '../oci/grammar';
import { parseImageName } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import type { RequestContext } from './RequestContext';

export function getBlob(name: string, digest: string, { config }: RequestContext): Response {
  const image = parseImageName(name, { defaultRegistry: config.defaultRegistry });
  assertDigest(digest);
  const origin = config.blobOrigin;
  if (!origin) {
    throw new RegistryError('BLOB_UNKNOWN', `blob unknown: no blob origin is configured for ${image.registry}`, {
      digest,
    });
  }
  const location = origin.template
    .replaceAll('{registry}', image.registry)
    .replaceAll('{repository}', image.repository)
    .replaceAll('{digest}', digest);
  if (new URL(location).origin !== origin.origin) {
    throw new RegistryError('UNKNOWN', 'blob redirect left the configured origin');
  }
  return new Response(null, {
    status: 307,
    headers: {
      Location: location,
      'Docker-Content-Digest': digest,
      'Docker-Distribution-API-Version': 'registry/2.0',
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
  });
}
