/**
 * Everything the scenarios share, started once per run on 127.0.0.1:
 * - the origin registry (Debian docker-registry, scripts/lib/registryServer.ts) holding the
 *   30-entry benchmark image as `bench/multi:1.0`, pushed with skopeo from an OCI layout, and
 *   one more image per cold tag (`bench/cold-N:1.0`, distinct repositories so nothing of them
 *   is cached anywhere before the first request);
 * - the delay proxy in front of it (40 ms per upstream request, counted), which every cache —
 *   ours and the peers — uses as its upstream;
 * - the production bundle of our worker, built once.
 */
import { join } from 'node:path';
import type { WorkerBundle } from '../lib/miniflareWorker';
import type { BuiltImage } from '../lib/ociLayout';
import { PROJECT_ROOT } from '../lib/project';
import { pushImage } from '../lib/registryPush';
import { RegistryServer } from '../lib/registryServer';
import { buildBundle } from './bundleSize';
import { DelayProxy } from './delayProxy';
import { BENCH_PLATFORM, benchImage } from './fixtures';

export const REPOSITORY = 'bench/multi';
export const TAG = '1.0';
/** What registry clients (containerd, skopeo) send when they fetch a manifest. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
export const ADMIN_TOKEN = 'bench-admin-token';

export const resolvePath = (repository = REPOSITORY, tag = TAG): string => `/resolve/${repository}:${tag}?platform=${BENCH_PLATFORM}`;
export const manifestPath = (repository = REPOSITORY, tag = TAG, platform = true): string =>
  `/v2/${repository}/manifests/${tag}${platform ? `?platform=${BENCH_PLATFORM}` : ''}`;

export interface PushedImage {
  repository: string;
  image: BuiltImage;
  /** The digest a linux/arm64 client gets. */
  arm64Digest: string;
}

export class BenchEnvironment {
  private constructor(
    readonly origin: RegistryServer,
    readonly proxy: DelayProxy,
    readonly bundle: WorkerBundle & { metafile: string },
    readonly main: PushedImage,
    readonly cold: PushedImage[],
  ) {}

  static async start(options: { coldTags: number; delayMs: number; log: (line: string) => void }): Promise<BenchEnvironment> {
    const { log } = options;
    log('building the production bundle (wrangler deploy --dry-run)');
    // Inside the project: Miniflare names modules relative to the working directory.
    const bundle = buildBundle(join(PROJECT_ROOT, 'artifacts', 'bench', 'bundle'));
    log('starting the origin registry (docker-registry)');
    const origin = await RegistryServer.start({ label: 'origin registry' });
    try {
      const main = await push(origin, REPOSITORY);
      log(`pushed ${REPOSITORY}:${TAG} (${main.image.index.digest.slice(0, 19)}…, ${main.image.children.length} platforms + attestations) with skopeo`);
      const cold: PushedImage[] = [];
      for (let i = 0; i < options.coldTags; i++) cold.push(await push(origin, `bench/cold-${i}`));
      log(`pushed ${cold.length} more images for first-request (cold) measurements`);
      const proxy = await DelayProxy.start({ target: origin.url, delayMs: options.delayMs });
      log(`delay proxy ${proxy.url} → ${origin.url} (+${options.delayMs} ms per request)`);
      return new BenchEnvironment(origin, proxy, bundle, main, cold);
    } catch (err) {
      await origin.dispose();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await this.proxy.stop().catch(() => undefined);
    await this.origin.dispose().catch(() => undefined);
  }
}

async function push(origin: RegistryServer, repository: string): Promise<PushedImage> {
  const image = await benchImage(repository);
  await pushImage(image, { registry: origin.host, repository, tag: TAG });
  const arm64 = image.children.find((c) => c.platform.os === 'linux' && c.platform.architecture === 'arm64');
  if (!arm64) throw new Error('benchmark image has no linux/arm64 child');
  return { repository, image, arm64Digest: arm64.manifest.digest };
}
