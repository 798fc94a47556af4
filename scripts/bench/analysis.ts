/**
 * The findings section of docs/benchmarks.md: for each missed target, what the profile says it
 * is made of, what is ours, and the proposed fix with its measured effect — all from the run's
 * own numbers.
 */
import type { BenchReport } from './report';
import { pairedRatio } from './paired';
import { firstRequestSummary, fmt, targets } from './targets';

export function analysis(report: BenchReport): string {
  const out: string[] = ['## Findings'];
  const us = (name: string) => report.micro?.find((m) => m.name === name)?.medianUs;
  const row = (id: string) => report.rows.find((r) => r.id === id);
  const missed = targets(report.rows, report.ttl, report.micro, report.paired, report.mix).filter((t) => t.met === false);
  if (missed.length === 0) out.push('Every target was met in this run.');

  const parse30 = us('parse 30');
  const json30 = us('JSON.parse 30');
  const ps30 = us('parse+select 30');
  const s30 = us('select 30');
  const ps1000 = us('parse+select 1000');
  const json1000 = us('JSON.parse 1000');
  const s1000 = us('select 1000');
  const memo30 = us('memoized parse+select 30');
  const memo1000 = us('memoized parse+select 1000');
  if (ps30 !== undefined && s30 !== undefined && parse30 !== undefined) {
    out.push(`### CPU: parsing, not selecting

Selection itself is cheap: ${fmt(s30, 1)} µs over 30 entries and ${fmt(s1000 ?? NaN, 0)} µs over
1000. Validating a stored index from its bytes (\`parseManifest\`) costs ${fmt(parse30, 1)} µs for the 30-entry index
(JSON.parse alone: ${fmt(json30 ?? NaN, 1)} µs) and ${fmt(us('parse 1000') ?? NaN, 0)} µs for 1000
entries (JSON.parse alone: ${fmt(json1000 ?? NaN, 0)} µs), so parse + select is ${fmt(ps30, 1)} µs
and ${fmt(ps1000 ?? NaN, 0)} µs. The difference between JSON.parse and parseManifest is the zod
schema validation of every entry (with the digest grammar checks of src/oci/grammar.ts).`);
  }
  for (const profile of report.profiles) {
    out.push(`Profile of \`${profile.only}\` (\`node --cpu-prof\`, ${fmt(profile.totalMs, 0)} ms; self time by area):
${profile.areas.slice(0, 8).map((a) => `${a.area} ${fmt(a.percent, 1)} %`).join(' · ')}.
Top functions: ${profile.top.slice(0, 6).map((t) => `\`${t.fn}\` (${t.where}) ${fmt(t.percent, 1)} %`).join('; ')}.`);
  }
  if (memo30 !== undefined && memo1000 !== undefined && ps30 !== undefined && ps1000 !== undefined) {
    out.push(`**Done (src/resolve \`indexEntries\`):** an index never changes under its digest, so the
validated entries of recently used indexes stay in isolate memory keyed by digest (a bounded
map): validation runs once per index per isolate instead of once per request. A hot request
pays \`memoized parse+select\`: ${fmt(ps30, 1)} → ${fmt(memo30, 2)} µs
for 30 entries, ${fmt(ps1000, 0)} → ${fmt(memo1000, 1)} µs for 1000. Validation stays where it
belongs — at the edge, when bytes come from the origin or the admin API — and is not repeated
on bytes we stored ourselves after validating them.`);
  }

  const floor = row('floor');
  const resolve = row('ours-resolve');
  const manifest = row('ours-manifest');
  const kvOnly = row('ours-manifest-kv');
  const floorCache = row('floor-cache');
  const floorKv = row('floor-kv');
  const full = us('full request /resolve (in-process)');
  const perRequest = (r: { load: { rps: number } } | undefined) => (r ? 1e6 / r.load.rps : NaN);
  const paired = report.paired;
  const answer = report.answer;
  const instr = (id: string) => report.instructions?.find((r) => r.id === id)?.instructions;
  if (paired) {
    const ratio = (id: string, by = 'floor') => fmt(pairedRatio(paired, id, by).median, 2);
    const headerCount = answer ? Object.keys(answer.headers).length : NaN;
    const bytes = answer ? new TextEncoder().encode(answer.body).byteLength : NaN;
    const [floorI, answerI, resolveI, manifestI] = ['floor', 'answer', 'resolve', 'manifest'].map(instr);
    out.push(`### Throughput against the floor

In paired rounds, hot /resolve ran at **${ratio('resolve')} ×** the floor's throughput and the hot
manifest by tag at ${ratio('manifest')} ×. The floor answering our exact /resolve response ran at
${ratio('answer')} ×: that is the cost of the response itself — ${fmt(bytes, 0)} bytes of indented JSON and
${fmt(headerCount, 0)} headers against hello-world's 6 bytes and one — which any worker giving this answer pays.
Ours ÷ that floor came out at ${ratio('resolve', 'answer')} — ours cannot beat the same bytes precomputed, so read the
spread of the rounds as this machine's noise.${floorI && answerI && resolveI && manifestI ? ` Instructions per request, which the noise does
not move (the table above), give floor ÷ ours ${fmt(floorI / resolveI, 3)} for /resolve and ${fmt(floorI / manifestI, 3)} for the manifest,
against ${fmt(floorI / answerI, 3)} for the answer floor: what our code adds on top of the response itself is
${fmt((resolveI - answerI) / 1e3, 0)} thousand instructions per /resolve, ${fmt(((resolveI - answerI) / resolveI) * 100, 1)} % of the request.` : ''}

**Done: one storage model (docs/architecture.md).** Every image, KV-only or pulled through, is
read through isolate memory → Cache API → KV → origin; a hot request is answered from memory with
no I/O, and when a tag was last confirmed with its origin lives in memory and the Cache API, so KV
is written only when content changes. Manifests are verified and parsed once, where they enter
memory. Kept answers (a memo of whole responses) were removed: the realistic mix below, where no
URL repeats, is what they could not help. On the hot path itself: itty-router routes a plain
object (it writes \`params\` onto what it routes, and properties added to the runtime's Request
are slow); requested platforms, matchers and index entries' platforms are parsed and normalized
once, not per request; the origin's client is made only when the origin is asked; no Node.js
compatibility layer (badge-maker's unused \`fs\`/\`util\` requires are aliased to shims), whose
async-context tracking costs every await; no esbuild \`__name\` wrappers (\`keep_names = false\`).

**What is left.** Each request still takes the whole path: itty-router's matching (a second URL
parse and a regex per route tried), the reference and platform checks, the match, and the
response: the runtime's Response construction with a registry's dozen headers is the largest
single share in the workerd profile below, next to the async machinery of the route functions.`);
  }
  if (floor && resolve) {
    out.push(`Per request at saturation in the load table (one workerd thread serves everything, so the
inverse of throughput is each request's time there; rows measured minutes apart): hello-world
${fmt(perRequest(floor), 0)} µs; ours /resolve ${fmt(perRequest(resolve), 0)} µs and manifest by tag ${fmt(perRequest(manifest), 0)} µs. With the
Cache API off (\`EDGE_CACHE=off\`; isolate memory still answers):
${fmt(perRequest(kvOnly), 0)} µs, against hello-world plus two KV reads ${fmt(perRequest(floorKv), 0)} µs (plus two Cache API reads:
${fmt(perRequest(floorCache), 0)} µs) — under Miniflare KV and the Cache API are simulators on the same thread,
which production does not have in the isolate's path.${[floorKv, floorCache].filter((r) => r?.errors).map((r) => ` The reference row "${r!.name}" had
errors under load (${r!.errors}): Miniflare's storage simulator under ${r!.connections} connections; the row is shown with them.`).join('')} The /resolve handler called
in-process in Node (the whole path) costs ${fmt(full ?? NaN, 0)} µs.`);
  }
  const wp = report.workerdProfile;
  if (wp) {
    const share = (area: string) => wp.areas.find((a) => a.area === area)?.percent ?? 0;
    out.push(`Profile of our isolate inside workerd under load (\`${wp.request}\`, ${fmt(wp.requests, 0)} requests in
${fmt(wp.seconds, 1)} s, V8 profiler over the inspector, unminified bundle; the profiler itself slows
the isolate, so read the shares, not the absolute time): JavaScript time by area —
${wp.areas.map((a) => `${a.area} ${fmt(a.percent, 1)} %`).join(' · ')}. Top functions:
${wp.top.slice(0, 8).map((t) => `\`${t.fn}\` (${t.area}) ${fmt(t.percent, 1)} %`).join('; ')}.
zod and src/oci together — the request's name, tag and digest checks; the index itself is validated once per digest — are
${fmt(share('zod') + share('src/oci'), 1)} % of it; "V8/workerd builtins" holds the native side of the
Cache API/KV calls and Response construction.`);
  }

  const peerRow = (id: string) => row(id);
  const proxyPeer = peerRow('peer-registry-proxy');
  const ours1 = row('ours-manifest@1');
  if (manifest && proxyPeer) {
    const kinds = (r: typeof proxyPeer) =>
      Object.entries(r.upstream.byKind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${fmt(v, 0)} \`${k}\``).join(', ');
    out.push(`### Against the peers

Every peer answers a tag only after at least one round trip to the origin (${report.delayMs} ms); ours
answers a hot tag from isolate memory, the Cache API or KV with no upstream request (${fmt(manifest.upstream.all, 2)} per 1000),
so with one connection its p50 is the worker's own time (${fmt(ours1?.load.p50 ?? NaN, 2)} ms).
docker-registry 2.8 in proxy mode caches manifests by digest but, per 1000 client requests,
sent ${kinds(proxyPeer)} upstream: it pings \`/v2/\` for the auth challenge and re-checks the tag
with a HEAD on every request, and under concurrent load it also re-fetches the tag. The pings are
made under one mutex (distribution's \`remoteAuthChallenger.tryEstablishChallenges\`), so its
requests queue behind each other and its throughput stays near one request per round trip
whatever the concurrency. That part is specific to an origin that sends no auth challenge, as this
anonymous one: distribution keeps challenges once it has seen one (Docker Hub sends a Bearer
challenge), and then pings once, leaving one HEAD — one round trip — per tag request, which is
what the naive worker and the origin rows show. The naive pass-through worker and the origin
itself cost exactly one upstream request per client request.`);
  }
  const firstOurs = report.first.find((f) => f.id === 'ours-first');
  if (firstOurs) {
    out.push(`### First request of a tag

A tag nobody asked for yet costs ours ${fmt(firstOurs.edgeUpstreamPerTag ?? NaN, 1)} upstream requests before the answer
(the tag's index, then the chosen child by digest: two round trips, ${2 * report.delayMs} ms of the
${fmt(firstRequestSummary(firstOurs).p50, 0)} ms median), and ${fmt(firstOurs.upstreamManifestsPerTag - (firstOurs.edgeUpstreamPerTag ?? 0), 1)} more after it: the other platforms' manifests,
prefetched in the background (attestations skipped) so that the next platform asked for is a hit.
The next request for the same tag is served from the store.`);
  }
  if (report.ttl) {
    out.push(`### Refresh across TTL expiry

With TAG_TTL=${report.ttl.ttlSeconds} s and constant load, the tag was revalidated upstream
${report.ttl.manifestRequests} times in ${fmt(report.ttl.row.load.seconds, 1)} s (per window:
${report.ttl.perWindow.join(', ')}), while clients kept being served from the store
(p99 ${fmt(report.ttl.row.load.p99, 2)} ms).`);
  }
  return out.join('\n\n') + '\n';
}
