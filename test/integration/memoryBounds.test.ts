/**
 * Memory bounds (failing first, for the storage redesign): the bundled worker under workerd
 * (Miniflare) with its V8 old space capped at 128 MB, the production isolate limit, KV only
 * (UPSTREAMS=''). 40 distinct OCI indexes of just under 4 MiB each (MAX_MANIFEST_BYTES of
 * src/oci/manifest.ts, less 1 KiB) — four platform entries and one ~4 MB annotation each — are
 * stored as tags through the admin API, then each is read through `/platforms`,
 * `/resolve?platform=linux/amd64` and `/badge/….svg`, two indexes at a time. Whatever the worker
 * keeps in isolate memory between requests must be bounded in bytes, not only in entries: all
 * 120 reads answer 200 with the right content, none fails to connect or gets a status ≥ 500,
 * and the same workerd process still answers `/v2/` at the end (Miniflare restarts a crashed
 * workerd on another port with empty KV, so its process id is checked too).
 *
 * Two shapes, each with its own worker, because where the 4 MB sit decides what a memo of
 * parsed index entries keeps:
 * - in an annotation of the index's first entry (descriptor `annotations`, valid OCI): the
 *   entries themselves are 4 MiB;
 * - in the index's top-level `annotations`: the entries are small, the manifest is not. This
 *   shape guards against keeping whole records or parsed manifests instead.
 *
 * The admin API writes the tags (not Miniflare's KV API): it is the path an operator uses, and
 * it writes the key layout of src/store/keys.ts itself, so the test does not copy it. The four
 * child image manifests (the same for all indexes, which differ in their annotation) are stored
 * by digest the same way, so `/resolve` has a child to answer with.
 *
 * Today's code (8c9b7fa) fails the first shape and passes the second (measured three times;
 * each shape takes 20–60 s, mostly the upload, on two shared cores):
 * - entry annotation: workerd dies with "workerd/jsg/setup.c++:38: fatal: V8 fatal error;
 *   location = Reached heap limit; message = : allocation failed: JavaScript heap out of
 *   memory" at the 28th or 29th index: statuses {"200":85} or {"200":86}, 35 or 34 connection
 *   failures ("read ECONNRESET" / "other side closed", then "connect ECONNREFUSED" as Miniflare
 *   restarts workerd elsewhere), 0 statuses ≥ 500, `/v2/` at the end "fetch failed", the first
 *   workerd gone. workerd RSS: 73 MiB idle, 210–234 MiB after the upload (KV lives in the same
 *   process), 378 MiB at the crash. The cause: the parsed-index memo of
 *   src/resolve/resolveManifest.ts (`parsedIndexes`, a BoundedMap of 256 entries whatever their
 *   size) keeps each index's entries, each with its 4 MB annotation: 28 × 4 MiB fill the 128 MB.
 * - top-level annotation (an unknown top-level key was tried too, with the same result): all
 *   120 answer 200, workerd RSS at most 243–266 MiB; the memo keeps only the small entries. So
 *   the reported crash "after ~14 distinct 4 MiB indexes via /platforms" needs the 4 MB inside
 *   the index's entries; with one byte a character it comes after 28 here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerServer } from '../../scripts/lib/miniflareWorker';
import { sha256 } from './helpers/http';

const ADMIN_TOKEN = 'memory-bounds-admin-token';
const V8_FLAGS = '--max-old-space-size=128';
const INDEXES = 40;
const CONCURRENCY = 2;
/** 4 MiB, MAX_MANIFEST_BYTES of src/oci/manifest.ts (not imported: the worker's code stays in its bundle). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Each index's size: just under the limit. */
const INDEX_BYTES = MAX_MANIFEST_BYTES - 1024;
const IMAGE = 'origin.test/memory/wide';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const REQUEST_TIMEOUT_MS = 60_000;

/** The worker of the shape being tested. */
let worker: WorkerServer;

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 's390x' },
] as const;

interface Stored {
  bytes: Uint8Array;
  digest: string;
}

const encoder = new TextEncoder();

/** A small valid OCI image manifest per platform (its config and layer blobs need not exist). */
function childManifest(i: number): Stored {
  const blob = (what: string) => sha256(encoder.encode(`${what} ${i}`));
  const bytes = encoder.encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob('config'), size: 512 + i },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob('layer'), size: 4096 + i }],
    }),
  );
  return { bytes, digest: sha256(bytes) };
}

/** Where an index's ~4 MB annotation sits: in its first entry's descriptor, or at its top level. */
type Padding = 'entry' | 'top';

/** Index `n`: the four children and an annotation (`where`) padding it to exactly INDEX_BYTES. */
function wideIndex(n: number, children: readonly Stored[], where: Padding): Stored {
  const manifests = children.map((child, i) => ({ mediaType: OCI_MANIFEST, digest: child.digest, size: child.bytes.byteLength, platform: PLATFORMS[i] }));
  const build = (padding: string) => {
    const annotations = { 'org.example.index': String(n), 'org.example.padding': padding };
    return JSON.stringify(
      where === 'top'
        ? { schemaVersion: 2, mediaType: OCI_INDEX, manifests, annotations }
        : { schemaVersion: 2, mediaType: OCI_INDEX, manifests: manifests.map((m, i) => (i === 0 ? { ...m, annotations } : m)) },
    );
  };
  const bytes = encoder.encode(build('x'.repeat(INDEX_BYTES - encoder.encode(build('')).byteLength)));
  if (bytes.byteLength !== INDEX_BYTES) throw new Error(`index ${n} is ${bytes.byteLength} bytes, expected ${INDEX_BYTES}`);
  return { bytes, digest: sha256(bytes) };
}

/** workerd processes descended from this one, by pid (as load.test.ts finds them). */
function workerdPids(): Set<number> {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      parents.set(Number(entry), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return new Set([...names].filter(([pid, name]) => name === 'workerd' && descends(pid)).map(([pid]) => pid));
}

/** The process's RSS in MiB, or null when it is gone. */
function rssMiB(pid: number): number | null {
  try {
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null; // a zombie has no VmRSS
  } catch {
    return null;
  }
}

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** Every answer of the read phase, tallied; failures are recorded, not thrown. */
interface Tally {
  requests: number;
  statuses: Record<number, number>;
  /** Status ≥ 500, with the start of the body. */
  serverErrors: string[];
  /** Answers other than the one expected (status < 500). */
  wrong: string[];
  /** fetch itself failed: refused, reset, timed out. */
  connectionFailures: string[];
}

async function check(tally: Tally, path: string, init: RequestInit, expect: (response: Response, body: string) => string | null): Promise<void> {
  tally.requests++;
  try {
    const response = await worker.fetch(path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await response.text();
    tally.statuses[response.status] = (tally.statuses[response.status] ?? 0) + 1;
    if (response.status >= 500) {
      tally.serverErrors.push(`${response.status} ${path}: ${body.slice(0, 300)}`);
      return;
    }
    const problem = expect(response, body);
    if (problem) tally.wrong.push(`${response.status} ${path}: ${problem}`);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    tally.connectionFailures.push(`${path}: ${err instanceof Error ? err.message : String(err)}${cause}`);
  }
}

describe.each([
  ['an annotation of its first entry', 'entry'],
  ['a top-level annotation', 'top'],
] as const)(`${INDEXES} distinct ${(INDEX_BYTES / 1024 / 1024).toFixed(3)} MiB indexes, 4 MB in %s, V8 heap capped at 128 MB`, (_, where) => {
  let workerd: number;
  let children: Stored[];
  let indexes: Stored[];
  const log: string[] = [];

  beforeAll(async () => {
    children = PLATFORMS.map((_, i) => childManifest(i));
    indexes = Array.from({ length: INDEXES }, (_, n) => wideIndex(n, children, where));
    const before = workerdPids();
    const flags = process.env.MINIFLARE_WORKERD_V8_FLAGS;
    process.env.MINIFLARE_WORKERD_V8_FLAGS = V8_FLAGS;
    try {
      worker = await WorkerServer.start({ bundle: inject('workerBundle'), vars: { UPSTREAMS: '', ADMIN_TOKEN } });
    } finally {
      if (flags === undefined) delete process.env.MINIFLARE_WORKERD_V8_FLAGS;
      else process.env.MINIFLARE_WORKERD_V8_FLAGS = flags;
    }
    const started = [...workerdPids()].filter((pid) => !before.has(pid));
    if (started.length !== 1) throw new Error(`expected one new workerd process, found ${started.length}`);
    workerd = started[0]!;
    log.push(`workerd ${workerd} (V8 ${V8_FLAGS}): ${rssMiB(workerd)} MiB RSS idle`);
  }, 120_000);

  afterAll(async () => {
    console.log(`memory bounds, 4 MB in ${where === 'entry' ? 'an entry' : 'the top level'}:\n  ${log.join('\n  ')}`);
    indexes = [];
    await worker?.stop();
  });

  it('stores every index as a tag, and the four children by digest, through the admin API', async () => {
    const started = Date.now();
    for (const [i, child] of children.entries()) {
      const response = await worker.fetch(`/admin/manifests/${IMAGE}@${child.digest}`, {
        method: 'PUT',
        headers: { ...admin, 'Content-Type': OCI_MANIFEST },
        body: child.bytes,
      });
      expect(response.status, `child ${i}: ${await response.clone().text()}`).toBe(201);
      expect(response.headers.get('Docker-Content-Digest')).toBe(child.digest);
      await response.body?.cancel();
    }
    const statuses: number[] = Array(INDEXES).fill(0);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < INDEXES; n = next++) {
          const index = indexes[n]!;
          const response = await worker.fetch(`/admin/tags/${IMAGE}:t${n}`, {
            method: 'PUT',
            headers: { ...admin, 'Content-Type': OCI_INDEX },
            body: index.bytes,
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          statuses[n] = response.status;
          const body = await response.text();
          if (response.status === 201) expect(response.headers.get('Docker-Content-Digest')).toBe(index.digest);
          else log.push(`PUT t${n}: ${response.status} ${body.slice(0, 300)}`);
        }
      }),
    );
    log.push(`stored ${INDEXES} indexes of ${INDEX_BYTES} bytes in ${Date.now() - started} ms; workerd RSS ${rssMiB(workerd)} MiB`);
    expect(statuses).toEqual(Array(INDEXES).fill(201));
  }, 120_000);

  it('answers /platforms, /resolve and /badge for every one: 120 × 200, no 5xx, no connection failure, the same workerd alive', async () => {
    const tally: Tally = { requests: 0, statuses: {}, serverErrors: [], wrong: [], connectionFailures: [] };
    const amd64 = children[0]!.digest;
    const rss: number[] = [];
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < INDEXES; n = next++) {
          const ref = `${IMAGE}:t${n}`;
          const index = indexes[n]!;
          await check(tally, `/platforms/${ref}`, {}, (response, body) => {
            if (response.status !== 200) return body.slice(0, 300);
            const json = JSON.parse(body) as { digest: string; platforms: { platform: string; digest: string }[] };
            const got = json.platforms.map((p) => `${p.platform} ${p.digest}`).join(', ');
            const want = ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/s390x'].map((p, i) => `${p} ${children[i]!.digest}`).join(', ');
            return json.digest !== index.digest ? `digest ${json.digest}` : got !== want ? `platforms ${got}` : null;
          });
          await check(tally, `/resolve/${ref}?platform=linux/amd64`, { headers: { Accept: 'text/plain' } }, (response, body) =>
            response.status === 200 && body === `${amd64}\n` ? null : body.slice(0, 300),
          );
          await check(tally, `/badge/${ref}.svg`, {}, (response, body) =>
            response.status === 200 && response.headers.get('Content-Type') === 'image/svg+xml; charset=utf-8' && body.startsWith('<svg') ? null : body.slice(0, 300),
          );
          const now = rssMiB(workerd);
          if (now !== null) rss.push(now);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const alive = workerdPids();
    const end = await worker
      .fetch('/v2/', { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      .then(async (r) => `${r.status} ${(await r.text()).slice(0, 100)}`)
      .catch((err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`);

    log.push(
      `read ${INDEXES} indexes × 3 routes, ${CONCURRENCY} at a time: ${tally.requests} requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(tally.statuses)}, ` +
        `${tally.serverErrors.length} ≥ 500, ${tally.connectionFailures.length} connection failures, ${tally.wrong.length} wrong answers`,
      `workerd RSS while reading: max ${rss.length ? Math.max(...rss) : '–'} MiB, last ${rss.at(-1) ?? '–'} MiB; workerd ${workerd} ${alive.has(workerd) ? 'alive' : 'gone'}, workerd now [${[...alive].join(', ')}]; /v2/ at the end: ${end}`,
      ...tally.serverErrors.slice(0, 3).map((e) => `first 5xx: ${e}`),
      ...tally.connectionFailures.slice(0, 3).map((e) => `connection failure: ${e}`),
      ...tally.wrong.slice(0, 3).map((e) => `wrong: ${e}`),
    );

    expect(tally.requests).toBe(INDEXES * 3);
    expect.soft(tally.serverErrors.slice(0, 5), 'responses with status ≥ 500').toEqual([]);
    expect.soft(tally.connectionFailures.slice(0, 5), 'connection failures').toEqual([]);
    expect.soft(tally.wrong.slice(0, 5), 'wrong answers').toEqual([]);
    expect.soft(tally.statuses, 'statuses').toEqual({ 200: INDEXES * 3 });
    expect.soft(end, '/v2/ at the end').toMatch(/^200 /);
    expect(alive.has(workerd), `workerd ${workerd} still running (a restart empties KV)`).toBe(true);
  }, 150_000);
});
