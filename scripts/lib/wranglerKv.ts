/**
 * The worker's KV namespace (binding MANIFESTS) through wrangler, local (`--local`, optionally
 * `--persist-to DIR`) or remote: list keys with their metadata, and bulk writes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KvBulkEntry } from './kvEntries';
import { runWrangler } from './project';

export interface KvTarget {
  remote: boolean;
  /** Local only: wrangler's `--persist-to` directory (default `.wrangler/state`). */
  persistTo?: string;
}

export interface KvKey {
  name: string;
  metadata?: unknown;
}

/** wrangler sends at most this many entries per bulk request; larger sets are split into files. */
const BULK_CHUNK = 5000;

function targetFlags(target: KvTarget): string[] {
  const flags = ['--binding', 'MANIFESTS', target.remote ? '--remote' : '--local'];
  if (!target.remote && target.persistTo) flags.push('--persist-to', target.persistTo);
  return flags;
}

/** Every key under `prefix`, with its metadata (`wrangler kv key list`). */
export function listKvKeys(target: KvTarget, prefix: string): KvKey[] {
  const out = runWrangler(['kv', 'key', 'list', ...targetFlags(target), '--prefix', prefix]);
  const start = out.indexOf('[');
  if (start === -1) throw new Error(`wrangler kv key list printed no JSON array:\n${out}`);
  return JSON.parse(out.slice(start)) as KvKey[];
}

/** Writes `entries` with `wrangler kv bulk put`. */
export async function bulkPut(target: KvTarget, entries: readonly KvBulkEntry[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kv-bulk-'));
  try {
    for (let i = 0; i < entries.length; i += BULK_CHUNK) {
      const file = join(dir, `entries-${i}.json`);
      await writeFile(file, JSON.stringify(entries.slice(i, i + BULK_CHUNK)));
      runWrangler(['kv', 'bulk', 'put', file, ...targetFlags(target)]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
