/**
 * Throughput against the floor measured in paired rounds: the workers run side by side and are
 * loaded in turn, a few seconds each, round after round; each round gives ratios to the floor
 * measured seconds apart, and the report takes their medians. On a shared machine whose speed
 * drifts from minute to minute, rows measured minutes apart do not compare, rounds do.
 */
import { request as httpRequest } from 'node:http';
import { runLoad, type LoadResult, type LoadShape } from './wrk';

export interface PairedTarget {
  id: string;
  name: string;
  url: string;
  headers?: Record<string, string>;
  /**
   * Runs one load of the target instead of wrk on `url` (e.g. with a Lua script and counters
   * read around it); its errors are its own to account for.
   */
  load?: (shape: LoadShape) => Promise<LoadResult>;
}

export interface PairedResult {
  shape: LoadShape;
  /** Target ids and names, the floor (`floor`) first. */
  targets: { id: string; name: string }[];
  /** Per round: req/s by target id. */
  rounds: Record<string, number>[];
}

export async function measurePaired(targets: PairedTarget[], shape: LoadShape, rounds: number, log: (line: string) => void): Promise<PairedResult> {
  const result: PairedResult = { shape, targets: targets.map(({ id, name }) => ({ id, name })), rounds: [] };
  for (let round = 1; round <= rounds; round++) {
    const rps: Record<string, number> = {};
    // The order turns each round, so no target always runs right after the same one.
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
    for (const t of order) {
      const load = await (t.load ? t.load(shape) : runLoad(t.url, shape, t.headers));
      if (!t.load && (load.badStatus || load.socketErrors)) throw new Error(`${t.name}: ${load.badStatus} bad responses, ${load.socketErrors} socket errors`);
      rps[t.id] = load.rps;
    }
    result.rounds.push(rps);
    log(`   round ${round}: ${targets.map((t) => `${t.id} ${rps[t.id]!.toFixed(0)}`).join(' · ')}`);
  }
  return result;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Each round's `id ÷ by` throughput ratio, and their median. */
export function pairedRatio(result: PairedResult, id: string, by = 'floor'): { median: number; each: number[] } {
  const each = result.rounds.map((r) => r[id]! / r[by]!);
  return { median: median(each), each };
}

/** A response as wrk receives it (no Accept-Encoding), for the answer floor to repeat. */
export function captureAnswer(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => {
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (!['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date'].includes(name) && typeof value === 'string') kept[name] = value;
        }
        resolve({ status: response.statusCode ?? 0, headers: kept, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
