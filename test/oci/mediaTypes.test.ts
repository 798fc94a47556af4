import { describe, expect, it } from 'vitest';
import {
  ALL_MANIFEST_MEDIA_TYPES,
  isImageManifestMediaType,
  isIndexMediaType,
  isSchema1MediaType,
  mediaTypeEssence,
} from '../../src/oci/mediaTypes';

describe('media type predicates', () => {
  const rows: [string, { index: boolean; manifest: boolean; schema1: boolean }][] = [
    ['application/vnd.oci.image.index.v1+json', { index: true, manifest: false, schema1: false }],
    ['application/vnd.docker.distribution.manifest.list.v2+json', { index: true, manifest: false, schema1: false }],
    ['application/vnd.oci.image.manifest.v1+json', { index: false, manifest: true, schema1: false }],
    ['application/vnd.docker.distribution.manifest.v2+json', { index: false, manifest: true, schema1: false }],
    ['application/vnd.docker.distribution.manifest.v1+json', { index: false, manifest: false, schema1: true }],
    ['application/vnd.docker.distribution.manifest.v1+prettyjws', { index: false, manifest: false, schema1: true }],
    ['Application/VND.OCI.Image.Index.v1+json; charset=utf-8', { index: true, manifest: false, schema1: false }],
    ['application/vnd.oci.image.config.v1+json', { index: false, manifest: false, schema1: false }],
    ['application/json', { index: false, manifest: false, schema1: false }],
    ['', { index: false, manifest: false, schema1: false }],
  ];
  it.each(rows)('classifies %s', (mediaType, expected) => {
    expect({
      index: isIndexMediaType(mediaType),
      manifest: isImageManifestMediaType(mediaType),
      schema1: isSchema1MediaType(mediaType),
    }).toEqual(expected);
  });
});

describe('mediaTypeEssence(contentType)', () => {
  it('lower-cases and drops parameters and whitespace', () => {
    expect(mediaTypeEssence(' Application/JSON ; charset=utf-8')).toBe('application/json');
  });
});

describe('ALL_MANIFEST_MEDIA_TYPES', () => {
  it('lists indexes, then image manifests, then schema 1', () => {
    expect(ALL_MANIFEST_MEDIA_TYPES).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'application/vnd.docker.distribution.manifest.v1+json',
    ]);
  });
});
