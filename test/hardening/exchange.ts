/**
 * One request to the worker in-process (as test/helpers/worker.ts `call` does, but taking any
 * Request, so hostile URLs and headers reach the worker unchanged), under a time limit, with
 * what the worker logged meanwhile; and the invariant every answer must keep (docs/security.md,
 * "Hostile input"): a valid answer, or a spec error — the right status for its code, the JSON
 * envelope `{"errors":[{code,message,detail}]}`, `Content-Type: application/json` — never an
 * uncaught exception, a 500, a stack trace, or a hang.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import worker from '../../src/index';
import type { Env } from '../../src/config/Env';
import { sha256Digest } from '../../src/oci/digest';
import { ERROR_STATUS, type ErrorCode } from '../../src/oci/RegistryError';
import { TEST_VARS } from '../helpers/worker';

/** A request taking longer than this in-process is a hang (the slowest seen are ~50 ms). */
export const HANG_MS = 5_000;

export interface Exchange {
  request: Request;
  response: Response;
  body: Uint8Array;
  /** Everything the worker wrote to the console during the request, one entry per call. */
  logs: string[];
}

export interface DispatchOptions {
  vars?: Partial<Env>;
  worker?: { fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> };
}

/**
 * Captures console output into `logs` until the returned function is called. Once per dispatch,
 * not once per file: a suite's `vi.restoreAllMocks()` would undo a file-wide capture for every
 * later test, sending the worker's log lines, hostile input and all, to the vitest reporter.
 */
function captureConsole(logs: string[]): () => void {
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(`${level}: ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}\n${a.stack ?? ''}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    }),
  );
  return () => {
    for (const spy of spies) spy.mockRestore();
  };
}

/** Sends `request` to the worker (the real entry point unless `options.worker`), waiting for its background work. */
export async function dispatch(request: Request, options: DispatchOptions = {}): Promise<Exchange> {
  const logs: string[] = [];
  const releaseConsole = captureConsole(logs);
  const ctx = createExecutionContext();
  const testEnv: Env = { ...(env as unknown as Env), ...TEST_VARS, ...options.vars };
  const target = options.worker ?? worker;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms: ${request.method} ${request.url}`)), HANG_MS);
  });
  try {
    const response = await Promise.race([target.fetch(request, testEnv, ctx), hang]);
    const body = new Uint8Array(await Promise.race([response.arrayBuffer(), hang]));
    await Promise.race([waitOnExecutionContext(ctx), hang]);
    return { request, response, body, logs };
  } finally {
    clearTimeout(timer);
    releaseConsole();
  }
}

/** The largest error envelope expected for requests against the demo image (≤ 10 platforms). */
export const MAX_ERROR_BYTES = 4 * 1024;

/** Statuses a response may have at all. 500 is not among them: with a valid configuration it means a bug. */
const ALLOWED_STATUSES = new Set([200, 201, 206, 304, 307, 400, 401, 403, 404, 405, 416, 429, 502, 503]);

/** Routes whose failures are images or pages, not the JSON envelope (a README shows an image either way). */
function isBadgeOrPage(request: Request): boolean {
  const path = new URL(request.url).pathname;
  return (request.method === 'GET' || request.method === 'HEAD') && /^\/(badge|image)\/./.test(path);
}

const STACK = /\n\s+at |\bat async\b|TypeError|ReferenceError|RangeError|SyntaxError|\.ts:\d+|\.js:\d+/;

/**
 * Throws unless the exchange is a valid answer or a spec error as described above. Returns the
 * error code for errors (or undefined), so callers can tally what they saw.
 */
export async function expectSpecAnswer(exchange: Exchange, blobOrigin = new URL(TEST_VARS.BLOB_ORIGIN).origin): Promise<string | undefined> {
  const { request, response, body, logs } = exchange;
  const what = `${request.method} ${cut(request.url)} → ${response.status}`;
  const fail = (why: string): never => {
    throw new Error(`${what}: ${why}\nbody: ${cut(new TextDecoder().decode(body.subarray(0, 600)))}\nlogs: ${cut(logs.join('\n'))}`);
  };
  if (!ALLOWED_STATUSES.has(response.status)) fail(`unexpected status ${response.status}`);
  const unhandled = logs.find((line) => line.includes('unhandled error'));
  if (unhandled) fail(`the worker hit an unhandled error: ${unhandled}`);
  const text = new TextDecoder().decode(body);
  if (STACK.test(text)) fail('the body looks like it carries a stack trace or runtime error');
  if (request.method === 'HEAD' && body.byteLength > 0) fail('a HEAD answer has a body');
  const type = response.headers.get('Content-Type') ?? '';

  if (response.status >= 400) {
    if (type === 'application/json' && request.method !== 'HEAD') {
      const code = envelopeCode(text, response.status, fail);
      if (response.headers.get('X-Content-Type-Options') !== 'nosniff') fail('an error without nosniff');
      // Errors quote request parts cut short: a 64 KiB header must not come back whole.
      if (body.byteLength > MAX_ERROR_BYTES) fail(`an error of ${body.byteLength} bytes: it echoes too much of the request`);
      return code;
    }
    if (type === 'application/json' && request.method === 'HEAD') return 'HEAD';
    if (!isBadgeOrPage(request)) fail(`an error that is not the JSON envelope (Content-Type ${JSON.stringify(type)})`);
    if (response.headers.get('X-Content-Type-Options') !== 'nosniff') fail('a badge or page error without nosniff');
    if (type.startsWith('image/svg+xml')) {
      if (request.method === 'GET' && !text.startsWith('<svg')) fail('an SVG error badge that is not SVG');
    } else if (type.startsWith('text/html')) {
      if (request.method === 'GET' && !text.startsWith('<!doctype html>')) fail('an HTML error page that is not HTML');
    } else if (type.startsWith('application/json')) {
      if (request.method === 'GET') JSON.parse(text);
    } else {
      fail(`a badge or page error of type ${type}`);
    }
    return `badge-${response.status}`;
  }

  if (response.status === 307) {
    const location = response.headers.get('Location');
    if (location === null) return fail('a redirect without Location');
    if (new URL(location).origin !== blobOrigin) fail(`a redirect off the configured blob origin: ${location}`);
    return undefined;
  }
  if (response.status === 304) {
    if (body.byteLength > 0) fail('a 304 with a body');
    return undefined;
  }
  if (type === '') fail('an answer without Content-Type');
  const digest = response.headers.get('Docker-Content-Digest');
  const path = new URL(request.url).pathname;
  if (/^\/v2\/.+\/manifests\/[^/]+$/.test(path)) {
    if (digest === null) fail('a manifest without Docker-Content-Digest');
    if (request.method === 'GET' && (await sha256Digest(body)) !== digest) fail('a manifest body that does not hash to its Docker-Content-Digest');
    if (response.headers.get('Content-Length') !== null && request.method === 'GET' && Number(response.headers.get('Content-Length')) !== body.byteLength) {
      fail('a Content-Length that is not the body length');
    }
  }
  if (type.startsWith('application/json') && request.method === 'GET') {
    try {
      JSON.parse(text);
    } catch {
      fail('a JSON answer that does not parse');
    }
  }
  return undefined;
}

function envelopeCode(text: string, status: number, fail: (why: string) => never): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('an error body that is not JSON');
  }
  const errors = (json as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length !== 1) return fail('not the envelope {"errors":[…]} with one error');
  const [error] = errors as Record<string, unknown>[];
  if (Object.keys(json as object).join() !== 'errors') fail('extra top-level keys in the envelope');
  if (!error || Object.keys(error).sort().join() !== 'code,detail,message') fail('an error without exactly code, message and detail');
  const code = error!.code;
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_STATUS, code)) return fail(`an unknown error code ${String(code)}`);
  if (ERROR_STATUS[code as ErrorCode] !== status) fail(`code ${code} with status ${status} (expected ${ERROR_STATUS[code as ErrorCode]})`);
  if (typeof error!.message !== 'string' || error!.message === '') fail('an error without a message');
  return code;
}

/** `text` cut to 300 characters, for failure messages about 64 KiB inputs. */
function cut(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} characters)` : text;
}
