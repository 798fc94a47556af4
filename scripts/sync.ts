/**
 * Pre-warms the worker's KV (binding MANIFESTS) with tags from their origin registries, so the
 * first pulls through the edge are hits.
 *
 *   npm run sync -- [--local | --remote] [--persist-to DIR] [--file LIST]… [NAME:TAG]…
 *                   [--vars FILE] [--upstream HOST=URL]… [--concurrency 4] [--dry-run]
 *
 * References come from the arguments and from list files (one `name:tag` per line, `#`
 * comments). Names resolve as the worker resolves them (DEFAULT_REGISTRY, `library/` on Docker
 * Hub), and each registry must be in UPSTREAMS: from wrangler.toml [vars], then the vars file
 * (`--vars`, default `.dev.vars` when present), then `--upstream` flags. Credentials come from
 * UPSTREAM_CREDENTIALS (the vars file or the environment), exactly as the worker reads them.
 *
 * What changes is judged against what KV holds now, read with `wrangler kv key list` (tag keys
 * carry the digest in their metadata), one listing per repository:
 * - each tag is HEADed first: the same digest as in KV → `unchanged`, nothing fetched or written;
 * - otherwise the tag is fetched with its children (only those KV lacks) and written: `new` or
 *   `updated`. Every manifest is verified against its digest before it is written.
 * `--dry-run` stops after the HEADs: it reports what would change and writes nothing.
 * Exit status: 0 when every tag synced, 1 when any failed, 2 on bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, type Config } from '../src/config/config';
import type { Env } from '../src/config/Env';
import { formatImageName, parseReference } from '../src/oci/reference';
import type { ImageKey } from '../src/oci/reference';
import { manifestKey, tagKey, tagPrefix } from '../src/store/keys';
import { isManifestMetadata } from '../src/store/ManifestRecord';
import { RegistryClient } from '../src/upstream/RegistryClient';
import type { UpstreamMetrics } from '../src/upstream/UpstreamMetrics';
import { readDevVars } from './lib/devVars';
import { fetchTagManifests } from './lib/fetchTagManifests';
import { parseImageList } from './lib/imageList';
import { kvEntries, type KvBulkEntry } from './lib/kvEntries';
import { createLimiter } from './lib/limiter';
import { PROJECT_ROOT } from './lib/project';
import { bulkPut, listKvKeys, type KvTarget } from './lib/wranglerKv';
import { readWranglerToml } from './lib/wranglerToml';

const USAGE = `usage: npm run sync -- [--local | --remote] [--persist-to DIR] [--file LIST]... [NAME:TAG]...
         [--vars FILE] [--upstream HOST=URL]... [--concurrency N] [--dry-run]`;

export type SyncStatus = 'new' | 'updated' | 'unchanged' | 'failed';

export interface SyncOutcome {
  /** `registry/repository:tag` */
  ref: string;
  status: SyncStatus;
  digest?: string;
  /** The digest KV held before, for `updated`. */
  previous?: string;
  /** Manifests fetched by GET (the tag's own included). */
  fetched: number;
  /** Children not fetched because KV already had them. */
  skipped: number;
  error?: string;
}

export interface SyncOptions {
  refs: string[];
  config: Config;
  target: KvTarget;
  concurrency: number;
  dryRun: boolean;
  log?: (line: string) => void;
}

export interface SyncResult {
  outcomes: SyncOutcome[];
  written: number;
  metrics: UpstreamMetrics;
}

interface TagJob {
  ref: string;
  image: ImageKey;
  tag: string;
}

/** KV as it is now for one repository: tag → digest, and the manifest digests stored. */
interface RepositoryState {
  tags: Map<string, string>;
  manifests: Set<string>;
}

export async function sync(options: SyncOptions): Promise<SyncResult> {
  const log = options.log ?? console.log;
  const jobs = options.refs.map((text) => toJob(text, options.config));
  const metrics: UpstreamMetrics = { upstreamRequests: 0, tokenRequests: 0, manifestGets: 0, manifestHeads: 0 };
  const clients = new Map<string, RegistryClient>();
  for (const { image } of jobs) {
    if (clients.has(image.registry)) continue;
    const config = options.config.upstreams[image.registry];
    if (!config) {
      throw new Error(`no upstream for registry ${image.registry}: add it to UPSTREAMS or pass --upstream ${image.registry}=https://…`);
    }
    clients.set(image.registry, new RegistryClient({ registry: image.registry, config, metrics }));
  }

  const where = options.target.remote ? 'remote KV' : `local KV${options.target.persistTo ? ` in ${options.target.persistTo}` : ''}`;
  const repositories = [...new Map(jobs.map((j) => [repoKey(j.image), j.image])).values()];
  log(`reading the current state of ${repositories.length} repositor${repositories.length === 1 ? 'y' : 'ies'} from ${where}…`);
  const states = new Map<string, RepositoryState>();
  for (const image of repositories) states.set(repoKey(image), readState(options.target, image));

  const limit = createLimiter(options.concurrency);
  const outcomes: SyncOutcome[] = [];
  const entries: KvBulkEntry[] = [];
  let done = 0;
  await Promise.all(
    jobs.map(async (job) => {
      const outcome = await syncTag(job, clients.get(job.image.registry)!, states.get(repoKey(job.image))!, limit, options.dryRun, entries);
      outcomes.push(outcome);
      log(`[${++done}/${jobs.length}] ${describe(outcome)}`);
    }),
  );
  outcomes.sort((a, b) => jobs.findIndex((j) => j.ref === a.ref) - jobs.findIndex((j) => j.ref === b.ref));

  if (!options.dryRun && entries.length > 0) {
    log(`writing ${entries.length} KV entries to ${where}…`);
    await bulkPut(options.target, entries);
  }
  return { outcomes, written: options.dryRun ? 0 : entries.length, metrics };
}

async function syncTag(
  job: TagJob,
  client: RegistryClient,
  state: RepositoryState,
  limit: ReturnType<typeof createLimiter>,
  dryRun: boolean,
  entries: KvBulkEntry[],
): Promise<SyncOutcome> {
  const previous = state.tags.get(job.tag);
  const base = { ref: job.ref, fetched: 0, skipped: 0, ...(previous ? { previous } : {}) };
  try {
    const head = await limit(() => client.headManifest(job.image, job.tag));
    if (!head) return { ...base, status: 'failed', error: 'the registry has no such tag' };
    if (head.digest === previous) return { ...base, status: 'unchanged', digest: head.digest };
    const status = previous ? 'updated' : 'new';
    if (dryRun) return { ...base, status, digest: head.digest };
    const fetched = await fetchTagManifests(client, job.image, job.tag, { limit, known: state.manifests });
    if (!fetched) return { ...base, status: 'failed', error: 'the registry has no such tag (gone after HEAD)' };
    const manifests = [fetched.top, ...fetched.children];
    entries.push(...(await kvEntries({ image: job.image, tags: new Map([[job.tag, fetched.top]]), manifests })));
    return { ...base, status, digest: fetched.top.digest, fetched: manifests.length, skipped: fetched.skipped };
  } catch (err) {
    return { ...base, status: 'failed', error: err instanceof Error ? err.message : String(err) };
  }
}

function readState(target: KvTarget, image: ImageKey): RepositoryState {
  const tags = new Map<string, string>();
  const prefix = tagPrefix(image);
  for (const key of listKvKeys(target, prefix)) {
    if (isManifestMetadata(key.metadata)) tags.set(key.name.slice(prefix.length), key.metadata.digest);
  }
  const manifestPrefix = manifestKey(image, '');
  const manifests = new Set(listKvKeys(target, manifestPrefix).map((key) => key.name.slice(manifestPrefix.length)));
  return { tags, manifests };
}

function toJob(text: string, config: Config): TagJob {
  const ref = parseReference(text, { defaultRegistry: config.defaultRegistry });
  if (ref.digest !== undefined || ref.tag === undefined) throw new Error(`"${text}": sync takes tags (name:tag), not digests`);
  const image = { registry: ref.image.registry, repository: ref.image.repository };
  return { ref: `${formatImageName(ref.image)}:${ref.tag}`, image, tag: ref.tag };
}

function repoKey(image: ImageKey): string {
  return tagKey(image, '');
}

function describe(o: SyncOutcome): string {
  const status = o.status.padEnd(9);
  switch (o.status) {
    case 'failed':
      return `${status} ${o.ref}: ${o.error}`;
    case 'unchanged':
      return `${status} ${o.ref} ${o.digest}`;
    default: {
      const from = o.status === 'updated' ? ` (was ${o.previous})` : '';
      const counts = o.fetched > 0 ? `, ${o.fetched} manifests fetched, ${o.skipped} already in KV` : '';
      return `${status} ${o.ref} ${o.digest}${from}${counts}`;
    }
  }
}

/** wrangler.toml [vars] ← vars file ← UPSTREAM_CREDENTIALS from the environment ← --upstream flags. */
function loadConfig(varsFile: string | undefined, upstreamFlags: string[]): { config: Config; sources: string[] } {
  const sources = ['wrangler.toml [vars]'];
  const vars: Record<string, string> = { ...readWranglerToml().vars };
  const file = varsFile ?? (existsSync(join(PROJECT_ROOT, '.dev.vars')) ? join(PROJECT_ROOT, '.dev.vars') : undefined);
  if (file) {
    Object.assign(vars, readDevVars(file));
    sources.push(file);
  }
  if (process.env.UPSTREAM_CREDENTIALS) {
    vars.UPSTREAM_CREDENTIALS = process.env.UPSTREAM_CREDENTIALS;
    sources.push('UPSTREAM_CREDENTIALS from the environment');
  }
  if (upstreamFlags.length > 0) {
    vars.UPSTREAMS = [vars.UPSTREAMS ?? '', ...upstreamFlags].filter(Boolean).join(',');
    sources.push('--upstream');
  }
  return { config: parseConfig(vars as unknown as Env), sources };
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        file: { type: 'string', multiple: true },
        local: { type: 'boolean' },
        remote: { type: 'boolean' },
        'persist-to': { type: 'string' },
        vars: { type: 'string' },
        upstream: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (values.local && values.remote) throw new UsageError('choose one of --local and --remote');
    if (values.remote && values['persist-to']) throw new UsageError('--persist-to is for --local');
  } catch (err) {
    console.error(`sync: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const concurrency = Number(values.concurrency ?? '4');
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error(`sync: --concurrency must be a whole number ≥ 1\n${USAGE}`);
    return 2;
  }
  const refs = [...positionals];
  for (const file of values.file ?? []) refs.push(...parseImageList(readFileSync(file, 'utf8')));
  if (refs.length === 0) {
    console.error(`sync: no images given (arguments or --file)\n${USAGE}`);
    return 2;
  }
  const { config, sources } = loadConfig(values.vars, values.upstream ?? []);
  const dryRun = Boolean(values['dry-run']);
  console.log(`sync ${refs.length} tag(s), concurrency ${concurrency}${dryRun ? ', dry run' : ''}; configuration from ${sources.join(', ')}`);
  const target: KvTarget = { remote: Boolean(values.remote), ...(values['persist-to'] ? { persistTo: values['persist-to'] } : {}) };
  const result = await sync({ refs, config, target, concurrency, dryRun });

  const count = (status: SyncStatus) => result.outcomes.filter((o) => o.status === status).length;
  const m = result.metrics;
  console.log(
    `upstream: ${m.upstreamRequests} requests (${m.manifestHeads ?? 0} manifest HEADs, ${m.manifestGets ?? 0} manifest GETs, ${m.tokenRequests} token requests)`,
  );
  for (const o of result.outcomes.filter((o) => o.status === 'failed')) console.error(`failed: ${o.ref}: ${o.error}`);
  const would = dryRun ? 'dry run, nothing written' : `${result.written} KV entries written`;
  console.log(`summary: ${count('new')} new, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('failed')} failed; ${would}`);
  return count('failed') > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`sync: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
