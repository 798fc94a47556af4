/**
 * Seeds the worker's KV namespace (binding MANIFESTS) with manifests, locally or remotely.
 *
 *   tsx scripts/seed.ts --demo [--local|--remote]
 *   tsx scripts/seed.ts --layout DIR --image NAME [--local|--remote]
 *   tsx scripts/seed.ts --file index.json [--file child.json …] --image NAME:TAG [--local|--remote]
 *
 * --layout reads an OCI image layout (every tag of its index.json and all manifests under
 * them); --file stores the first file as the tag and the others by digest. --dry-run prints
 * what would be written. Writes go through `wrangler kv bulk put`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256Digest } from '../src/oci/digest';
import { parseManifest } from '../src/oci/manifest';
import { parseReference } from '../src/oci/reference';
import { demoPlan } from './lib/demo';
import { kvEntries, type ManifestBlob, type SeedPlan } from './lib/kvEntries';
import { fail, runWrangler } from './lib/project';
import { readLayout } from './lib/readLayout';

const DEFAULT_REGISTRY = 'docker.io';

export async function seed(plan: SeedPlan, target: { remote: boolean; persistTo?: string; dryRun?: boolean }) {
  const entries = await kvEntries(plan);
  const name = `${plan.image.registry}/${plan.image.repository}`;
  for (const [tag, blob] of plan.tags) console.log(`  ${name}:${tag} → ${blob.digest} (${blob.mediaType})`);
  console.log(`  ${plan.manifests.length} manifests by digest, ${entries.length} KV entries in all`);
  if (target.dryRun) return;
  const dir = await mkdtemp(join(tmpdir(), 'seed-'));
  try {
    const file = join(dir, 'entries.json');
    await writeFile(file, JSON.stringify(entries));
    const args = ['kv', 'bulk', 'put', file, '--binding', 'MANIFESTS', target.remote ? '--remote' : '--local'];
    if (target.persistTo) args.push('--persist-to', target.persistTo);
    runWrangler(args);
    console.log(`  written to ${target.remote ? 'the remote' : 'the local'} KV namespace MANIFESTS`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function planFromFiles(files: string[], image: string): Promise<SeedPlan> {
  const ref = parseReference(image, { defaultRegistry: DEFAULT_REGISTRY });
  if (!ref.tag || ref.digest) fail('--file needs --image NAME:TAG');
  const blobs: ManifestBlob[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(file));
    const { mediaType } = parseManifest(bytes);
    blobs.push({ digest: await sha256Digest(bytes), mediaType, bytes });
  }
  const [top] = blobs;
  if (!top) fail('no --file given');
  return { image: ref.image, tags: new Map([[ref.tag, top]]), manifests: blobs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      demo: { type: 'boolean' },
      layout: { type: 'string' },
      file: { type: 'string', multiple: true },
      image: { type: 'string' },
      local: { type: 'boolean' },
      remote: { type: 'boolean' },
      'persist-to': { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  if (values.local && values.remote) fail('choose one of --local and --remote');
  let plan: SeedPlan;
  if (values.demo) {
    plan = await demoPlan();
  } else if (values.layout) {
    if (!values.image) fail('--layout needs --image NAME');
    const { image } = parseReference(values.image, { defaultRegistry: DEFAULT_REGISTRY });
    plan = { image, ...(await readLayout(values.layout)) };
  } else if (values.file?.length) {
    plan = await planFromFiles(values.file, values.image ?? fail('--file needs --image NAME:TAG'));
  } else {
    fail('nothing to seed: give --demo, --layout DIR --image NAME, or --file FILE --image NAME:TAG');
  }
  console.log(`Seeding ${values.remote ? 'remote' : 'local'} KV:`);
  await seed(plan, { remote: Boolean(values.remote), persistTo: values['persist-to'], dryRun: values['dry-run'] });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
