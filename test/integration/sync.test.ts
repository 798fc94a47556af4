/**
 * `npm run sync` (scripts/sync.ts) against a real registry, into local KV in a temp
 * `--persist-to` directory; the values are then read back by the worker itself, started on that
 * KV with no upstream configured (so it can only answer from what sync wrote).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { buildMultiPlatformImage, formatPlatform, parsePlatformSpec } from '../../scripts/lib/ociLayout';
import { PROJECT_ROOT, projectNode } from '../../scripts/lib/project';
import { pushImage } from '../../scripts/lib/registryPush';
import type { RegistryServer } from '../../scripts/lib/registryServer';
import { runCommand } from '../../scripts/lib/runCommand';
import { ACCEPT_ALL, sha256 } from './helpers/http';
import { buildImages, REPOSITORY, startOrigin, type OriginImages } from './helpers/origin';

const TSX = join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const ONE = `origin.test/${REPOSITORY}:1.0`;
const DOCKER = `origin.test/${REPOSITORY}:1.0-docker`;

let images: OriginImages;
let registry: RegistryServer;
let dir: string;
let persistTo: string;

beforeAll(async () => {
  images = await buildImages();
  registry = await startOrigin(images);
  dir = await mkdtemp(join(tmpdir(), 'sync-test-'));
  persistTo = join(dir, 'state');
  await writeFile(join(dir, 'vars'), `# like .dev.vars\nUPSTREAMS=origin.test=${registry.url}\n`);
  await writeFile(join(dir, 'images.txt'), `# images to pre-warm\n${ONE}\n\n${DOCKER}   # Docker media types\n`);
});

afterAll(async () => {
  await registry?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sync(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const result = await runCommand(projectNode(), [TSX, join(PROJECT_ROOT, 'scripts', 'sync.ts'), ...args], { timeoutSeconds: 120 });
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('npm run sync', () => {
  it('--dry-run HEADs each tag, reports both as new, and writes nothing', async () => {
    const since = registry.accessLog.length;
    const run = await sync('--local', '--persist-to', persistTo, '--vars', join(dir, 'vars'), '--file', join(dir, 'images.txt'), '--dry-run');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain(`summary: 2 new, 0 updated, 0 unchanged, 0 failed; dry run, nothing written`);
    expect(out).toContain('upstream: 2 requests (2 manifest HEADs, 0 manifest GETs, 0 token requests)');
    expect(out.filter((l) => /^\[\d\/2\] /.test(l)).map((l) => l.slice(6)).sort()).toEqual(
      [`new       ${ONE} ${images.oci.index.digest}`, `new       ${DOCKER} ${images.docker.index.digest}`].sort(),
    );
    await registry.flushAccessLog();
    expect(registry.count({ method: 'GET' }, since)).toBe(0);
  });

  it('writes both tags with every manifest below them, verified, with progress', async () => {
    const since = registry.accessLog.length;
    const run = await sync('--local', '--persist-to', persistTo, '--vars', join(dir, 'vars'), '--file', join(dir, 'images.txt'), '--concurrency', '2');
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    // Each tag: its index, 10 platform manifests and 10 attestation manifests; 21 by digest + 1 tag key.
    expect(out).toContain('summary: 2 new, 0 updated, 0 unchanged, 0 failed; 44 KV entries written');
    expect(out).toContain('upstream: 44 requests (2 manifest HEADs, 42 manifest GETs, 0 token requests)');
    expect(out.filter((l) => /^\[\d\/2\] /.test(l)).map((l) => l.slice(6)).sort()).toEqual(
      [
        `new       ${ONE} ${images.oci.index.digest}, 21 manifests fetched, 0 already in KV`,
        `new       ${DOCKER} ${images.docker.index.digest}, 21 manifests fetched, 0 already in KV`,
      ].sort(),
    );
    await registry.flushAccessLog();
    expect(registry.count({ method: 'GET', path: /\/manifests\/sha256:/ }, since)).toBe(40);
  });

  it('left KV as the worker reads it: tags, children by digest, platform answers', async () => {
    // No UPSTREAMS: the worker can only answer from KV.
    const worker = await WorkerServer.start({ bundle: inject('workerBundle'), persistTo });
    try {
      const kv = await worker.mf.getKVNamespace('MANIFESTS');
      const keys = (await kv.list({ prefix: 'v1:' })).keys.map((k) => k.name);
      const digests = (image: OriginImages['oci']) => [
        image.index.digest,
        ...image.children.flatMap((c) => [c.manifest.digest, c.attestation!.digest]),
      ];
      expect(keys.sort()).toEqual(
        [
          `v1:tag:origin.test/${REPOSITORY}:1.0`,
          `v1:tag:origin.test/${REPOSITORY}:1.0-docker`,
          ...[...digests(images.oci), ...digests(images.docker)].map((d) => `v1:manifest:origin.test/${REPOSITORY}@${d}`),
        ].sort(),
      );
      const tag = await kv.getWithMetadata(`v1:tag:origin.test/${REPOSITORY}:1.0`, 'arrayBuffer');
      expect(sha256(tag.value as ArrayBuffer)).toBe(images.oci.index.digest);
      expect(tag.metadata).toMatchObject({ digest: images.oci.index.digest, mediaType: images.oci.index.mediaType });

      const index = await worker.fetch(`/v2/origin.test/${REPOSITORY}/manifests/1.0-docker`, { headers: { Accept: ACCEPT_ALL } });
      expect([index.status, index.headers.get('Docker-Content-Digest')]).toEqual([200, images.docker.index.digest]);
      const armv7 = images.docker.children.find((c) => formatPlatform(c.platform) === 'linux/arm/v7')!;
      const child = await worker.fetch(`/v2/origin.test/${REPOSITORY}/manifests/1.0-docker?platform=linux/arm/v7`, { headers: { Accept: ACCEPT_ALL } });
      expect([child.status, child.headers.get('Docker-Content-Digest')]).toEqual([200, armv7.manifest.digest]);
      expect(sha256(await child.arrayBuffer())).toBe(armv7.manifest.digest);
    } finally {
      await worker.stop();
    }
  });

  it('after a re-push: one tag updated (only its new index fetched), the other unchanged (a HEAD alone)', async () => {
    const next = await buildMultiPlatformImage({ repository: REPOSITORY, platforms: ['linux/amd64', 'linux/arm64/v8'].map(parsePlatformSpec) });
    await pushImage(next, { registry: registry.host, repository: REPOSITORY, tag: '1.0' });
    const run = await sync('--local', '--persist-to', persistTo, '--upstream', `origin.test=${registry.url}`, ONE, DOCKER);
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain('summary: 0 new, 1 updated, 1 unchanged, 0 failed; 2 KV entries written');
    expect(out).toContain('upstream: 3 requests (2 manifest HEADs, 1 manifest GETs, 0 token requests)');
    expect(out.filter((l) => /^\[\d\/2\] /.test(l)).map((l) => l.slice(6)).sort()).toEqual(
      [
        `updated   ${ONE} ${next.index.digest} (was ${images.oci.index.digest}), 1 manifests fetched, 4 already in KV`,
        `unchanged ${DOCKER} ${images.docker.index.digest}`,
      ].sort(),
    );
  });

  it('fails (exit 1) on a tag the registry does not have, and on a registry with no upstream', async () => {
    const missing = await sync('--local', '--persist-to', persistTo, '--upstream', `origin.test=${registry.url}`, `origin.test/${REPOSITORY}:nope`);
    expect(missing.status).toBe(1);
    expect(lines(missing.stdout)).toContain('summary: 0 new, 0 updated, 0 unchanged, 1 failed; 0 KV entries written');
    expect(missing.stderr).toBe(`failed: origin.test/${REPOSITORY}:nope: the registry has no such tag\n`);
    const unknown = await sync('--local', '--persist-to', persistTo, '--upstream', `origin.test=${registry.url}`, 'other.test/x:1');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('sync: no upstream for registry other.test: add it to UPSTREAMS or pass --upstream other.test=https://…\n');
    const usage = await sync('--local', '--remote', ONE);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^sync: choose one of --local and --remote\nusage: npm run sync/);
  });
});
