/**
 * Generators of index and manifest JSON as origins and admins could send it (docs/security.md,
 * "Hostile input"): valid, of wrong types, with duplicate or missing platforms, malformed,
 * truncated, deeply nested, not UTF-8, with duplicate keys, or huge.
 */
import fc from 'fast-check';
import { DOCKER_MANIFEST_LIST_MEDIA_TYPE, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from '../../src/oci/mediaTypes';
import { digestLike, hostileString, MANIFEST_MEDIA_TYPES, osPart, otherPart, sha256Like } from './arbitraries';

const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** A value of the wrong type now and then. */
function sometimesWrong<T>(arb: fc.Arbitrary<T>, weight = 6): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight, arbitrary: arb }, { weight: 1, arbitrary: anyJson });
}

/** An index entry's platform: valid, with hostile strings, wrong types, or pieces missing. */
export const platformObject: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      os: sometimesWrong(fc.oneof(osPart, fc.constantFrom('linux', 'windows'), hostileString)),
      architecture: sometimesWrong(fc.oneof(otherPart, fc.constantFrom('amd64', 'arm64', 'arm'), hostileString)),
      variant: sometimesWrong(fc.oneof(otherPart, hostileString)),
      'os.version': sometimesWrong(fc.oneof(fc.constantFrom('10.0.17763.1', '10.0.20348.2966', ''), hostileString)),
      'os.features': sometimesWrong(fc.array(fc.oneof(fc.constant('win32k'), hostileString), { maxLength: 3 })),
    },
    { requiredKeys: ['os', 'architecture'] },
  ) },
  { weight: 1, arbitrary: fc.record({ architecture: otherPart }) },
  { weight: 1, arbitrary: anyJson },
);

/** A descriptor as an index lists its children. */
export const descriptorObject: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    mediaType: sometimesWrong(fc.oneof(fc.constantFrom(...MANIFEST_MEDIA_TYPES, 'application/vnd.in-toto+json'), hostileString)),
    digest: sometimesWrong(digestLike),
    size: sometimesWrong(fc.oneof(fc.nat(), fc.integer(), fc.double())),
    platform: platformObject,
    annotations: sometimesWrong(fc.oneof(
      fc.constant({ 'vnd.docker.reference.type': 'attestation-manifest' }),
      fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
    )),
  },
  { requiredKeys: ['mediaType', 'digest', 'size'] },
);

/** A platform object the schema accepts, drawn from a small pool so that duplicates are common. */
export const validPlatformObject: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 'arm', variant: 'v7' },
    { os: 'linux', architecture: 'arm', variant: 'v6' },
    { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' },
    { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2966' },
    { os: 'unknown', architecture: 'unknown' },
    { os: 'linux', architecture: 'amd64', 'os.features': ['sse4'] },
  ) },
  { weight: 2, arbitrary: fc.record(
    { os: fc.oneof(osPart, hostileString), architecture: fc.oneof(otherPart, hostileString), variant: fc.oneof(otherPart, hostileString), 'os.version': hostileString, 'os.features': fc.array(hostileString, { maxLength: 2 }) },
    { requiredKeys: ['os', 'architecture'] },
  ) },
);

/** Index entries the schema accepts: duplicate platforms, missing platforms, attestations, nested indexes. */
export const validDescriptor: fc.Arbitrary<{ mediaType: string; digest: string; size: number; platform?: Record<string, unknown>; annotations?: Record<string, string> }> = fc.record(
  {
    mediaType: fc.oneof({ weight: 6, arbitrary: fc.constant(OCI_MANIFEST_MEDIA_TYPE) }, { weight: 1, arbitrary: fc.constantFrom(...MANIFEST_MEDIA_TYPES, 'application/vnd.in-toto+json') }),
    digest: sha256Like,
    size: fc.nat(),
    platform: validPlatformObject,
    annotations: fc.constantFrom<Record<string, string>>({ 'vnd.docker.reference.type': 'attestation-manifest' }, { 'org.opencontainers.image.ref.name': 'x' }),
  },
  { requiredKeys: ['mediaType', 'digest', 'size'] },
);

/** An index the schema accepts. */
export const validIndexJson = fc.record({
  schemaVersion: fc.constant(2),
  mediaType: fc.constantFrom(OCI_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE),
  manifests: fc.array(validDescriptor, { maxLength: 10 }),
});

/** An index object: mostly the right shape, sometimes not. */
export const indexJson: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    schemaVersion: sometimesWrong(fc.constant(2), 8),
    mediaType: sometimesWrong(fc.constantFrom(OCI_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE), 8),
    manifests: sometimesWrong(fc.array(descriptorObject, { maxLength: 12 }), 10),
    annotations: sometimesWrong(fc.dictionary(hostileString, hostileString, { maxKeys: 3 })),
    extra: anyJson,
  },
  { requiredKeys: ['schemaVersion', 'manifests'] },
);

/** An image manifest object. */
export const imageManifestJson: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    schemaVersion: sometimesWrong(fc.constant(2), 8),
    mediaType: sometimesWrong(fc.constant(OCI_MANIFEST_MEDIA_TYPE), 8),
    config: sometimesWrong(descriptorObject, 8),
    layers: sometimesWrong(fc.array(descriptorObject, { maxLength: 4 }), 8),
  },
  { requiredKeys: ['schemaVersion', 'config', 'layers'] },
);

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep, alone or inside an otherwise valid index. */
const deeplyNested = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('array', 'object', 'inIndex')).map(([depth, shape]) => {
  const nest = shape === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  return shape === 'inIndex' ? `{"schemaVersion":2,"mediaType":"${OCI_INDEX_MEDIA_TYPE}","manifests":[],"annotations":{"x":${nest}}}` : nest;
});

/** Manifest bytes of every kind this module makes. */
export const manifestBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: indexJson.map((j) => utf8(JSON.stringify(j))) },
  { weight: 2, arbitrary: imageManifestJson.map((j) => utf8(JSON.stringify(j))) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map(utf8) },
  { weight: 2, arbitrary: fc.tuple(indexJson, fc.nat()).map(([j, cut]) => { const text = JSON.stringify(j); return utf8(text.slice(0, cut % (text.length + 1))); }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: deeplyNested.map(utf8) },
  { weight: 1, arbitrary: indexJson.map((j) => utf8(JSON.stringify(j).replace(/^\{/, '{"manifests":"duplicate","schemaVersion":1,'))) },
  { weight: 1, arbitrary: indexJson.map((j) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(JSON.stringify(j))])) },
  { weight: 1, arbitrary: fc.tuple(indexJson, fc.nat(), fc.constantFrom(0xff, 0xc0, 0x80, 0xed)).map(([j, at, byte]) => { const b = utf8(JSON.stringify(j)); const out = new Uint8Array(b); out[at % out.length] = byte; return out; }) },
);

/**
 * An index of `count` entries pointing at `digests` with the given platforms (duplicates and
 * missing platforms included), as the resolve suite puts it and then asks for platforms.
 */
export function indexOf(entries: { digest: string; size: number; mediaType?: string; platform?: unknown; annotations?: Record<string, string> }[]): Uint8Array {
  return utf8(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX_MEDIA_TYPE,
    manifests: entries.map((e) => ({ mediaType: e.mediaType ?? OCI_MANIFEST_MEDIA_TYPE, digest: e.digest, size: e.size, ...(e.platform === undefined ? {} : { platform: e.platform }), ...(e.annotations ? { annotations: e.annotations } : {}) })),
  }));
}

/** A small valid image manifest, made unique by `salt`. */
export function imageManifest(salt: string): Uint8Array {
  return utf8(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 2 },
    layers: [],
    annotations: { salt },
  }));
}

