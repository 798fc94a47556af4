/**
 * Load with Debian's `wrk`: a warm-up run whose numbers are thrown away, then the measured run.
 * A small Lua `done()` hook prints the summary as JSON (latencies in µs), so nothing is scraped
 * from wrk's human output. A run may bring its own Lua script (`request`/`response` functions,
 * e.g. a list of requests to cycle through); it is run with the hook, gets a run id unique to
 * the wrk invocation as `args[1]`, and may count responses in a global `non2xx`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../lib/debianTools';
import { runCommand } from '../lib/runCommand';

export interface LoadShape {
  threads: number;
  connections: number;
  /** Seconds of measured load. */
  seconds: number;
  /** Seconds of load before it, not measured (0 for none). */
  warmupSeconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Latencies in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Connect/read/write errors and timeouts. */
  socketErrors: number;
  /** The same by kind, e.g. `read 13` (empty when none). */
  socketErrorKinds: string;
  /** Responses that were not 2xx or 3xx. */
  badStatus: number;
  /** Responses that were not 2xx, when the run's script counted them (its global `non2xx`). */
  non2xx?: number;
}

const DONE_HOOK = `
local hook_threads = {}
local script_setup = setup
setup = function(thread)
  table.insert(hook_threads, thread)
  if script_setup then script_setup(thread) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local non2xx = -1
  for _, thread in ipairs(hook_threads) do
    local n = thread:get("non2xx")
    if n then non2xx = math.max(non2xx, 0) + n end
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"socket":%d,"status":%d,"non2xx":%d,' ..
    '"kinds":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status, non2xx,
    e.connect, e.read, e.write, e.timeout))
end
`;

let scriptDir: string | undefined;
const scriptFiles = new Map<string, string>();
let runs = 0;

/** The Lua file for `script` (none: the hook alone), written once per script text. */
function scriptFile(script = ''): string {
  scriptDir ??= mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  let file = scriptFiles.get(script);
  if (!file) {
    file = join(scriptDir, `script-${scriptFiles.size}.lua`);
    writeFileSync(file, `${script}\n${DONE_HOOK}`);
    scriptFiles.set(script, file);
  }
  return file;
}

export function requireWrk(): void {
  if (!hasCommand('wrk')) throw new Error('wrk is not installed: apt-get install -y wrk');
}

/**
 * Runs wrk against `url` (GET) with `headers`, or with the requests of a Lua `script`: the
 * warm-up, then `beforeMeasure` (to snapshot counters), then the measured run. Throws if no
 * request completed.
 */
export async function runLoad(
  url: string,
  shape: LoadShape,
  headers: Record<string, string> = {},
  beforeMeasure: () => Promise<void> | void = () => undefined,
  script?: string,
): Promise<LoadResult> {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const base = ['-t', String(shape.threads), '-c', String(shape.connections), '-s', scriptFile(script), ...headerArgs];
  const runId = (): string[] => ['--', `${process.pid}.${++runs}`];
  if (shape.warmupSeconds > 0) await wrk([...base, '-d', `${shape.warmupSeconds}s`, url, ...runId()]);
  await beforeMeasure();
  const raw = await wrk([...base, '-d', `${shape.seconds}s`, '--timeout', '10s', url, ...runId()]);
  if (raw.requests === 0) throw new Error(`wrk completed no request against ${url}`);
  const seconds = raw.duration_us / 1e6;
  return {
    requests: raw.requests,
    seconds,
    rps: raw.requests / seconds,
    p50: raw.p50 / 1000,
    p90: raw.p90 / 1000,
    p99: raw.p99 / 1000,
    max: raw.max / 1000,
    socketErrors: raw.socket,
    socketErrorKinds: Object.entries(raw.kinds ?? {}).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', '),
    badStatus: raw.status,
    ...(raw.non2xx >= 0 ? { non2xx: raw.non2xx } : {}),
  };
}

interface WrkJson {
  requests: number;
  duration_us: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  socket: number;
  status: number;
  /** -1: not counted. */
  non2xx: number;
  kinds?: Record<string, number>;
}

async function wrk(args: string[]): Promise<WrkJson> {
  const result = await runCommand('wrk', args, { timeoutSeconds: 120 });
  const line = result.stdout.toString().split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (result.status !== 0 || !line) {
    throw new Error(`wrk ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout.toString()}`);
  }
  return JSON.parse(line.slice('WRK_JSON '.length)) as WrkJson;
}
