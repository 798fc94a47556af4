/**
 * Reading manifest bytes: from UTF-8 JSON to a validated index or image manifest with its
 * media type (OCI image-spec image-index.md and manifest.md, "mediaType" property;
 * distribution-spec "Pushing manifests", where the Content-Type must match that field).
 *
 * The media type is, in order: the `mediaType` field; else the content type given (unless it
 * says nothing, like `application/json`); else inferred from the shape (`manifests` → OCI
 * index, `config` and `layers` → OCI manifest). When the field and an informative content type
 * are both present they must agree. Docker schema 1 is recognised and refused.
 *
 * Every failure is a RegistryError MANIFEST_INVALID with a one-line message naming the first
 * problem and its JSON path; the detail lists up to ten problems. Bytes are never rewritten.
 */
import type { z } from 'zod';
import { quote } from './grammar';
import {
  DOCKER_SCHEMA1_MEDIA_TYPE,
  OCI_INDEX_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  isImageManifestMediaType,
  isIndexMediaType,
  isSchema1MediaType,
  mediaTypeEssence,
} from './mediaTypes';
import {
  imageIndexSchema,
  imageManifestSchema,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './manifestSchema';
import { RegistryError } from './RegistryError';

/** The largest manifest accepted, 4 MiB (the limit the distribution spec suggests registries enforce). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Content types that say nothing about which manifest a body is. */
const UNINFORMATIVE_CONTENT_TYPES = [
  '',
  'application/json',
  'application/octet-stream',
  'text/plain',
  // What `curl -d` sends when no Content-Type is given.
  'application/x-www-form-urlencoded',
];

const MAX_DETAIL_ISSUES = 10;

/** A validated manifest with its media type (lower-cased, without parameters). */
export type ParsedManifest =
  | { kind: 'index'; mediaType: string; json: ImageIndex; manifests: Descriptor[] }
  | { kind: 'manifest'; mediaType: string; json: ImageManifest; manifests?: undefined };

/**
 * Decodes, parses and validates manifest bytes. Throws MANIFEST_INVALID.
 * @example parseManifest(bytes, 'application/vnd.oci.image.index.v1+json')
 * // → { kind: 'index', mediaType: 'application/vnd.oci.image.index.v1+json', json, manifests }
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): ParsedManifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw invalid(`manifest too large: ${bytes.byteLength} bytes (limit ${MAX_MANIFEST_BYTES})`);
  }
  const json = decodeJsonObject(bytes);
  const mediaType = determineMediaType(json, contentType);
  if (isIndexMediaType(mediaType)) {
    const index = validate(imageIndexSchema, json, 'image index');
    return { kind: 'index', mediaType, json: index, manifests: index.manifests };
  }
  if (isImageManifestMediaType(mediaType)) {
    return { kind: 'manifest', mediaType, json: validate(imageManifestSchema, json, 'image manifest') };
  }
  if (isSchema1MediaType(mediaType)) {
    throw invalid(`Docker schema 1 manifests (${mediaType}) are not supported; push the image again as schema 2 or OCI`);
  }
  throw invalid(`unsupported manifest media type ${quote(mediaType)}`);
}

function decodeJsonObject(bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalid('manifest is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('manifest must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function determineMediaType(json: Record<string, unknown>, contentType: string | undefined): string {
  const field = json['mediaType'];
  if (field !== undefined && typeof field !== 'string') throw invalid('manifest mediaType must be a string');
  const given = contentType === undefined ? '' : mediaTypeEssence(contentType);
  const informative = UNINFORMATIVE_CONTENT_TYPES.includes(given) ? undefined : given;
  if (field !== undefined) {
    const declared = mediaTypeEssence(field);
    if (informative !== undefined && informative !== declared) {
      throw invalid(`manifest mediaType ${quote(field)} does not match its content type ${quote(given)}`);
    }
    return declared;
  }
  if (informative !== undefined) return informative;
  if (json['schemaVersion'] === 1) return DOCKER_SCHEMA1_MEDIA_TYPE;
  if ('manifests' in json) return OCI_INDEX_MEDIA_TYPE;
  if ('config' in json && 'layers' in json) return OCI_MANIFEST_MEDIA_TYPE;
  throw invalid('cannot tell the manifest type: no mediaType, no content type, neither manifests nor config and layers');
}

function validate<T extends z.ZodType>(schema: T, json: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more ${issues.length === 2 ? 'problem' : 'problems'})` : '';
  throw invalid(`invalid ${what}: ${first?.path ?? '(root)'} ${first?.message ?? 'is invalid'}${more}`, {
    issues: issues.slice(0, MAX_DETAIL_ISSUES),
  });
}

/** `['manifests', 0, 'platform', 'os.version']` → `manifests[0].platform["os.version"]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

function invalid(message: string, detail?: unknown): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message, detail);
}
