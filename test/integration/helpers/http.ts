/** What the integration tests send to the worker over HTTP and read back from it. */
import { createHash } from 'node:crypto';
import type { ImagePlatform } from '../../../scripts/lib/ociLayout';

/** Every manifest type, indexes first: what docker and containerd send. */
export const ACCEPT_ALL = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export const sha256 = (bytes: ArrayBuffer | Uint8Array): string =>
  `sha256:${createHash('sha256').update(new Uint8Array(bytes)).digest('hex')}`;

/** The worker's platform specifier (docs/platform-rules.md §2): `windows(10.0.20348.2966)/amd64`, `linux/arm/v7`. */
export function platformSpecifier(p: ImagePlatform): string {
  const os = p.osVersion ? `${p.os}(${p.osVersion})` : p.os;
  return [os, p.architecture, p.variant].filter(Boolean).join('/');
}

export interface OciError {
  code: string;
  message: string;
  detail?: unknown;
}

/** The first error of an OCI error envelope, after checking the response is one. */
export async function ociError(response: Response): Promise<OciError> {
  const type = response.headers.get('Content-Type') ?? '';
  const text = await response.text();
  if (!type.startsWith('application/json')) throw new Error(`expected a JSON error, got ${type}: ${text}`);
  const body = JSON.parse(text) as { errors?: OciError[] };
  if (!body.errors?.[0]) throw new Error(`expected {"errors":[…]}, got ${text}`);
  return body.errors[0];
}

/** `X-Edge-Cost: kv-reads=1; kv-writes=0; cache-hits=0; upstream=0` → `{ 'kv-reads': 1, … }`. */
export function edgeCost(response: Response): Record<string, number> {
  const header = response.headers.get('X-Edge-Cost');
  if (header === null) throw new Error('no X-Edge-Cost header');
  return Object.fromEntries(
    header.split(';').map((part) => {
      const [key = '', value = ''] = part.trim().split('=');
      return [key, Number(value)];
    }),
  );
}
