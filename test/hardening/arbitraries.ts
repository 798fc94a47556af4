/**
 * fast-check generators for hostile input (docs/security.md, "Hostile input"): request parts as the
 * distribution grammar allows them, as clients get them slightly wrong, and as an attacker writes
 * them. Every generator mixes the three, so a property sees valid answers and errors alike.
 */
import fc from 'fast-check';
import { NAME_PATTERN, TAG_PATTERN } from '../../src/oci/grammar';
import {
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
  DOCKER_SCHEMA1_MEDIA_TYPE,
  OCI_INDEX_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
} from '../../src/oci/mediaTypes';
import type { Platform } from '../../src/platform/Platform';

/** Strings that break naive parsers: traversal, encodings, quotes, markup, control and lone surrogates. */
export const NASTY_STRINGS = [
  '', ' ', '.', '..', '../..', '%2e%2e', '%2F', '%00', '\u0000', '\r\n', '\t', '%', '%zz', '%%', '#', '?', '@', ':', '::',
  '/', '//', '\\', '\\\\evil.example', '//evil.example', 'https://evil.example/', 'javascript:alert(1)',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'", '"', '&amp;', ']]>', '<!--', '${x}', '{{x}}',
  '\u202e', '\ufeff', '\ud800', '\udfff', 'é', 'İ', 'ﬀ', '𝔘', '🐳', 'a'.repeat(256), 'A'.repeat(129), '0'.repeat(64),
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', 'undefined', 'NaN', '-1', '1e309',
] as const;

/** Any string, biased towards the nasty ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY_STRINGS), { maxLength: 5 }).map((parts) => parts.join('')) },
);

const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:(?:\.|_|__|-{1,3})[a-z0-9]{1,8}){0,2}$/);

/** Repository names of the distribution grammar (at most 255 characters). */
export const validName: fc.Arbitrary<string> = fc
  .array(component, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('/'))
  .filter((name) => name.length <= 255 && NAME_PATTERN.test(name));

/** Registry hosts as image names start with them, valid or not. */
export const registryHost: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('docker.io', 'index.docker.io', 'registry-1.docker.io', 'ghcr.io', 'quay.io', 'localhost', 'localhost:5000', 'origin.test'),
  fc.constantFrom('127.0.0.1:5000', '[::1]:5000', '[::1]', '300.1.1.1', 'host:0', 'host:99999', 'a..b', '-a.b', 'a.b-', 'UPPER.CASE.IO'),
  fc.domain().map((d) => d.toLowerCase()),
  fc.tuple(fc.domain(), fc.integer({ min: 0, max: 70000 })).map(([d, port]) => `${d}:${port}`),
);

/** Names: valid, with a host, mixed-case, hostile, or valid with hostile pieces spliced in. */
export const nameLike: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: validName },
  { weight: 2, arbitrary: fc.tuple(registryHost, validName).map(([host, name]) => `${host}/${name}`) },
  { weight: 1, arbitrary: fc.mixedCase(validName) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.tuple(validName, hostileString, validName).map(([a, b, c]) => `${a}/${b}/${c}`) },
  { weight: 1, arbitrary: fc.constantFrom('demo/app', 'library/golang', 'golang', 'docker.io/demo/app', 'a'.repeat(300)) },
);

/** Tags of the grammar (up to 128 characters). */
export const validTag: fc.Arbitrary<string> = fc.stringMatching(TAG_PATTERN).filter((t) => t.length <= 128);

export const tagLike: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: validTag },
  { weight: 2, arbitrary: fc.constantFrom('1.0', '1.0-docker', '1.0-amd64', 'latest', '-rc', '.hidden', 'a'.repeat(129), 'x'.repeat(128)) },
  { weight: 2, arbitrary: hostileString },
);

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** A well-formed sha256 digest. */
export const sha256Like: fc.Arbitrary<string> = hex(64).map((h) => `sha256:${h}`);

/** Digests: valid sha256/sha512, wrong lengths and cases, other algorithms, hostile. */
export const digestLike: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: sha256Like },
  { weight: 1, arbitrary: hex(128).map((h) => `sha512:${h}`) },
  { weight: 1, arbitrary: hex(64).map((h) => `sha256:${h.toUpperCase()}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('sha256', 'sha512', 'md5', 'sha1', 'SHA256', 'sha256+b64', 'a.b'), fc.string({ maxLength: 130 })).map(([a, e]) => `${a}:${e}`) },
  { weight: 1, arbitrary: fc.tuple(hex(64), hostileString).map(([h, s]) => `sha256:${h}${s}`) },
  { weight: 1, arbitrary: hostileString },
);

const OS_WORD = fc.constantFrom('linux', 'windows', 'darwin', 'macos', 'freebsd', 'Linux', 'WINDOWS', 'unknown', 'plan9', 'solaris');
const ARCH_WORD = fc.constantFrom('amd64', 'arm64', 'arm', 'aarch64', 'x86_64', 'x86-64', 'i386', '386', 'armhf', 'armel', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'unknown', 'AMD64');
const VARIANT_WORD = fc.constantFrom('v5', 'v6', 'v7', 'v8', 'v9', '7', '8', 'v8.0', 'v1', 'v2', 'v3', 'v4', 'V7');

/** An os name the specifier grammar allows, `[A-Za-z0-9_-]+`. */
export const osPart = fc.oneof(OS_WORD, fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/));
/** An architecture or variant the grammar allows, `[A-Za-z0-9_.-]+`. */
export const otherPart = fc.oneof(ARCH_WORD, VARIANT_WORD, fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/));

/** A Platform whose fields the specifier grammar can write: parse(format(p)) should give p back. */
export const writablePlatform: fc.Arbitrary<Platform> = fc
  .record(
    {
      os: osPart,
      architecture: otherPart,
      variant: otherPart,
      osVersion: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.stringMatching(/^10\.0\.\d{5}(\.\d{1,4})?$/)),
      osFeatures: fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ['os', 'architecture'] },
  )
  // Requests for os or architecture `unknown` are refused by design (docs/platform-rules.md §2).
  .filter((p) => p.os.toLowerCase() !== 'unknown' && p.architecture.toLowerCase() !== 'unknown');

/** Platform specifiers: valid forms of the §2 grammar, near misses and hostile strings. */
export const platformSpec: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(osPart, otherPart, fc.option(otherPart, { nil: undefined })).map(([o, a, v]) => [o, a, v].filter((x) => x !== undefined).join('/')) },
  { weight: 2, arbitrary: fc.constantFrom('linux/amd64', 'linux/arm64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/arm/v6', 'windows/amd64', 'windows(10.0.20348)/amd64', 'windows(10.0.17763.1+win32k)/amd64', 'arm64', 'linux', 'windows', 'darwin/arm64') },
  { weight: 1, arbitrary: fc.tuple(osPart, hostileString, otherPart).map(([o, v, a]) => `${o}(${v})/${a}`) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'linux/*', 'linux//amd64', '/amd64', 'linux/amd64/v8/extra', 'unknown/amd64', 'linux/unknown', 'linux(%zz)/amd64', 'linux(/amd64', ')(') },
  { weight: 2, arbitrary: hostileString },
);

export const MANIFEST_MEDIA_TYPES = [OCI_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE] as const;

const mediaRange = fc.oneof(
  fc.constantFrom(...MANIFEST_MEDIA_TYPES, DOCKER_SCHEMA1_MEDIA_TYPE, '*/*', 'application/*', 'application/json', 'text/plain', 'text/html', 'image/svg+xml'),
  fc.stringMatching(/^[a-z0-9.+-]{1,10}\/[a-z0-9.+*-]{1,20}$/),
);
const qvalue = fc.oneof(fc.constantFrom('0', '1', '0.5', '0.001', '1.000', '0.0'), fc.constantFrom('2', '-1', '0.1234', 'x', '', '1e0'));
const acceptEntry = fc
  .tuple(mediaRange, fc.option(qvalue, { nil: undefined }), fc.option(fc.constantFrom('; charset=utf-8', ';level="a,b;c"', ';x', ';="q"'), { nil: undefined }))
  .map(([range, q, extra]) => `${range}${extra ?? ''}${q === undefined ? '' : `;q=${q}`}`);

/** `Accept` headers: what clients send, lists with weights and parameters, garbage. */
export const acceptHeader: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.array(acceptEntry, { minLength: 1, maxLength: 6 }), fc.constantFrom(', ', ',', ' , ')).map(([entries, comma]) => entries.join(comma)) },
  { weight: 1, arbitrary: fc.constant(MANIFEST_MEDIA_TYPES.join(', ')) },
  { weight: 2, arbitrary: hostileString },
);

/** User-Agent headers: Docker daemons (with any os/arch), other clients, garbage. */
export const userAgent: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.oneof(osPart, hostileString), fc.oneof(otherPart, hostileString)).map(
    ([os, arch]) => `docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/${os} arch/${arch} UpstreamClient(Docker-Client/24.0.7 \\(darwin\\))`,
  ),
  fc.constantFrom('containerd/1.7.0', 'skopeo/1.9.3', 'Mozilla/5.0', 'curl/8.0', 'docker/', 'docker/1 os/ arch/', 'docker/1 os/linux'),
  hostileString,
);

/** Host names a request can arrive on: the pinned ones, odd spellings, IP literals. */
export const requestHost: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('registry.test', 'arm64.edge.test', 'ARM64.EDGE.TEST', 'arm64.edge.test.', 'armv7.edge.test:8443', 'localhost', '127.0.0.1', '[::1]', '[::1]:8787'),
  fc.domain(),
  fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([d, p]) => `${d}:${p}`),
  fc.ipV4(),
  fc.ipV6().map((v6) => `[${v6}]`),
);

const QUERY_KEYS = ['platform', 'match', 'n', 'last', 'style', 'label', 'color', 'labelColor', 'os', 'arch', 'digest', 'ns'] as const;

/** Query strings: known keys with hostile values, repeated keys, raw and encoded. */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: hostileString }),
      fc.oneof(platformSpec, hostileString, fc.constantFrom('strict', '0', '1', '-1', '1e3', '99999999999', 'flat', 'for-the-badge', 'red', '#fff', 'rgb(1,2,3)')),
      fc.boolean(),
    ),
    { maxLength: 5 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : '?' + pairs.map(([k, v, raw]) => (raw ? `${k}=${v}` : `${encode(k)}=${encode(v)}`)).join('&'),
  );

/** `encodeURIComponent`, which throws on a lone surrogate, after replacing those with U+FFFD. */
export function encode(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

/** `value` with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
export function wellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
