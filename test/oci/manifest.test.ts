import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES, parseManifest } from '../../src/oci/manifest';
import { RegistryError } from '../../src/oci/RegistryError';
import type { IndexEntry } from '../../src/platform/Platform';
import { registryErrorOf } from './registryErrorOf';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';

const d1 = `sha256:${'1'.repeat(64)}`;
const d2 = `sha256:${'2'.repeat(64)}`;
const d3 = `sha512:${'3'.repeat(128)}`;

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const ociIndex = {
  schemaVersion: 2,
  mediaType: INDEX,
  manifests: [
    { mediaType: OCI, digest: d1, size: 1234, platform: { architecture: 'amd64', os: 'linux' } },
    {
      mediaType: OCI,
      digest: d2,
      size: 567,
      platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.2582', 'os.features': ['win32k'] },
      annotations: { 'org.opencontainers.image.ref.name': '1.23' },
    },
  ],
  annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
};

const dockerList = {
  schemaVersion: 2,
  mediaType: LIST,
  manifests: [
    { mediaType: DOCKER, digest: d1, size: 525, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
  ],
};

const ociManifest = {
  schemaVersion: 2,
  mediaType: OCI,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d1, size: 100 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d3, size: 2048 }],
};

const dockerManifest = {
  schemaVersion: 2,
  mediaType: DOCKER,
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: d1, size: 100 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d2, size: 2048 }],
};

const { mediaType: _i, ...bareIndex } = ociIndex;
const { mediaType: _m, ...bareManifest } = ociManifest;

describe('parseManifest(bytes, contentType)', () => {
  const valid: [string, unknown, string | undefined, { kind: 'index' | 'manifest'; mediaType: string }][] = [
    ['an OCI index by its mediaType field', ociIndex, undefined, { kind: 'index', mediaType: INDEX }],
    ['an OCI index whose content type agrees', ociIndex, INDEX, { kind: 'index', mediaType: INDEX }],
    ['a Docker manifest list with a charset parameter', dockerList, `${LIST}; charset=utf-8`, { kind: 'index', mediaType: LIST }],
    ['an index without mediaType, by content type', bareIndex, LIST, { kind: 'index', mediaType: LIST }],
    ['an index without mediaType or content type, by shape', bareIndex, undefined, { kind: 'index', mediaType: INDEX }],
    ['an index served as application/json', bareIndex, 'application/json', { kind: 'index', mediaType: INDEX }],
    ['an index posted by curl -d', ociIndex, 'application/x-www-form-urlencoded', { kind: 'index', mediaType: INDEX }],
    ['an empty index', { schemaVersion: 2, manifests: [] }, INDEX, { kind: 'index', mediaType: INDEX }],
    ['an OCI manifest', ociManifest, OCI, { kind: 'manifest', mediaType: OCI }],
    ['an OCI manifest without mediaType, by shape', bareManifest, undefined, { kind: 'manifest', mediaType: OCI }],
    ['a Docker schema 2 manifest', dockerManifest, DOCKER, { kind: 'manifest', mediaType: DOCKER }],
    ['an upper-case mediaType field, lower-cased', { ...ociIndex, mediaType: INDEX.toUpperCase() }, INDEX, { kind: 'index', mediaType: INDEX }],
  ];
  it.each(valid)('reads %s', (_why, json, contentType, expected) => {
    const parsed = parseManifest(encode(json), contentType);
    expect({ kind: parsed.kind, mediaType: parsed.mediaType }).toEqual(expected);
    expect(parsed.json).toEqual(json);
  });

  it('returns the index entries, typed for the platform selector', () => {
    const parsed = parseManifest(encode(ociIndex));
    if (parsed.kind !== 'index') throw new Error('expected an index');
    const entries: IndexEntry[] = parsed.manifests;
    expect(entries).toEqual(ociIndex.manifests);
  });

  it('leaves manifests undefined for an image manifest', () => {
    expect(parseManifest(encode(ociManifest)).manifests).toBeUndefined();
  });

  it('keeps unknown fields', () => {
    const json = { ...ociIndex, extra: { nested: true }, manifests: [{ ...ociIndex.manifests[0], future: 1 }] };
    expect(parseManifest(encode(json)).json).toEqual(json);
  });

  it('accepts exactly 4 MiB', () => {
    const head = JSON.stringify({ schemaVersion: 2, manifests: [], pad: '' });
    const pad = 'x'.repeat(MAX_MANIFEST_BYTES - head.length);
    const bytes = encode(head.replace('"pad":""', `"pad":"${pad}"`));
    expect(bytes.byteLength).toBe(MAX_MANIFEST_BYTES);
    expect(parseManifest(bytes).kind).toBe('index');
  });

  const issue = (path: string, message: string) => ({ path, message });
  const withManifest = (entry: Record<string, unknown>) => ({ schemaVersion: 2, mediaType: INDEX, manifests: [entry] });
  const entry = { mediaType: OCI, digest: d1, size: 1 };
  const invalid: [string, Uint8Array, string | undefined, string][] = [
    ['more than 4 MiB', new Uint8Array(MAX_MANIFEST_BYTES + 1), undefined, `manifest too large: ${MAX_MANIFEST_BYTES + 1} bytes (limit 4194304)`],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), INDEX, 'manifest is not valid UTF-8'],
    ['text that is not JSON', encode('{"schemaVersion": 2,'), INDEX, 'manifest is not valid JSON'],
    ['an empty body', new Uint8Array(), INDEX, 'manifest is not valid JSON'],
    ['a JSON array', encode([]), INDEX, 'manifest must be a JSON object'],
    ['JSON null', encode('null'), INDEX, 'manifest must be a JSON object'],
    ['a mediaType that is not a string', encode({ ...ociIndex, mediaType: 2 }), undefined, 'manifest mediaType must be a string'],
    [
      'a mediaType that contradicts the content type',
      encode(ociIndex),
      LIST,
      `manifest mediaType "${INDEX}" does not match its content type "${LIST}"`,
    ],
    [
      'an index served as an image manifest',
      encode(ociIndex),
      OCI,
      `manifest mediaType "${INDEX}" does not match its content type "${OCI}"`,
    ],
    [
      'a config media type',
      encode({ ...ociManifest, mediaType: 'application/vnd.oci.image.config.v1+json' }),
      undefined,
      'unsupported manifest media type "application/vnd.oci.image.config.v1+json"',
    ],
    ['an unknown content type', encode(bareIndex), 'text/html', 'unsupported manifest media type "text/html"'],
    [
      'a Docker schema 1 manifest',
      encode({ schemaVersion: 1, name: 'x', tag: 'latest', fsLayers: [] }),
      undefined,
      'Docker schema 1 manifests (application/vnd.docker.distribution.manifest.v1+json) are not supported; push the image again as schema 2 or OCI',
    ],
    [
      'a signed schema 1 manifest',
      encode({ schemaVersion: 1, signatures: [] }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'Docker schema 1 manifests (application/vnd.docker.distribution.manifest.v1+prettyjws) are not supported; push the image again as schema 2 or OCI',
    ],
    [
      'an object of no known shape',
      encode({ hello: 'world' }),
      undefined,
      'cannot tell the manifest type: no mediaType, no content type, neither manifests nor config and layers',
    ],
    ['an index without manifests', encode({ schemaVersion: 2, mediaType: INDEX }), undefined, 'invalid image index: manifests is required'],
    ['manifests that is not an array', encode({ schemaVersion: 2, manifests: {} }), INDEX, 'invalid image index: manifests must be an array of descriptors'],
    ['schemaVersion 1 on an index', encode({ ...ociIndex, schemaVersion: 1 }), undefined, 'invalid image index: schemaVersion must be 2'],
    ['a missing schemaVersion', encode({ manifests: [] }), INDEX, 'invalid image index: schemaVersion is required'],
    ['an entry that is not an object', encode(withManifest([] as never)), undefined, 'invalid image index: manifests[0] must be a descriptor object'],
    [
      'a bad digest in a descriptor',
      encode(withManifest({ ...entry, digest: 'sha256:abc' })),
      undefined,
      'invalid image index: manifests[0].digest must be a sha256 or sha512 digest (algorithm:lower-case hex)',
    ],
    ['a missing digest', encode(withManifest({ mediaType: OCI, size: 1 })), undefined, 'invalid image index: manifests[0].digest is required'],
    ['a negative size', encode(withManifest({ ...entry, size: -1 })), undefined, 'invalid image index: manifests[0].size must be a non-negative integer'],
    ['a fractional size', encode(withManifest({ ...entry, size: 1.5 })), undefined, 'invalid image index: manifests[0].size must be a non-negative integer'],
    ['a size given as a string', encode(withManifest({ ...entry, size: '1' })), undefined, 'invalid image index: manifests[0].size must be a number'],
    ['an empty media type', encode(withManifest({ ...entry, mediaType: '' })), undefined, 'invalid image index: manifests[0].mediaType must not be empty'],
    [
      'a platform without os',
      encode(withManifest({ ...entry, platform: { architecture: 'amd64' } })),
      undefined,
      'invalid image index: manifests[0].platform.os is required',
    ],
    [
      'an os.version that is not a string',
      encode(withManifest({ ...entry, platform: { architecture: 'amd64', os: 'windows', 'os.version': 10 } })),
      undefined,
      'invalid image index: manifests[0].platform["os.version"] must be a string',
    ],
    [
      'annotations with a number value',
      encode(withManifest({ ...entry, annotations: { a: 1 } })),
      undefined,
      'invalid image index: manifests[0].annotations.a must be a string',
    ],
    [
      'a manifest without config',
      encode({ schemaVersion: 2, mediaType: OCI, layers: [] }),
      undefined,
      'invalid image manifest: config is required',
    ],
    [
      'a config that is not an object',
      encode({ ...ociManifest, config: 'sha256' }),
      undefined,
      'invalid image manifest: config must be a descriptor object',
    ],
    [
      'os.features that are not strings',
      encode(withManifest({ ...entry, platform: { architecture: 'amd64', os: 'windows', 'os.features': [1] } })),
      undefined,
      'invalid image index: manifests[0].platform["os.features"][0] must be a string',
    ],
    [
      'a manifest with a bad layer digest',
      encode({ ...ociManifest, layers: [{ ...entry, digest: 'md5:abc' }] }),
      undefined,
      'invalid image manifest: layers[0].digest must be a sha256 or sha512 digest (algorithm:lower-case hex)',
    ],
  ];
  it.each(invalid)('rejects %s with MANIFEST_INVALID', (_why, bytes, contentType, message) => {
    expect(registryErrorOf(() => parseManifest(bytes, contentType))).toEqual({ code: 'MANIFEST_INVALID', message });
  });

  it('counts further problems and lists them in the detail', () => {
    const bytes = encode(withManifest({ mediaType: 7, digest: 'x', size: -1 }));
    let error: unknown;
    try {
      parseManifest(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RegistryError);
    const { message, detail } = error as RegistryError;
    expect(message).toBe('invalid image index: manifests[0].mediaType must be a string (and 2 more problems)');
    expect(detail).toEqual({
      issues: [
        issue('manifests[0].mediaType', 'must be a string'),
        issue('manifests[0].digest', 'must be a sha256 or sha512 digest (algorithm:lower-case hex)'),
        issue('manifests[0].size', 'must be a non-negative integer'),
      ],
    });
  });
});
