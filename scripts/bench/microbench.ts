/**
 * Scenario 5, CPU per request, in Node (the project's Node 24; same V8 family as workerd):
 * - parseManifest, selectManifest and both together over the real 30-entry index (15
 *   platforms + attestations) and a synthetic 1000-entry one;
 * - full request handling: the worker's own `fetch` called in-process with an in-memory KV
 *   holding the image, for `/resolve` and for a manifest by tag with a platform.
 *
 * Each operation runs in batches sized to take ≥ 2 ms, in slices interleaved with the other
 * operations; the result is the median (and p10/p90) of per-operation time over all batches,
 * after a warm-up. Run as a child process so that it
 * has the CPU to itself and can be profiled (`--cpu-prof`):
 *
 *   node --import tsx scripts/bench/microbench.ts [--smoke]
 *
 * Prints one line `MICROBENCH_JSON {…}`.
 */
import { parseManifest } from '../../src/oci/manifest';
import { verifyManifest } from '../../src/oci/VerifiedManifest';
import { normalizePlatform, parsePlatform, selectManifest, type IndexEntry } from '../../src/platform';
import { fullRequestCases } from './inProcessWorker';
import { BENCH_PLATFORM, benchImage, largeIndexBytes } from './fixtures';

export interface MicroResult {
  name: string;
  medianUs: number;
  p10Us: number;
  p90Us: number;
  batches: number;
  opsPerBatch: number;
}

const smoke = process.argv.includes('--smoke');
const onlyArg = process.argv.indexOf('--only');
/** `--only REGEX`: run just the matching operations (for profiling one of them). */
const only = onlyArg > 0 ? new RegExp(process.argv[onlyArg + 1] ?? '') : undefined;
/** Each operation is measured in ROUNDS slices, interleaved with the others, so that a noisy
 * moment on a shared machine spreads over all operations instead of skewing one. */
const ROUNDS = smoke ? 2 : 10;
const SLICE_SECONDS = smoke ? 0.1 : 0.2;
const WARMUP_SECONDS = smoke ? 0.05 : 0.5;
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

type Op = () => unknown;

interface Prepared {
  name: string;
  run: (n: number) => unknown;
  opsPerBatch: number;
  perOp: number[];
}

/** Calibrates the batch (doubling until it takes ≥ 2 ms) and warms the operation up. */
async function prepare(name: string, op: Op): Promise<Prepared> {
  const isAsync = op() instanceof Promise;
  const run = isAsync
    ? async (n: number) => { for (let i = 0; i < n; i++) await op(); }
    : (n: number) => { for (let i = 0; i < n; i++) op(); };
  let opsPerBatch = 1;
  for (;;) {
    const start = performance.now();
    await run(opsPerBatch);
    if (performance.now() - start >= 2 || opsPerBatch >= 1 << 20) break;
    opsPerBatch *= 2;
  }
  const warmupEnd = performance.now() + WARMUP_SECONDS * 1000;
  while (performance.now() < warmupEnd) await run(opsPerBatch);
  return { name, run, opsPerBatch, perOp: [] };
}

async function slice(p: Prepared): Promise<void> {
  const end = performance.now() + SLICE_SECONDS * 1000;
  do {
    const start = performance.now();
    await p.run(p.opsPerBatch);
    p.perOp.push(((performance.now() - start) * 1000) / p.opsPerBatch);
  } while (performance.now() < end);
}

function result(p: Prepared): MicroResult {
  const sorted = [...p.perOp].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { name: p.name, medianUs: at(0.5), p10Us: at(0.1), p90Us: at(0.9), batches: sorted.length, opsPerBatch: p.opsPerBatch };
}

async function main(): Promise<void> {
  const image = await benchImage('bench/multi');
  const small = image.index.bytes;
  const large = largeIndexBytes(1000);
  const platform = normalizePlatform(parsePlatform(BENCH_PLATFORM));
  const entries = (bytes: Uint8Array) => parseManifest(bytes, INDEX_TYPE).manifests as IndexEntry[];
  const small30 = entries(small);
  const large1000 = entries(large);
  if (small30.length !== 30 || large1000.length !== 1000) throw new Error(`fixture sizes ${small30.length}, ${large1000.length}`);
  if (selectManifest(small30, platform)?.entry.platform?.architecture !== 'arm64') throw new Error('30-entry select did not pick arm64');
  if (selectManifest(large1000, platform)?.entry.platform?.architecture !== 'arm64') throw new Error('1000-entry select did not pick arm64');

  const ops: { name: string; op: Op }[] = [];
  const add = (name: string, op: Op): void => {
    if (!only || only.test(name)) ops.push({ name, op });
  };
  const decoder = new TextDecoder();
  // The floor of any parse: decode and JSON.parse, no validation.
  add('JSON.parse 30', () => JSON.parse(decoder.decode(small)));
  add('parse 30', () => parseManifest(small, INDEX_TYPE));
  add('select 30', () => selectManifest(small30, platform));
  add('parse+select 30', () => selectManifest(entries(small), platform));
  add('JSON.parse 1000', () => JSON.parse(decoder.decode(large)));
  add('parse 1000', () => parseManifest(large, INDEX_TYPE));
  add('select 1000', () => selectManifest(large1000, platform));
  add('parse+select 1000', () => selectManifest(entries(large), platform));
  // What a hot request pays: the entries of an index verified once where it entered isolate
  // memory (src/oci/VerifiedManifest.ts), selected from again and again.
  const small30Verified = await verifyManifest(small, { contentType: INDEX_TYPE });
  const large1000Verified = await verifyManifest(large, { contentType: INDEX_TYPE });
  add('memoized parse+select 30', () => selectManifest(small30Verified.entries!, platform));
  add('memoized parse+select 1000', () => selectManifest(large1000Verified.entries!, platform));
  for (const { name, call } of await fullRequestCases(image)) add(name, call);
  const prepared: Prepared[] = [];
  for (const { name, op } of ops) prepared.push(await prepare(name, op));
  for (let round = 0; round < ROUNDS; round++) for (const p of prepared) await slice(p);
  const results = prepared.map(result);
  for (const r of results) process.stderr.write(`  ${r.name}: ${r.medianUs.toFixed(2)} µs/op\n`);
  console.log(`MICROBENCH_JSON ${JSON.stringify({ results, indexBytes: { 30: small.byteLength, 1000: large.byteLength } })}`);
}

main().catch((err: unknown) => {
  console.error(`microbench: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
