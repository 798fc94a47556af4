/**
 * The admin API (docs/architecture.md, "The HTTP surface", admin): off unless the ADMIN_TOKEN
 * secret is set, then guarded by `Authorization: Bearer <token>` compared in constant time.
 * - `PUT /admin/tags/<name>:<tag>`: store an index or manifest (the body) as the tag;
 * - `PUT /admin/manifests/<name>@<digest>`: store a manifest by digest (the body must hash to it);
 * - `DELETE /admin/tags/<name>:<tag>`: purge the tag.
 */
import { constantTimeEqual } from '../auth/constantTimeEqual';
import { readBody } from '../http/readBody';
import { jsonResponse } from '../http/jsonResponse';
import { MAX_MANIFEST_BYTES } from '../oci/manifest';
import { formatImageName, parseReference } from '../oci/reference';
import { RegistryError } from '../oci/RegistryError';
import { verifyManifest } from '../oci/VerifiedManifest';
import type { RequestContext } from './RequestContext';

export async function authorizeAdmin(request: Request, { config }: RequestContext): Promise<void> {
  if (!config.adminToken) {
    throw new RegistryError('DENIED', 'the admin API is disabled: set the ADMIN_TOKEN secret to enable it');
  }
  const header = request.headers.get('Authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1] || !(await constantTimeEqual(match[1], config.adminToken))) {
    throw new RegistryError('UNAUTHORIZED', 'admin API: a valid bearer token is required', null, {
      'WWW-Authenticate': 'Bearer realm="admin"',
    });
  }
}

export async function putTag(request: Request, reference: string, context: RequestContext): Promise<Response> {
  await authorizeAdmin(request, context);
  const ref = parseReference(reference, { defaultRegistry: context.config.defaultRegistry });
  if (ref.digest || !ref.tag) throw new RegistryError('TAG_INVALID', 'PUT /admin/tags/ takes <name>:<tag>');
  const bytes = await readBody(request, MAX_MANIFEST_BYTES);
  const manifest = await verifyManifest(bytes, { contentType: manifestContentType(request) });
  await context.images.putTag(ref.image, ref.tag, manifest);
  return jsonResponse(
    { image: formatImageName(ref.image), tag: ref.tag, digest: manifest.digest, mediaType: manifest.mediaType, size: bytes.byteLength },
    { status: 201, headers: { 'Docker-Content-Digest': manifest.digest } },
  );
}

export async function putManifestByDigest(request: Request, reference: string, context: RequestContext): Promise<Response> {
  await authorizeAdmin(request, context);
  const ref = parseReference(reference, { defaultRegistry: context.config.defaultRegistry });
  if (!ref.digest) throw new RegistryError('DIGEST_INVALID', 'PUT /admin/manifests/ takes <name>@<digest>');
  const bytes = await readBody(request, MAX_MANIFEST_BYTES);
  const manifest = await verifyManifest(bytes, { contentType: manifestContentType(request), digest: ref.digest });
  await context.images.putManifest(ref.image, manifest);
  return jsonResponse(
    { image: formatImageName(ref.image), digest: manifest.digest, mediaType: manifest.mediaType, size: bytes.byteLength },
    { status: 201, headers: { 'Docker-Content-Digest': manifest.digest } },
  );
}

export async function deleteTag(request: Request, reference: string, context: RequestContext): Promise<Response> {
  await authorizeAdmin(request, context);
  const ref = parseReference(reference, { defaultRegistry: context.config.defaultRegistry });
  if (ref.digest || !ref.tag) throw new RegistryError('TAG_INVALID', 'DELETE /admin/tags/ takes <name>:<tag>');
  if (!(await context.images.deleteTag(ref.image, ref.tag))) {
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: ${formatImageName(ref.image)}:${ref.tag}`);
  }
  return jsonResponse({ image: formatImageName(ref.image), tag: ref.tag, deleted: true });
}

/** The body's Content-Type when it names a manifest type; curl's form default says nothing. */
function manifestContentType(request: Request): string | undefined {
  const type = request.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  return type?.startsWith('application/vnd.') ? type : undefined;
}
