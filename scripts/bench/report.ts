/**
 * One run's results as the table printed on the terminal and as docs/benchmarks.md.
 */
import { COST_TABLE } from './costTable';
import type { BundleSize } from './bundleSize';
import type { MachineInfo } from './machine';
import type { FirstRequestResult, LoadRow, TtlResult } from './measure';
import type { InstructionRow } from './instructions';
import type { MicroResult } from './microbench';
import type { ProfileSummary } from './runMicrobench';
import { pairedRatio, type PairedResult } from './paired';
import { MIX_KINDS, mixSummary, type MixResult, type MixRun } from './realisticMix';
import type { WorkerdProfile } from './workerdProfile';
import { firstRequestSummary, fmt, ratios, targets, type Ratio, type Target } from './targets';
import type { LoadShape } from './wrk';

export interface BenchReport {
  smoke: boolean;
  date: string;
  command: string;
  machine: MachineInfo;
  loadAverageAfter: string;
  shape: LoadShape;
  lightShape: LoadShape;
  ttlShape: LoadShape;
  delayMs: number;
  /** The benchmark image: platforms, index entries and bytes. */
  image: { platforms: number; entries: number; indexBytes: number };
  rows: LoadRow[];
  first: FirstRequestResult[];
  ttl?: TtlResult;
  /** The hot paths and the floors in paired rounds (scripts/bench/paired.ts). */
  paired?: PairedResult;
  /** Our hot /resolve response as wrk received it (what the answer floor repeats). */
  answer?: { status: number; headers: Record<string, string>; body: string };
  /** Scenario 2e: the realistic mix with distinct URLs against the floor (scripts/bench/realisticMix.ts). */
  mix?: MixResult;
  /** `--instructions`: instructions per request under callgrind. */
  instructions?: InstructionRow[];
  micro?: MicroResult[];
  profiles: ProfileSummary[];
  /** Our isolate under load in workerd, profiled over the inspector. */
  workerdProfile?: WorkerdProfile;
  bundle?: BundleSize;
  failures: { scenario: string; error: string }[];
}

interface Table {
  head: string[];
  rows: string[][];
}

const n = (x: number | undefined, digits = 1): string => (x === undefined ? '–' : fmt(x, digits));

/** One line per round: req/s of each target and its ratio to the floor; then the medians. */
function pairedTable(paired: PairedResult): Table {
  const others = paired.targets.filter((t) => t.id !== 'floor');
  return {
    head: ['round', ...paired.targets.map((t) => `${t.name} req/s`), ...others.map((t) => `${t.id} ÷ floor`)],
    rows: [
      ...paired.rounds.map((r, i) => [String(i + 1), ...paired.targets.map((t) => fmt(r[t.id]!, 0)), ...others.map((t) => fmt(r[t.id]! / r.floor!, 3))]),
      ['median', ...paired.targets.map(() => ''), ...others.map((t) => `**${fmt(pairedRatio(paired, t.id).median, 3)}**`)],
    ],
  };
}

/** The realistic mix per round: req/s and workerd CPU µs per request of each target; ratios to the floor. */
function mixRoundsTable(mix: MixResult): Table {
  const us = (r: MixRun | undefined) => (r ? (r.cpuSeconds / r.requests) * 1e6 : NaN);
  const targets = [{ id: 'floor', label: 'floor' }, ...MIX_KINDS];
  const kinds = mixSummary(mix);
  return {
    head: [
      'round',
      ...targets.map((t) => `${t.label} req/s`),
      ...targets.map((t) => `${t.label} CPU µs/req`),
      ...kinds.map((k) => `${k.label} ÷ floor, req/s`),
      ...kinds.map((k) => `floor ÷ ${k.label}, CPU/req`),
    ],
    rows: [
      ...mix.paired.rounds.map((r, i) => [
        String(i + 1),
        ...targets.map((t) => fmt(r[t.id]!, 0)),
        ...targets.map((t) => fmt(us(mix.runs[t.id]?.[i]), 0)),
        ...kinds.map((k) => fmt(k.throughput.each[i]!, 3)),
        ...kinds.map((k) => fmt(k.cpu.each[i]!, 3)),
      ]),
      [
        'median',
        ...targets.map(() => ''),
        fmt(kinds[0]?.floorCpuUs ?? NaN, 0),
        ...kinds.map((k) => fmt(k.cpuUs, 0)),
        ...kinds.map((k) => `**${fmt(k.throughput.median, 3)}**`),
        ...kinds.map((k) => `**${fmt(k.cpu.median, 3)}**`),
      ],
    ],
  };
}

/** The realistic mix per image kind, over every measured run: our counters and the origin's. */
function mixCostTable(mix: MixResult): Table {
  return {
    head: ['realistic mix, distinct URLs', 'requests', 'non-2xx (socket errors)', 'ours ÷ floor req/s', 'floor ÷ ours CPU/req', 'KV reads/request', 'KV writes', 'cache hits/request', 'upstream (ours)', 'origin requests'],
    rows: mixSummary(mix).map((k) => [
      k.label,
      fmt(k.requests, 0),
      `${k.non2xx} (${k.socketErrors})`,
      fmt(k.throughput.median, 3),
      fmt(k.cpu.median, 3),
      fmt(k.kvReads / k.requests, 3),
      fmt(k.kvWrites, 0),
      fmt(k.cacheHits / k.requests, 3),
      fmt(k.upstream, 0),
      fmt(k.origin, 0),
    ]),
  };
}

function mixTtlLine(mix: MixResult): string {
  const t = mix.ttl;
  if (!t) return '';
  return `KV writes for an unchanged tag over ${t.windows} TTL windows (TAG_TTL=${t.ttlSeconds} s): ${fmt(t.cost.kvWrites, 0)} — with ${fmt(t.cost.kvReads, 0)} KV reads and ${fmt(t.cost.upstream, 0)} upstream requests counted by ours, ${t.origin.all} requests seen by the origin (${t.origin.manifests} for manifests); ${fmt(t.requests, 0)} requests in ${fmt(t.seconds, 1)} s, ${t.non2xx} non-2xx, ${t.socketErrors} socket errors.`;
}

function instructionTable(rows: InstructionRow[]): Table {
  const floor = rows.find((r) => r.id === 'floor')?.instructions ?? NaN;
  return {
    head: ['worker', 'request', 'instructions per request', 'floor ÷ this'],
    rows: rows.map((r) => [r.name, r.id === 'floor' ? 'GET /' : r.id === 'manifest' ? 'GET /v2/…/manifests/1.0?platform=linux/arm64' : 'GET /resolve/…?platform=linux/arm64', `${fmt(r.instructions / 1e6, 3)} M`, fmt(floor / r.instructions, 3)]),
  };
}

function loadTable(report: BenchReport): Table {
  const rows = [...report.rows.filter((r) => !r.id.endsWith('@1')), ...(report.ttl ? [report.ttl.row] : [])];
  return {
    head: ['scenario', 'request', 'req/s', 'p50 ms', 'p99 ms', 'KV reads/1k', 'KV writes/1k', 'cache hits/1k', 'upstream/1k (manifests)'],
    rows: rows.map((r) => [
      r.errors ? `${r.name} (with errors: ${r.errors})` : r.name,
      r.request,
      fmt(r.load.rps, 0),
      fmt(r.load.p50, 3),
      fmt(r.load.p99, 3),
      n(r.cost?.kvReads),
      n(r.cost?.kvWrites),
      n(r.cost?.cacheHits),
      r.id.startsWith('floor') ? '–' : `${fmt(r.upstream.all, 1)} (${fmt(r.upstream.manifests, 1)})`,
    ]),
  };
}

function latencyTable(report: BenchReport): Table {
  return {
    head: ['one connection', 'request', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'upstream/1k (manifests)'],
    rows: report.rows.filter((r) => r.id.endsWith('@1')).map((r) => [
      r.name.replace(/, 1 connection$/, ''),
      r.request,
      fmt(r.load.rps, 0),
      fmt(r.load.p50, 3),
      fmt(r.load.p90, 3),
      fmt(r.load.p99, 3),
      r.id.startsWith('floor') ? '–' : `${fmt(r.upstream.all, 1)} (${fmt(r.upstream.manifests, 1)})`,
    ]),
  };
}

function firstTable(report: BenchReport): Table {
  return {
    head: ['first request of a tag', 'tags', 'p50 ms', 'max ms', 'next request p50 ms', 'upstream requests per tag (manifests)', 'of which before the answer'],
    rows: report.first.map((f) => {
      const s = firstRequestSummary(f);
      return [
        f.name,
        String(f.tags),
        fmt(s.p50, 1),
        fmt(s.max, 1),
        fmt(s.settledP50, 2),
        `${fmt(f.upstreamAllPerTag, 1)} (${fmt(f.upstreamManifestsPerTag, 1)})`,
        f.edgeUpstreamPerTag === undefined ? '–' : `${fmt(f.edgeUpstreamPerTag, 1)} (X-Edge-Cost)`,
      ];
    }),
  };
}

function microTable(report: BenchReport): Table {
  return {
    head: ['operation (Node)', 'median µs/op', 'p10', 'p90', 'batches × ops'],
    rows: (report.micro ?? []).map((m) => [m.name, fmt(m.medianUs, 2), fmt(m.p10Us, 2), fmt(m.p90Us, 2), `${m.batches} × ${m.opsPerBatch}`]),
  };
}

function targetTable(list: Target[]): Table {
  return {
    head: ['target', 'result', 'measured'],
    rows: list.map((t) => [t.label, t.met === undefined ? 'NOT MEASURED' : t.met ? 'met' : 'MISSED', t.measured]),
  };
}

function ratioTable(list: Ratio[]): Table {
  return { head: ['ratio', 'value', 'from'], rows: list.map((r) => [r.label, fmt(r.value, 3), r.detail]) };
}

function textTable(table: Table): string {
  const widths = table.head.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && /^[\d,.–n]/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(table.head), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

function markdownTable(table: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${table.head.map(esc).join(' | ')} |`,
    `|${table.head.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function consoleReport(report: BenchReport): string {
  const parts = [
    textTable(loadTable(report)),
    textTable(latencyTable(report)),
    report.paired ? textTable(pairedTable(report.paired)).replace(/\*\*/g, '') : '',
    report.mix ? [textTable(mixRoundsTable(report.mix)).replace(/\*\*/g, ''), textTable(mixCostTable(report.mix)), mixTtlLine(report.mix)].join('\n\n') : '',
    report.instructions ? textTable(instructionTable(report.instructions)) : '',
    report.first.length ? textTable(firstTable(report)) : '',
    report.micro ? textTable(microTable(report)) : '',
    report.bundle
      ? `bundle: ${fmt(report.bundle.bytes, 0)} bytes, ${fmt(report.bundle.gzipBytes, 0)} bytes gzip -9; largest: ${report.bundle.parts.slice(0, 4).map((p) => `${p.part} ${fmt(p.bytes / 1024, 0)} KiB`).join(', ')}`
      : '',
    textTable(ratioTable(ratios(report.rows, report.paired))),
    textTable(targetTable(targets(report.rows, report.ttl, report.micro, report.paired, report.mix))),
  ];
  return parts.filter(Boolean).join('\n\n');
}

const shapeText = (s: LoadShape): string =>
  `wrk -t${s.threads} -c${s.connections} -d${s.seconds}s after a ${s.warmupSeconds} s warm-up run (discarded)`;

/** docs/benchmarks.md; `analysis` is the findings section written from the same numbers. */
export function markdownReport(report: BenchReport, analysis: string): string {
  const m = report.machine;
  const ttl = report.ttl;
  return `# Benchmarks

Generated by \`${report.command}\` on ${report.date}. Regenerate with the same command; every
number below comes from that one run.${report.smoke ? ' **Smoke run: numbers are not meaningful.**' : ''}

**Machine**: a shared ${m.cores}-core machine (${m.cpu}), ${m.memoryGiB} GiB memory; other
engineers were running tests on it at the same time (load average ${m.loadAverage} at the start,
${report.loadAverageAfter} at the end). The load generator, the workers, the registries and
the delay proxy all share those ${m.cores} cores, so absolute numbers are low and drift between
runs; compare rows of this one run, and read the ratios.
Node ${m.node}; workerd ${m.workerd} (Miniflare ${m.miniflare}); wrangler ${m.wrangler};
${m.wrk}; ${m.dockerRegistry}; skopeo ${m.skopeo.replace(/^skopeo version /, '')}.

**Load**: ${shapeText(report.shape)}, keep-alive, loopback (127.0.0.1) only. The TTL scenario:
${shapeText(report.ttlShape)}. Latencies are wrk's (µs resolution). Costs per 1000 client
requests: KV reads/writes and Cache API hits from our worker's \`GET /admin/metrics\` isolate
totals (snapshot after the warm-up and after the run; background refreshes included); upstream
requests from the delay proxy's counter (every request it forwarded; in brackets those for
manifests).

**Setup**: the origin is Debian's docker-registry holding \`bench/multi:1.0\`, a ${report.image.platforms}-platform
image with one attestation per platform (a ${report.image.entries}-entry OCI index of ${fmt(report.image.indexBytes, 0)} bytes), built offline by
scripts/lib/ociLayout.ts and pushed with \`skopeo copy --all\`. Every cache reaches the origin
through a delay proxy (scripts/bench/delayProxy.ts) that holds each request ${report.delayMs} ms
— the upstream round-trip time — and counts it. Every worker (floor, ours, naive) runs the same
way: Miniflare ${m.miniflare} programmatically (scripts/lib/miniflareWorker.ts), our worker
from the production bundle of \`wrangler deploy --dry-run\`, in-memory KV and Cache API.
Ours is asked \`GET /v2/bench/multi/manifests/1.0?platform=linux/arm64\` (and the same through
\`/resolve\`) and answers the arm64 child in one request; the peers cannot choose a platform, so
they are asked the tag itself (\`GET /v2/bench/multi/manifests/1.0\`, the index) — a client of
theirs still has to fetch the child by digest afterwards.

## Load

Under load (${shapeText(report.shape)}):

${markdownTable(loadTable(report))}

With one connection (${shapeText(report.lightShape)}) — latency without queueing. Under the
load above, a system that is CPU-bound (ours, the floor) answers as fast as it can and its p50
is simply connections ÷ throughput (Little's law), while the peers wait on the origin; so the
latency targets are judged here:

${markdownTable(latencyTable(report))}

${report.paired ? `### Against the floor, in paired rounds

The throughput target is judged here. The rows above were measured minutes apart, and this
shared machine's speed drifts by more than the differences measured; so the floor, the floor
answering our exact /resolve response (same status, headers and bytes, precomputed:
scripts/bench/workers/answerFloor.js) and our hot paths run side by side and are loaded in turn,
${shapeText(report.paired.shape)} each, ${report.paired.rounds.length} rounds in a turning order.
Each round's ratios are measured seconds apart; the medians are the result.

${markdownTable(pairedTable(report.paired))}
` : ''}
${report.mix ? `### Realistic mix, distinct URLs

The hot rows above repeat one URL. Here no request repeats: a wrk Lua script (scripts/bench/realisticMix.ts) cycles through ${report.mix.listSize} requests — 3 tags
(an OCI index with attestations, the same image as a Docker manifest list, an OCI index without
attestations) × 10 platforms × 6 kinds: \`/resolve\` as JSON and as \`text/plain\`, the manifest by
tag with \`?platform=\` and with \`X-Platform\`, the chosen child by digest, and \`/platforms\` — with
registry clients', API and browser \`Accept\` headers and docker, containerd, podman, curl and
browser \`User-Agent\`s, and appends \`_=<run>.<thread>.<n>\` to every URL, so no response memo can
help; every non-2xx answer is counted. One worker holds two images: \`kv-only.bench.test/bench/mix\`,
on a registry host with no UPSTREAMS entry, loaded through the admin API (\`PUT /admin/manifests/…\`,
\`PUT /admin/tags/…\`) and served from KV only; and \`bench/mix\` on docker.io, pulled through from the
origin. The hello-world floor is given the same requests. The three are loaded in turn, ${shapeText(report.mix.paired.shape)}
each, ${report.mix.paired.rounds.length} rounds in a turning order. CPU per request is the utime + stime of the worker's own workerd
process (\`/proc/<pid>/stat\`; Miniflare runs one per worker) during the measured run ÷ its requests;
floor ÷ ours ≥ 1 would mean ours is cheaper. KV reads and writes, cache hits and upstream requests
are our \`/admin/metrics\` totals around the measured runs; origin requests, the delay proxy's count.

${markdownTable(mixRoundsTable(report.mix))}

${markdownTable(mixCostTable(report.mix))}

Last, a fresh worker with a short TAG_TTL is given one tag's mix (its 60 requests) of the
pulled-through image under load (wrk -t${report.ttlShape.threads} -c${report.ttlShape.connections}, no warm-up); the tag never changes at the origin, so
each revalidation finds the digest it has. ${mixTtlLine(report.mix)}
` : ''}
${report.instructions ? `### Instructions per request (callgrind)

The same comparison in CPU instructions, which the machine's other load does not move:
each worker alone in workerd under valgrind's callgrind, requests ${report.instructions[0]!.warm + 1} to ${report.instructions[0]!.warm + report.instructions[0]!.n} one at a time
(scripts/bench/instructions.ts: V8 \`--predictable\`; ours with a TAG_TTL long enough that
valgrind's slowdown does not make the tag stale). Whole-process counts: HTTP, Miniflare's entry worker, the runtime and the
worker's code.

${markdownTable(instructionTable(report.instructions))}
` : ''}
${ttl ? `Refresh across TTL expiry (TAG_TTL=${ttl.ttlSeconds} s): ${ttl.manifestRequests} upstream manifest requests during ${fmt(ttl.row.load.seconds, 1)} s of load (${fmt(ttl.row.load.requests, 0)} client requests); per ${ttl.ttlSeconds} s window: ${ttl.perWindow.join(', ')}.` : ''}

## First request of a tag (pull-through, one request at a time)

${report.first.length ? markdownTable(firstTable(report)) : 'Not measured.'}

## CPU per request (Node ${m.node}, scripts/bench/microbench.ts)

${report.micro ? markdownTable(microTable(report)) : 'Not measured.'}

## Bundle

${report.bundle ? `Production bundle (\`wrangler deploy --dry-run --outdir\`): ${fmt(report.bundle.bytes, 0)} bytes minified, **${fmt(report.bundle.gzipBytes / 1024, 1)} KiB gzip -9** (${fmt(report.bundle.gzipBytes, 0)} bytes). Largest parts (minified bytes, from esbuild's metafile): ${report.bundle.parts.map((p) => `${p.part} ${fmt(p.bytes / 1024, 1)} KiB`).join(', ')}.` : 'Not measured.'}

## Ratios

${markdownTable(ratioTable(ratios(report.rows, report.paired)))}

## Targets

${markdownTable(targetTable(targets(report.rows, report.ttl, report.micro, report.paired, report.mix)))}

${COST_TABLE}
${analysis}
${report.failures.length ? `\n## Scenarios that failed\n\n${report.failures.map((f) => `- ${f.scenario}: ${f.error}`).join('\n')}\n` : ''}`;
}
