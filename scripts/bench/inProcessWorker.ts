/**
 * The worker's own `fetch` handler called in-process in Node, with an in-memory KV holding the
 * benchmark image: the CPU cost of a whole hot request (routing, config, KV read, parse, select,
 * response) without the runtime's I/O around it.
 */
import { verifyManifest } from '../../src/oci/VerifiedManifest';
import { MemoryKV } from '../../src/store/MemoryKV';
import { ManifestStore } from '../../src/store/ManifestStore';
import type { BuiltImage } from '../lib/ociLayout';
import { BENCH_PLATFORM } from './fixtures';

const REPOSITORY = 'bench/multi';
const TAG = '1.0';

export interface FullRequestCase {
  name: string;
  call: () => Promise<void>;
}

/** The slice of the worker module used here; the module itself is typed for workerd, not Node. */
interface WorkerModule {
  default: { fetch(request: Request, env: object, ctx: object): Promise<Response> };
}

export async function fullRequestCases(image: BuiltImage): Promise<FullRequestCase[]> {
  // A computed specifier keeps the workerd-typed module graph out of the scripts' typecheck.
  const entry: string = '../../src/index';
  const worker = ((await import(entry)) as WorkerModule).default;
  const kv = new MemoryKV();
  const store = new ManifestStore(kv);
  const key = { registry: 'docker.io', repository: REPOSITORY };
  await store.putTag(key, TAG, await verifyManifest(image.index.bytes, { contentType: image.index.mediaType }));
  for (const child of image.children) {
    for (const d of [child.manifest, child.attestation]) {
      if (d) await store.putManifest(key, await verifyManifest(image.blobs.get(d.digest)!, { contentType: d.mediaType, digest: d.digest }));
    }
  }
  const env = { MANIFESTS: kv, DEFAULT_REGISTRY: 'docker.io', DEFAULT_PLATFORM: 'linux/amd64' };
  const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
  const arm64 = image.children.find((c) => c.platform.architecture === 'arm64')!.manifest.digest;

  const request = (path: string, headers: Record<string, string> = {}) => async () => {
    const response = await worker.fetch(new Request(`http://bench.test${path}`, { headers }), env, ctx);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: status ${response.status}`);
  };
  const resolvePath = `/resolve/${REPOSITORY}:${TAG}?platform=${BENCH_PLATFORM}`;
  const manifestPath = `/v2/${REPOSITORY}/manifests/${TAG}?platform=${BENCH_PLATFORM}`;
  const check = await worker.fetch(new Request(`http://bench.test${manifestPath}`), env, ctx);
  if (check.headers.get('Docker-Content-Digest') !== arm64) {
    throw new Error(`in-process worker answered ${check.status} ${check.headers.get('Docker-Content-Digest')}, expected ${arm64}`);
  }
  return [
    { name: 'full request /resolve (in-process)', call: request(resolvePath) },
    { name: 'full request manifest by tag (in-process)', call: request(manifestPath) },
  ];
}
