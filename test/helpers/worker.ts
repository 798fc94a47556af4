/**
 * Calls the worker in-process inside workerd, with the test environment's real KV binding and
 * optional variable overrides — `toReq('GET /v2/')` style, as itty-router's tests do.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import worker from '../../src/index';
import type { Env } from '../../src/config/Env';

export const TEST_VARS = {
  PLATFORM_HOSTS: 'arm64.edge.test=linux/arm64, armv7.edge.test=linux/arm/v7',
  ADMIN_TOKEN: 'test-admin-token',
  BLOB_ORIGIN: 'https://blobs.example.com/{registry}/{repository}/blobs/{digest}',
};

export interface CallOptions {
  headers?: Record<string, string>;
  body?: BodyInit;
  vars?: Partial<Env>;
  host?: string;
  /** A worker of `createWorker(…)` (a fake origin, a clock); the real entry point by default. */
  worker?: Pick<typeof worker, 'fetch'>;
}

/** `call('GET /v2/demo/app/manifests/1.0', { headers })` → the worker's Response. */
export async function call(line: string, options: CallOptions = {}): Promise<Response> {
  const [method, path] = line.split(' ', 2) as [string, string];
  const url = `http://${options.host ?? 'registry.test'}${path}`;
  const request = new Request(url, { method, headers: options.headers, body: options.body });
  const ctx = createExecutionContext();
  const testEnv: Env = { ...(env as unknown as Env), ...TEST_VARS, ...options.vars };
  const response = await (options.worker ?? worker).fetch(request, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** The error envelope's first error. */
export async function errorOf(response: Response): Promise<{ code: string; message: string; detail: unknown }> {
  const body = (await response.json()) as { errors: { code: string; message: string; detail: unknown }[] };
  expect(body.errors).toHaveLength(1);
  return body.errors[0]!;
}
