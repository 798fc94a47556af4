/**
 * The ratios and targets of docs/benchmarks.md ("Ratios", "Targets"), computed from one run's
 * results (ratios within one run hold on a shared machine; absolute numbers drift).
 */
import type { FirstRequestResult, LoadRow, TtlResult } from './measure';
import type { MicroResult } from './microbench';
import { median, pairedRatio, type PairedResult } from './paired';
import { MIX_KINDS, MIX_TTL_WINDOWS, mixSummary, type MixResult } from './realisticMix';

export interface Ratio {
  label: string;
  value: number;
  /** How the ratio was formed, e.g. `4,210 ÷ 7,800 req/s`. */
  detail: string;
}

export interface Target {
  label: string;
  /** undefined: not measured in this run. */
  met: boolean | undefined;
  measured: string;
}

export const PEERS = [
  { id: 'peer-registry-proxy', label: 'docker-registry proxy' },
  { id: 'peer-naive', label: 'naive pass-through worker' },
  { id: 'peer-origin', label: 'origin at 40 ms RTT' },
] as const;

const THROUGHPUT_TARGET = 0.85;
const LATENCY_TARGET = 0.1;
const SELECT_30_US = 20;
const SELECT_1000_US = 1000;
/** The realistic mix (distinct URLs): ours ÷ floor throughput, and floor ÷ ours workerd CPU per request. */
const MIX_THROUGHPUT_TARGET = 0.8;
const MIX_CPU_TARGET = 0.8;

export const fmt = (n: number, digits = 2): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : 'n/a';

export function ratios(rows: LoadRow[], paired?: PairedResult): Ratio[] {
  const row = (id: string) => rows.find((r) => r.id === id);
  const out: Ratio[] = [];
  if (paired) {
    const each = (r: { each: number[] }) => `median of ${r.each.map((x) => fmt(x, 2)).join(', ')}`;
    for (const [id, by, label] of [
      ['resolve', 'floor', 'ours hot /resolve ÷ floor, throughput (paired rounds)'],
      ['manifest', 'floor', 'ours hot manifest by tag ÷ floor, throughput (paired rounds)'],
      ['answer', 'floor', 'floor answering our /resolve bytes ÷ floor, throughput (paired rounds)'],
      ['resolve', 'answer', 'ours hot /resolve ÷ floor answering its bytes, throughput (paired rounds)'],
    ] as const) {
      const r = pairedRatio(paired, id, by);
      out.push({ label, value: r.median, detail: each(r) });
    }
  }
  const floor = row('floor');
  for (const id of ['ours-resolve', 'ours-manifest', 'ours-manifest-kv']) {
    const ours = row(id);
    if (floor && ours) {
      out.push({ label: `${ours.name} ÷ floor, throughput`, value: ours.load.rps / floor.load.rps, detail: `${fmt(ours.load.rps, 0)} ÷ ${fmt(floor.load.rps, 0)} req/s` });
    }
  }
  // The same, against a floor doing the same storage reads: what is left is our own code.
  for (const [id, floorId] of [['ours-resolve', 'floor-cache'], ['ours-manifest', 'floor-cache'], ['ours-manifest-kv', 'floor-kv']] as const) {
    const ours = row(id);
    const io = row(floorId);
    if (ours && io) {
      out.push({ label: `${ours.name} ÷ ${io.name}, throughput`, value: ours.load.rps / io.load.rps, detail: `${fmt(ours.load.rps, 0)} ÷ ${fmt(io.load.rps, 0)} req/s` });
    }
  }
  const ours = row('ours-manifest');
  const ours1 = row('ours-manifest@1');
  for (const peer of PEERS) {
    const theirs = row(peer.id);
    const theirs1 = row(`${peer.id}@1`);
    if (ours1 && theirs1) {
      out.push({ label: `ours ÷ ${peer.label}, p50 latency (1 connection)`, value: ours1.load.p50 / theirs1.load.p50, detail: `${fmt(ours1.load.p50, 3)} ÷ ${fmt(theirs1.load.p50, 3)} ms` });
      out.push({ label: `ours ÷ ${peer.label}, p99 latency (1 connection)`, value: ours1.load.p99 / theirs1.load.p99, detail: `${fmt(ours1.load.p99, 3)} ÷ ${fmt(theirs1.load.p99, 3)} ms` });
    }
    if (ours && theirs) {
      out.push({ label: `ours ÷ ${peer.label}, p50 latency (${ours.connections} connections)`, value: ours.load.p50 / theirs.load.p50, detail: `${fmt(ours.load.p50, 3)} ÷ ${fmt(theirs.load.p50, 3)} ms` });
      out.push({
        label: `ours ÷ ${peer.label}, upstream manifest requests`,
        value: theirs.upstream.manifests > 0 ? ours.upstream.manifests / theirs.upstream.manifests : NaN,
        detail: `${fmt(ours.upstream.manifests, 3)} ÷ ${fmt(theirs.upstream.manifests, 1)} per 1000 requests`,
      });
    }
  }
  return out;
}

export function targets(rows: LoadRow[], ttl: TtlResult | undefined, micro: MicroResult[] | undefined, paired?: PairedResult, mix?: MixResult): Target[] {
  const row = (id: string) => rows.find((r) => r.id === id);
  const out: Target[] = [];
  const floor = row('floor');
  const resolve = row('ours-resolve');
  const pairedResolve = paired && pairedRatio(paired, 'resolve');
  out.push(
    pairedResolve
      ? {
          label: `Hot /resolve throughput ≥ ${THROUGHPUT_TARGET} × the floor`,
          met: pairedResolve.median >= THROUGHPUT_TARGET,
          measured: `${fmt(pairedResolve.median)} × (median of ${paired.rounds.length} paired rounds: ${pairedResolve.each.map((x) => fmt(x)).join(', ')})`,
        }
      : floor && resolve
      ? {
          label: `Hot /resolve throughput ≥ ${THROUGHPUT_TARGET} × the floor`,
          met: resolve.load.rps >= THROUGHPUT_TARGET * floor.load.rps,
          measured: `${fmt(resolve.load.rps / floor.load.rps)} × (${fmt(resolve.load.rps, 0)} vs ${fmt(floor.load.rps, 0)} req/s)`,
        }
      : { label: `Hot /resolve throughput ≥ ${THROUGHPUT_TARGET} × the floor`, met: undefined, measured: 'not measured' },
  );
  // Latency is compared with one connection: under a closed-loop load that saturates the CPU,
  // p50 is connections ÷ throughput (Little's law) and says nothing about the answer's speed.
  const ours = row('ours-manifest@1');
  for (const peer of PEERS) {
    const theirs = row(`${peer.id}@1`);
    const label = `Hot manifest-by-tag p50 ≤ ${LATENCY_TARGET} × ${peer.label}'s`;
    out.push(
      ours && theirs
        ? { label, met: ours.load.p50 <= LATENCY_TARGET * theirs.load.p50, measured: `${fmt(ours.load.p50 / theirs.load.p50, 3)} × (${fmt(ours.load.p50, 3)} vs ${fmt(theirs.load.p50, 2)} ms)` }
        : { label, met: undefined, measured: 'not measured' },
    );
  }
  out.push(
    ttl
      ? {
          label: '≤ 1 upstream manifest request per tag per TTL window (steady state)',
          met: ttl.maxPerWindow <= 1,
          measured: `max ${ttl.maxPerWindow} per ${ttl.ttlSeconds} s window; per window: ${ttl.perWindow.join(', ')}`,
        }
      : { label: '≤ 1 upstream manifest request per tag per TTL window (steady state)', met: undefined, measured: 'not measured' },
  );
  const us = (name: string) => micro?.find((m) => m.name === name)?.medianUs;
  for (const [name, limit] of [
    ['select 30', SELECT_30_US],
    ['memoized parse+select 30', SELECT_30_US],
    ['select 1000', SELECT_1000_US],
    ['memoized parse+select 1000', SELECT_1000_US],
  ] as const) {
    const value = us(name);
    const label = `${name.replace('30', '30 entries').replace('1000', '1000 entries')} ≤ ${limit >= 1000 ? `${limit / 1000} ms` : `${limit} µs`} median`;
    out.push(value === undefined ? { label, met: undefined, measured: 'not measured' } : { label, met: value <= limit, measured: `${fmt(value, 1)} µs` });
  }
  out.push(...mixTargets(mix));
  return out;
}

/** Scenario 2e: per image kind, throughput and CPU per request against the floor, KV reads; KV writes across TTL windows. */
function mixTargets(mix: MixResult | undefined): Target[] {
  const notMeasured = { met: undefined, measured: 'not measured' };
  const summaries = mix ? mixSummary(mix) : [];
  const out: Target[] = [];
  for (const kind of MIX_KINDS) {
    const k = summaries.find((s) => s.id === kind.id);
    const prefix = `Realistic mix, distinct URLs, ${kind.label}:`;
    const errors = k && k.non2xx + k.socketErrors > 0 ? `; with ${k.non2xx} non-2xx responses, ${k.socketErrors} socket errors` : '';
    const rounds = (r: { each: number[] }) => r.each.map((x) => fmt(x)).join(', ');
    out.push(
      {
        label: `${prefix} throughput ≥ ${MIX_THROUGHPUT_TARGET} × the floor`,
        ...(k ? { met: k.throughput.median >= MIX_THROUGHPUT_TARGET, measured: `${fmt(k.throughput.median)} × (median of paired rounds: ${rounds(k.throughput)})${errors}` } : notMeasured),
      },
      {
        label: `${prefix} floor ÷ ours CPU per request ≥ ${MIX_CPU_TARGET}`,
        ...(k ? { met: k.cpu.median >= MIX_CPU_TARGET, measured: `${fmt(k.cpu.median)} (workerd CPU ${fmt(k.floorCpuUs, 0)} vs ${fmt(k.cpuUs, 0)} µs per request; rounds: ${rounds(k.cpu)})${errors}` } : notMeasured),
      },
      {
        label: `${prefix} KV reads per hot request = 0`,
        ...(k ? { met: k.kvReads === 0, measured: `${fmt(k.kvReads / k.requests, 3)} (${fmt(k.kvReads, 0)} KV reads in ${fmt(k.requests, 0)} requests)${errors}` } : notMeasured),
      },
    );
  }
  const t = mix?.ttl;
  out.push({
    label: `KV writes for an unchanged tag over ${MIX_TTL_WINDOWS} TTL windows under load = 0`,
    ...(t
      ? { met: t.cost.kvWrites === 0, measured: `${fmt(t.cost.kvWrites, 0)} over ${t.windows} windows of ${t.ttlSeconds} s (${fmt(t.requests, 0)} requests; ${t.origin.all} origin requests, ${t.origin.manifests} of them manifests)` }
      : notMeasured),
  });
  return out;
}

export function firstRequestSummary(result: FirstRequestResult): { p50: number; max: number; settledP50: number } {
  return { p50: median(result.firstMs), max: Math.max(...result.firstMs), settledP50: median(result.settledMs) };
}
