/**
 * Once per integration run: make sure docker-registry, skopeo and podman are installed
 * (installing them when root), and build the worker bundle every test file starts under
 * Miniflare.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { requireDebianTools } from '../../scripts/lib/debianTools';
import { buildWorkerBundle, type WorkerBundle } from '../../scripts/lib/miniflareWorker';

declare module 'vitest' {
  export interface ProvidedContext {
    workerBundle: WorkerBundle;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireDebianTools();
  const started = Date.now();
  const bundle = await buildWorkerBundle();
  project.provide('workerBundle', bundle);
  console.log(`worker bundle built in ${Date.now() - started} ms`);
  return () => rm(dirname(bundle.scriptPath), { recursive: true, force: true });
}
