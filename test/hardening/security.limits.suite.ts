/**
 * Limits on what a request can make the worker read, hold, spend or send back (docs/security.md,
 * "Hostile input": limits on URL, header and body sizes). Cloudflare's edge refuses URLs over 16 KB
 * and request headers over 128 KB in total before a worker runs (Workers platform limits); the
 * worker itself bounds request bodies (4 MiB, streamed), names (255), tags (128), platform
 * specifiers (256), and how much of any of them an error repeats.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MANIFEST_BYTES } from '../../src/oci/manifest';
import { seedDemo } from '../helpers/demo';
import { TEST_VARS } from '../helpers/worker';
import { dispatch, expectSpecAnswer, MAX_ERROR_BYTES } from './exchange';

const KIB = 1024;
const admin = { Authorization: `Bearer ${TEST_VARS.ADMIN_TOKEN}` };

async function errorFor(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const exchange = await dispatch(new Request(`http://registry.test${path}`, { method, headers }));
  const code = await expectSpecAnswer(exchange);
  const message = (JSON.parse(new TextDecoder().decode(exchange.body)) as { errors: { message: string }[] }).errors[0]!.message;
  return { status: exchange.response.status, code, message, bytes: exchange.body.byteLength };
}

describe('platform specifiers (X-Platform, ?platform=, match=)', () => {
  const long = 'arm'.repeat(100); // 300 characters: no real specifier is that long

  it.each([
    ['X-Platform', '/v2/demo/app/manifests/1.0', { 'X-Platform': long }],
    ['?platform=', `/v2/demo/app/manifests/1.0?platform=${long}`, {}],
    ['?platform= on /resolve', `/resolve/demo/app:1.0?platform=linux/${long}`, {}],
  ])('refuses one longer than 256 characters in %s with 400 PLATFORM_INVALID', async (_, path, headers) => {
    await seedDemo();
    const error = await errorFor(path, headers);
    expect([error.status, error.code]).toEqual([400, 'PLATFORM_INVALID']);
    expect(error.message).toContain('longer than 256 characters');
  });

  it.each([
    ['X-Platform', { 'X-Platform': `linux/${'x'.repeat(16 * KIB)}` }, ''],
    ['match=', {}, `?platform=linux/arm64&match=${'x'.repeat(16 * KIB)}`],
    ['an os.version', {}, `?platform=windows(${'1'.repeat(16 * KIB)})/amd64`],
  ])('quotes at most about 100 characters of a 16 KiB %s in the error', async (_, headers, query) => {
    await seedDemo();
    const error = await errorFor(`/v2/demo/app/manifests/1.0${query}`, headers);
    expect(error.code).toBe('PLATFORM_INVALID');
    expect(error.message.length).toBeLessThan(300);
    expect(error.bytes).toBeLessThan(MAX_ERROR_BYTES);
  });
});

describe('URLs up to the 16 KB Cloudflare lets through', () => {
  const segment = 'a'.repeat(16 * KIB);

  it.each([
    ['an unknown route', `/no/such/${segment}`],
    ['an unknown registry endpoint', `/v2/${segment}`],
    ['a name', `/v2/${segment}/manifests/1.0`],
    ['a tag', `/v2/demo/app/manifests/${segment}`],
    ['a digest', `/v2/demo/app/manifests/sha256:${segment}`],
    ['a blob digest', `/v2/demo/app/blobs/sha256:${segment}`],
    ['a tags/list page size', `/v2/demo/app/tags/list?n=${segment}`],
    ['a resolve reference', `/resolve/demo/app:${segment}`],
    ['an admin reference', `/admin/tags/${segment}`],
  ])('are answered for %s with an error of at most 4 KiB', async (_, path) => {
    await seedDemo();
    const error = await errorFor(path);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.bytes).toBeLessThanOrEqual(MAX_ERROR_BYTES);
  });
});

describe('request headers up to the 128 KB Cloudflare lets through', () => {
  // Worst cases for the parsers' regular expressions: long runs that almost match.
  const runs = {
    Accept: `${'application/'.repeat(5000)}x;q=0.5${',;'.repeat(20000)}`,
    'User-Agent': `docker/1 ${'os/'.repeat(20000)} arch/${'a'.repeat(20000)}!`,
    'If-None-Match': `${'"x",'.repeat(25000)}*`,
    'Sec-CH-UA-Platform': `"${'\\"'.repeat(30000)}"`,
  };

  it('are parsed in linear time: each request answers within 250 ms', async () => {
    await seedDemo();
    for (const [name, value] of Object.entries(runs)) {
      const started = performance.now();
      const exchange = await dispatch(new Request('http://registry.test/v2/demo/app/manifests/1.0', { headers: { [name]: value } }));
      await expectSpecAnswer(exchange);
      expect(performance.now() - started, name).toBeLessThan(250);
    }
  });
});

describe('request bodies (admin PUT)', () => {
  /** A body of `total` bytes in 64 KiB chunks, counting what the worker pulled. */
  function countedBody(total: number) {
    const counter = { pulled: 0 };
    const chunk = new Uint8Array(64 * KIB).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        counter.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return { stream, counter };
  }

  it('stops reading a streamed body past 4 MiB and refuses it with 400', async () => {
    const { stream, counter } = countedBody(64 * 1024 * KIB);
    const request = new Request('http://registry.test/admin/tags/demo/huge:1', { method: 'PUT', headers: admin, body: stream, duplex: 'half' } as RequestInit);
    const exchange = await dispatch(request);
    expect(exchange.response.status).toBe(400);
    expect(await expectSpecAnswer(exchange)).toBe('MANIFEST_INVALID');
    expect(counter.pulled).toBeLessThanOrEqual(MAX_MANIFEST_BYTES + 2 * 64 * KIB);
  });

  it('refuses a body whose Content-Length is over 4 MiB before reading it', async () => {
    const { stream, counter } = countedBody(8 * 1024 * KIB);
    const request = new Request('http://registry.test/admin/tags/demo/huge:1', {
      method: 'PUT',
      headers: { ...admin, 'Content-Length': String(8 * 1024 * KIB) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const exchange = await dispatch(request);
    expect(await expectSpecAnswer(exchange)).toBe('MANIFEST_INVALID');
    expect(counter.pulled).toBeLessThanOrEqual(2 * 64 * KIB);
  });

  it('reads no body at all without a valid admin token', async () => {
    const { stream, counter } = countedBody(8 * 1024 * KIB);
    const request = new Request('http://registry.test/admin/tags/demo/huge:1', { method: 'PUT', headers: { Authorization: 'Bearer wrong' }, body: stream, duplex: 'half' } as RequestInit);
    const exchange = await dispatch(request);
    expect(await expectSpecAnswer(exchange)).toBe('UNAUTHORIZED');
    expect(counter.pulled).toBeLessThanOrEqual(2 * 64 * KIB);
  });
});
