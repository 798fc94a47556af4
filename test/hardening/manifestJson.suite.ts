/**
 * Index and manifest JSON as an admin (or an origin) could store it (docs/security.md, "Hostile
 * input"): malformed, huge, deeply nested, of wrong types, with duplicate or missing platforms.
 * Each case is put through the admin API with ADMIN_TOKEN, then asked for through every read route:
 * stored bytes come back unchanged, the platform chosen is the one the pure selector chooses, and
 * everything else is a spec error.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../src/oci/digest';
import { MAX_MANIFEST_BYTES } from '../../src/oci/manifest';
import { InvalidPlatformError } from '../../src/platform/errors';
import type { IndexEntry } from '../../src/platform/Platform';
import { requestedPlatform } from '../../src/platform/requestPlatform';
import { selectManifest } from '../../src/platform/selectManifest';
import { TEST_VARS } from '../helpers/worker';
import { acceptHeader, encode, platformSpec } from './arbitraries';
import { checkProperty } from './cases';
import { dispatch, expectSpecAnswer } from './exchange';
import { imageManifest, indexOf, manifestBytes, validDescriptor } from './manifestArbitraries';
import { expectNoInjectedMarkup } from './markup';

const SUITE = 'manifest JSON';
const TIMEOUT = 120_000;
const admin = { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}` };
const decoder = new TextDecoder();

let counter = 0;
const stats = { stored: 0, refused: 0, resolved: 0, noMatch: 0 };

afterAll(() => {
  console.log(`hardening, manifest JSON: ${stats.stored} stored, ${stats.refused} refused, ${stats.resolved} platforms resolved, ${stats.noMatch} without a match`);
});

async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array } = {}) {
  const exchange = await dispatch(new Request(`http://registry.test${path}`, { method, ...init }));
  await expectSpecAnswer(exchange);
  return exchange;
}

/** Puts `bytes` as `<name>:1`; 201 and the digest, or a 400 MANIFEST_INVALID. */
async function putTag(name: string, bytes: Uint8Array, contentType?: string) {
  const exchange = await send('PUT', `/admin/tags/${name}:1`, { headers: { ...admin, ...(contentType ? { 'Content-Type': contentType } : {}) }, body: bytes });
  if (exchange.response.status === 201) {
    stats.stored++;
    expect(exchange.response.headers.get('Docker-Content-Digest')).toBe(await sha256Digest(bytes));
  } else {
    stats.refused++;
    expect(exchange.response.status).toBe(400);
  }
  return exchange.response.status === 201;
}

describe('any bytes put as a tag', () => {
  it('are stored exactly as sent or refused with 400, and every read route then answers within the spec', async () => {
    const contentType = fc.option(fc.constantFrom('application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/json', 'text/html'), { nil: undefined });
    await checkProperty(SUITE, fc.asyncProperty(manifestBytes, contentType, platformSpec, async (bytes, type, spec) => {
      const name = `fuzz/bytes-${++counter}`;
      const stored = await putTag(name, bytes, type);
      const byTag = await send('GET', `/v2/${name}/manifests/1`, { headers: { Accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
      if (!stored) {
        expect(byTag.response.status).toBe(404);
        return;
      }
      expect(byTag.response.status).toBe(200);
      expect(byTag.body).toEqual(bytes);
      const digest = await sha256Digest(bytes);
      expect((await send('GET', `/v2/${name}/manifests/${digest}`)).body).toEqual(bytes);
      for (const path of [`/resolve/${name}:1?platform=${encode(spec)}`, `/platforms/${name}:1`, `/v2/${name}/manifests/1?platform=${encode(spec)}`]) await send('GET', path);
      const badge = await send('GET', `/badge/${name}:1.svg`);
      expectNoInjectedMarkup(decoder.decode(badge.body), 'svg');
      const page = await send('GET', `/image/${name}:1`);
      expectNoInjectedMarkup(decoder.decode(page.body), 'html');
    }), 600);
  }, TIMEOUT);
});

describe('indexes with duplicate, missing and hostile platforms', () => {
  it('resolve to the child the pure selector chooses, or to 404 MANIFEST_UNKNOWN naming what the tag offers', async () => {
    const scenario = fc.record({
      entries: fc.array(validDescriptor, { minLength: 0, maxLength: 8 }),
      stored: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      spec: platformSpec,
      strict: fc.boolean(),
      accept: fc.option(acceptHeader, { nil: undefined }),
    });
    await checkProperty(SUITE, fc.asyncProperty(scenario, async ({ entries, stored, spec, strict, accept }) => {
      const name = `fuzz/index-${++counter}`;
      // Real children for the entries, some of them stored, so that a choice can be served.
      const children = await Promise.all(entries.map(async (_, i) => {
        const bytes = imageManifest(`${name}-${i}`);
        return { bytes, digest: await sha256Digest(bytes) };
      }));
      const withChildren = entries.map((e, i) => ({ ...e, digest: children[i]!.digest, size: children[i]!.bytes.byteLength }));
      for (const [i, child] of children.entries()) {
        if (stored[i]) expect((await send('PUT', `/admin/manifests/${name}@${child.digest}`, { headers: admin, body: child.bytes })).response.status).toBe(201);
      }
      expect(await putTag(name, indexOf(withChildren))).toBe(true);

      const query = `?platform=${encode(spec)}${strict ? '&match=strict' : ''}`;
      const resolved = await send('GET', `/resolve/${name}:1${query}`, { headers: { Accept: 'text/plain' } });
      const requested = (() => {
        try {
          return requestedPlatform({ query: spec, match: strict ? 'strict' : null, mayInfer: true }, { defaults: { os: 'linux', architecture: 'amd64' }, hosts: {} });
        } catch (err) {
          if (err instanceof InvalidPlatformError) return undefined;
          throw err;
        }
      })();
      if (requested === undefined) {
        expect(resolved.response.status).toBe(400);
        return;
      }
      const choice = selectManifest(withChildren as IndexEntry[], requested.platform, { strict: requested.strict });
      if (!choice) {
        stats.noMatch++;
        expect(resolved.response.status).toBe(404);
        expect(decoder.decode(resolved.body)).toContain('it offers:');
        return;
      }
      const position = choice.position;
      if (!stored[position]) {
        expect(resolved.response.status).toBe(404);
        return;
      }
      stats.resolved++;
      expect(resolved.response.status).toBe(200);
      expect(decoder.decode(resolved.body)).toBe(`${children[position]!.digest}\n`);
      // The registry route agrees, whatever the client accepts; with `?platform=` empty, a
      // client that takes the index gets the index (it names no platform).
      const manifest = await send('GET', `/v2/${name}/manifests/1${query}`, { headers: accept === undefined ? {} : { Accept: accept.replace(/[^\t\x20-\x7e]/g, '?') } });
      if (manifest.response.status === 200 && requested.source === 'query') {
        expect(manifest.response.headers.get('Docker-Content-Digest')).toBe(children[position]!.digest);
      }
    }), 250);
  }, TIMEOUT);

  it('a huge index (4,000 entries, 1 MiB) is stored, listed and resolved; one over 4 MiB is refused', async () => {
    const child = imageManifest('huge');
    const digest = await sha256Digest(child);
    const platforms = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 's390x' }];
    const entries = Array.from({ length: 4000 }, (_, i) => ({ digest, size: child.byteLength, platform: platforms[i % 3], annotations: { n: String(i).padStart(120, '0') } }));
    const huge = indexOf(entries);
    expect(huge.byteLength).toBeGreaterThan(1024 * 1024);
    expect(huge.byteLength).toBeLessThan(MAX_MANIFEST_BYTES);
    await send('PUT', `/admin/manifests/fuzz/huge@${digest}`, { headers: admin, body: child });
    expect(await putTag('fuzz/huge', huge)).toBe(true);
    const started = performance.now();
    const resolved = await send('GET', '/resolve/fuzz/huge:1?platform=linux/s390x', { headers: { Accept: 'text/plain' } });
    expect(decoder.decode(resolved.body)).toBe(`${digest}\n`);
    const listed = await send('GET', '/platforms/fuzz/huge:1');
    expect((JSON.parse(decoder.decode(listed.body)) as { platforms: unknown[] }).platforms).toHaveLength(4000);
    await send('GET', '/badge/fuzz/huge:1.svg');
    expect(performance.now() - started).toBeLessThan(5_000);

    const tooBig = indexOf(Array.from({ length: 16_000 }, (_, i) => ({ digest, size: 1, annotations: { n: String(i).padStart(200, '0') } })));
    expect(tooBig.byteLength).toBeGreaterThan(MAX_MANIFEST_BYTES);
    expect(await putTag('fuzz/too-big', tooBig)).toBe(false);
  }, TIMEOUT);
});
