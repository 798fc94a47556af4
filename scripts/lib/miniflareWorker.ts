/**
 * The worker under workerd, started programmatically with Miniflare (docs/toolchain.md:
 * not through `wrangler dev`), for integration tests and benchmarks. The `miniflare` devDependency
 * is pinned to the version wrangler itself depends on, so this runs the same workerd binary as
 * `npm start` and `wrangler deploy` (checked by `npm run check:runtime`).
 *
 * 1. `buildWorkerBundle()` builds the production bundle with `wrangler deploy --dry-run
 *    --outdir DIR` (the bytes that would be deployed), once per run.
 * 2. `WorkerServer.start({ bundle, vars })` runs it on a free 127.0.0.1 port with the
 *    wrangler.toml vars overlaid by `vars`, a MANIFESTS KV namespace (in a temp dir Miniflare
 *    removes on `stop()`, or persisted under `persistTo`), and no outbound requests to
 *    Cloudflare (`cf: false`).
 *
 * @example
 * const bundle = await buildWorkerBundle();
 * const worker = await WorkerServer.start({ bundle, vars: { UPSTREAMS: `origin.test=${registry.url}` } });
 * await worker.fetch('/v2/');
 * await worker.stop();
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { runWrangler } from './project';
import { startTlsRefusingProxy, type TlsRefusingProxy } from './tlsRefusingProxy';
import { readWranglerToml, type WranglerSettings } from './wranglerToml';

/** The KV namespace id of wrangler.toml, so persisted data is shared with `wrangler kv … --local`. */
export const MANIFESTS_NAMESPACE_ID = '00000000000000000000000000000000';

export interface WorkerBundle extends WranglerSettings {
  /** The bundled ES module (`index.js`). */
  scriptPath: string;
}

/** Builds the bundle into `outDir` (a new temp dir by default). Takes a few seconds. */
export async function buildWorkerBundle(outDir?: string): Promise<WorkerBundle> {
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'worker-bundle-')));
  runWrangler(['deploy', '--dry-run', '--outdir', dir]);
  return { scriptPath: join(dir, 'index.js'), ...readWranglerToml() };
}

export interface WorkerOptions {
  bundle: WorkerBundle;
  /** Overlaid on wrangler.toml's [vars]: UPSTREAMS, UPSTREAM_CREDENTIALS, TAG_TTL, ADMIN_TOKEN… */
  vars?: Record<string, string>;
  /** A directory in wrangler's `--persist-to` layout to keep KV in; in memory when absent. */
  persistTo?: string;
}

export class WorkerServer {
  private constructor(
    /** The Miniflare instance, for its KV API in tests (`getKVNamespace('MANIFESTS')`). */
    readonly mf: Miniflare,
    /** `http://127.0.0.1:PORT`: workerd itself, for `fetch`. */
    readonly url: string,
    private readonly frontDoor: TlsRefusingProxy,
  ) {}

  static async start(options: WorkerOptions): Promise<WorkerServer> {
    const { bundle } = options;
    // Miniflare 5 takes `{ workers: [{ config, … }] }`; convertV4MiniflareOptions() is its own
    // adapter from the flat options of Miniflare 4, which say the same in fewer words.
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        scriptPath: bundle.scriptPath,
        // Module names are paths relative to this root; the bundle lives outside the project.
        modulesRoot: dirname(bundle.scriptPath),
        compatibilityDate: bundle.compatibilityDate,
        compatibilityFlags: bundle.compatibilityFlags,
        kvNamespaces: { MANIFESTS: MANIFESTS_NAMESPACE_ID },
        // As `wrangler … --persist-to DIR` does: KV under DIR/v3/kv.
        ...(options.persistTo ? { resourcePersistencePath: join(options.persistTo, 'v3') } : {}),
        bindings: { ...bundle.vars, ...options.vars },
        host: '127.0.0.1',
        port: 0,
        cf: false,
      }),
    );
    const url = await mf.ready;
    return new WorkerServer(mf, url.origin, await startTlsRefusingProxy(Number(url.port)));
  }

  /**
   * The `127.0.0.1:PORT` registry clients (skopeo, podman) put in image references: the same
   * worker behind a front door that refuses their first HTTPS attempt at once (see
   * tlsRefusingProxy.ts), instead of letting it stall for 10 s.
   */
  get host(): string {
    return `127.0.0.1:${this.frontDoor.port}`;
  }

  /** `fetch` against the worker; `path` starts with `/`. Redirects are not followed. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { redirect: 'manual', ...init });
  }

  async stop(): Promise<void> {
    await this.mf.dispose();
    await this.frontDoor.close();
  }
}
