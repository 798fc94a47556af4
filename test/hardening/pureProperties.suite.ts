/**
 * Properties of the pure parsers every request goes through (docs/security.md, "Hostile input"):
 * they never throw anything but their one documented error, and what they accept round-trips
 * through its formatter. Cheap, so they carry most of the run's generated cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptsMediaType, negotiateManifestType, parseAccept } from '../../src/oci/accept';
import { sha256Digest, verifyDigest } from '../../src/oci/digest';
import { assertDigest, assertName, assertTag, isValidDigest, isValidName, isValidTag, MAX_NAME_LENGTH } from '../../src/oci/grammar';
import { parseManifest } from '../../src/oci/manifest';
import { familiarName, formatReference, parseImageName, parseReference } from '../../src/oci/reference';
import { normalizeRegistryHost } from '../../src/oci/registryHost';
import { RegistryError } from '../../src/oci/RegistryError';
import { escapeHtml } from '../../src/page/html';
import { InvalidPlatformError } from '../../src/platform/errors';
import { formatPlatform } from '../../src/platform/formatPlatform';
import { normalizePlatform } from '../../src/platform/normalizePlatform';
import { parsePlatform } from '../../src/platform/parsePlatform';
import type { IndexEntry } from '../../src/platform/Platform';
import { requestedPlatform } from '../../src/platform/requestPlatform';
import { rankManifests, selectManifest } from '../../src/platform/selectManifest';
import { parseRetryAfter } from '../../src/upstream/parseRetryAfter';
import { parseWwwAuthenticate } from '../../src/upstream/parseWwwAuthenticate';
import {
  acceptHeader,
  digestLike,
  hostileString,
  MANIFEST_MEDIA_TYPES,
  nameLike,
  platformSpec,
  registryHost,
  requestHost,
  tagLike,
  userAgent,
  validName,
  validTag,
  wellFormed,
  writablePlatform,
} from './arbitraries';
import { checkProperty } from './cases';
import { indexJson, manifestBytes, validIndexJson } from './manifestArbitraries';

const SUITE = 'pure functions';
/** Long enough for 25,000 runs of the slowest of these (zod on generated manifests). */
const TIMEOUT = 60_000;

/** Runs `body` expecting either a value or exactly `errorType`; anything else fails the property. */
function onlyThrows<T>(errorType: new (...args: never[]) => Error, body: () => T): T | undefined {
  try {
    return body();
  } catch (err) {
    if (err instanceof errorType) return undefined;
    throw err;
  }
}

describe('parsePlatform and formatPlatform (docs/platform-rules.md §2)', () => {
  it('parse(format(p)) gives back every platform the grammar can write', async () => {
    const platform = writablePlatform.map((p) => ({
      ...p,
      ...(p.osVersion === undefined ? {} : { osVersion: wellFormed(p.osVersion) }),
      ...(p.osFeatures === undefined ? {} : { osFeatures: p.osFeatures.map(wellFormed) }),
    }));
    await checkProperty(SUITE, fc.property(platform, (p) => {
      expect(parsePlatform(formatPlatform(p))).toEqual(p);
    }), 20_000);
  }, TIMEOUT);

  it('whatever parses, formats to a specifier that parses to the same platform; nothing else is thrown', async () => {
    const spec = fc.oneof(platformSpec, fc.string({ unit: 'binary', maxLength: 60 }));
    await checkProperty(SUITE, fc.property(spec, (s) => {
      const parsed = onlyThrows(InvalidPlatformError, () => parsePlatform(s));
      if (parsed === undefined) return;
      expect(parsePlatform(formatPlatform(parsed))).toEqual(parsed);
    }), 25_000);
  }, TIMEOUT);

  it('normalizing is idempotent and survives a format/parse round trip', async () => {
    await checkProperty(SUITE, fc.property(platformSpec, (s) => {
      const parsed = onlyThrows(InvalidPlatformError, () => parsePlatform(s));
      if (parsed === undefined) return;
      const normal = normalizePlatform(parsed);
      expect(normalizePlatform(normal)).toEqual(normal);
      expect(normalizePlatform(parsePlatform(formatPlatform(normal)))).toEqual(normal);
    }), 10_000);
  }, TIMEOUT);

  it('requestedPlatform (docs/platform-rules.md §10) returns a normalized platform or throws InvalidPlatformError', async () => {
    const input = fc.record({
      query: fc.option(platformSpec),
      match: fc.option(fc.oneof(fc.constant('strict'), hostileString)),
      header: fc.option(platformSpec),
      host: fc.option(requestHost),
      userAgent: fc.option(userAgent),
      mayInfer: fc.boolean(),
      hints: fc.record({ platform: fc.option(hostileString), arch: fc.option(fc.oneof(fc.constantFrom('"x86"', '"arm"', 'arm'), hostileString)), bitness: fc.option(fc.constantFrom('"64"', '"32"', '')) }),
    });
    const options = { defaults: { os: 'linux', architecture: 'amd64' }, hosts: { 'arm64.edge.test': 'linux/arm64', 'armv7.edge.test': 'linux/arm/v7' } };
    await checkProperty(SUITE, fc.property(input, (i) => {
      const requested = onlyThrows(InvalidPlatformError, () => requestedPlatform(i, options));
      if (requested === undefined) return;
      expect(normalizePlatform(requested.platform)).toEqual(requested.platform);
      expect(requested.explicit).toBe(['query', 'header', 'host'].includes(requested.source));
    }), 5_000);
  }, TIMEOUT);
});

describe('names, tags and digests (distribution-spec grammar)', () => {
  const opts = { defaultRegistry: 'docker.io' };

  it('parseReference returns a reference whose canonical form parses back to it, or throws NAME/TAG/DIGEST_INVALID', async () => {
    const reference = fc.oneof(
      fc.tuple(nameLike, fc.option(tagLike), fc.option(digestLike)).map(([n, t, d]) => `${n}${t === null ? '' : `:${t}`}${d === null ? '' : `@${d}`}`),
      fc.string({ unit: 'binary', maxLength: 80 }),
    );
    await checkProperty(SUITE, fc.property(reference, (r) => {
      const ref = onlyThrows(RegistryError, () => parseReference(r, opts));
      if (ref === undefined) {
        try {
          parseReference(r, opts);
        } catch (err) {
          const error = err as RegistryError;
          expect(['NAME_INVALID', 'TAG_INVALID', 'DIGEST_INVALID']).toContain(error.code);
          // Errors quote at most ~100 characters of the input.
          expect(error.message.length).toBeLessThan(600);
        }
        return;
      }
      const again = parseReference(formatReference(ref), opts);
      expect({ registry: again.image.registry, repository: again.image.repository, tag: again.tag, digest: again.digest })
        .toEqual({ registry: ref.image.registry, repository: ref.image.repository, tag: ref.tag, digest: ref.digest });
      const familiar = parseImageName(familiarName(ref.image), opts);
      expect([familiar.registry, familiar.repository]).toEqual([ref.image.registry, ref.image.repository]);
    }), 15_000);
  }, TIMEOUT);

  it('the is… predicates agree with the assert… functions, and valid parts are accepted', async () => {
    const part = fc.oneof(validName, validTag, digestLike, nameLike, tagLike, fc.string({ unit: 'binary', maxLength: 140 }));
    await checkProperty(SUITE, fc.property(part, (s) => {
      const throws = (assert: (x: string) => void) => {
        try {
          assert(s);
          return false;
        } catch (err) {
          expect(err).toBeInstanceOf(RegistryError);
          return true;
        }
      };
      expect(throws(assertName)).toBe(!isValidName(s));
      expect(throws(assertTag)).toBe(!isValidTag(s));
      expect(throws(assertDigest)).toBe(!isValidDigest(s));
      if (isValidName(s)) expect(s.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    }), 10_000);
  }, TIMEOUT);

  it('normalizeRegistryHost returns a lower-case host or throws NAME_INVALID', async () => {
    await checkProperty(SUITE, fc.property(fc.oneof(registryHost, hostileString), (host) => {
      const normal = onlyThrows(RegistryError, () => normalizeRegistryHost(host));
      if (normal === undefined) return;
      expect(normal).toBe(normal.toLowerCase());
      expect(normalizeRegistryHost(normal)).toBe(normal);
    }), 5_000);
  }, TIMEOUT);

  it('a digest verifies its own bytes and no others', async () => {
    await checkProperty(SUITE, fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ minLength: 1, maxLength: 4 }), async (bytes, extra) => {
      const digest = await sha256Digest(bytes);
      await verifyDigest(bytes, digest);
      const other = new Uint8Array([...bytes, ...extra]);
      await expect(verifyDigest(other, digest)).rejects.toMatchObject({ code: 'DIGEST_INVALID' });
    }), 2_000);
  }, TIMEOUT);
});

describe('parseAccept (RFC 9110 §12.5.1)', () => {
  it('never throws; every entry is a lower-case media range with 0 ≤ q ≤ 1; decisions agree', async () => {
    await checkProperty(SUITE, fc.property(fc.oneof(acceptHeader, fc.string({ unit: 'binary', maxLength: 80 })), fc.constantFrom(...MANIFEST_MEDIA_TYPES), (header, type) => {
      for (const entry of parseAccept(header)) {
        expect(entry.type).toBe(entry.type.toLowerCase());
        expect(entry.type).toMatch(/^[^\s/]+\/[^\s/]+$/);
        expect(entry.q).toBeGreaterThanOrEqual(0);
        expect(entry.q).toBeLessThanOrEqual(1);
      }
      expect(acceptsMediaType(header, type)).toBe(negotiateManifestType(header, [type]) === type);
    }), 15_000);
  }, TIMEOUT);

  it('a header written from entries parses back to those entries', async () => {
    const entry = fc.record({
      type: fc.oneof(fc.constantFrom(...MANIFEST_MEDIA_TYPES, '*/*', 'application/*'), fc.stringMatching(/^[a-z0-9!#$&^_.+-]{1,10}\/[a-z0-9!#$&^_.+-]{1,10}$/)),
      q: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
      params: fc.dictionary(fc.stringMatching(/^[a-p]{1,6}$/), fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), { maxKeys: 2 }),
    });
    await checkProperty(SUITE, fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), (entries) => {
      const header = entries
        .map((e) => [e.type, ...Object.entries(e.params).map(([k, v]) => `${k}="${v.replace(/["\\]/g, '\\$&')}"`), `q=${e.q}`].join('; '))
        .join(', ');
      expect(parseAccept(header)).toEqual(entries.map((e) => ({ type: e.type, q: e.q, params: { ...e.params } })));
    }), 8_000);
  }, TIMEOUT);
});

describe('parseManifest (image-spec image-index.md, manifest.md)', () => {
  it('returns a validated manifest or throws MANIFEST_INVALID, for any bytes and any JSON', async () => {
    const contentType = fc.option(fc.oneof(fc.constantFrom(...MANIFEST_MEDIA_TYPES, 'application/json', 'text/html', 'application/vnd.docker.distribution.manifest.v1+prettyjws'), hostileString), { nil: undefined });
    await checkProperty(SUITE, fc.property(manifestBytes, contentType, (bytes, type) => {
      const parsed = onlyThrows(RegistryError, () => parseManifest(bytes, type));
      if (parsed === undefined) {
        try {
          parseManifest(bytes, type);
        } catch (err) {
          expect((err as RegistryError).code).toBe('MANIFEST_INVALID');
          expect((err as RegistryError).message.length).toBeLessThan(2_000);
        }
        return;
      }
      expect(parsed.kind === 'index').toBe(Array.isArray(parsed.manifests));
      expect(parsed.mediaType).toBe(parsed.mediaType.toLowerCase());
    }), 5_000);
  }, TIMEOUT);
});

describe('choosing a child (docs/platform-rules.md §7)', () => {
  it('selectManifest chooses the first of rankManifests, and only an image entry matching the request', async () => {
    await checkProperty(SUITE, fc.property(fc.oneof(validIndexJson, indexJson), platformSpec, fc.boolean(), (index, spec, strict) => {
      const request = onlyThrows(InvalidPlatformError, () => parsePlatform(spec));
      const parsed = onlyThrows(RegistryError, () => parseManifest(new TextEncoder().encode(JSON.stringify(index))));
      if (request === undefined || parsed?.kind !== 'index') return;
      const entries = parsed.manifests as IndexEntry[];
      const chosen = selectManifest(entries, request, { strict });
      const ranked = rankManifests(entries, request, { strict });
      expect(chosen?.position).toBe(ranked[0]?.position);
      if (chosen?.exact) expect(chosen.platform?.os).toBe(normalizePlatform(request).os);
    }), 5_000);
  }, TIMEOUT);
});

describe('parseWwwAuthenticate (RFC 7235 §4.1)', () => {
  it('never throws on any header', async () => {
    await checkProperty(SUITE, fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), hostileString), (header) => {
      for (const challenge of parseWwwAuthenticate(header)) {
        expect(challenge.scheme).toBe(challenge.scheme.toLowerCase());
        expect(Object.getPrototypeOf(challenge.params)).toBeNull();
      }
    }), 10_000);
  }, TIMEOUT);

  it('reads back the challenges it is given, quoted values with commas, quotes and backslashes included', async () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,8}$/);
    const challenge = fc.record({
      scheme: token,
      params: fc.uniqueArray(fc.tuple(token, fc.string({ unit: 'grapheme-ascii', maxLength: 20 })), { selector: ([k]) => k.toLowerCase(), minLength: 1, maxLength: 4 }),
    });
    await checkProperty(SUITE, fc.property(fc.array(challenge, { minLength: 1, maxLength: 3 }), (challenges) => {
      const header = challenges
        .map((c) => `${c.scheme} ${c.params.map(([k, v]) => `${k}="${v.replace(/["\\]/g, '\\$&')}"`).join(', ')}`)
        .join(', ');
      const parsed = parseWwwAuthenticate(header);
      expect(parsed.map((c) => ({ scheme: c.scheme, params: { ...c.params } }))).toEqual(
        challenges.map((c) => ({ scheme: c.scheme.toLowerCase(), params: Object.fromEntries(c.params.map(([k, v]) => [k.toLowerCase(), v])) })),
      );
    }), 8_000);
  }, TIMEOUT);

  it('parseRetryAfter gives a whole number of seconds ≥ 0 or nothing', async () => {
    await checkProperty(SUITE, fc.property(fc.oneof(fc.nat().map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()), hostileString), (value) => {
      const seconds = parseRetryAfter(value, Date.UTC(2030, 0, 1));
      if (seconds !== undefined) {
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(0);
      }
    }), 5_000);
  }, TIMEOUT);
});

describe('escapeHtml', () => {
  it('leaves no markup character and decodes back to the input', async () => {
    const decode = (s: string) => s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
    await checkProperty(SUITE, fc.property(fc.oneof(hostileString, fc.string({ unit: 'binary' })), (s) => {
      const escaped = escapeHtml(s);
      expect(escaped).not.toMatch(/[<>"']/);
      expect(escaped).not.toMatch(/&(?!(lt|gt|quot|#39|amp);)/);
      expect(decode(escaped)).toBe(s);
    }), 5_000);
  }, TIMEOUT);
});
