import { MemoryKV } from '../../src/store/MemoryKV';
import { ManifestStore } from '../../src/store/ManifestStore';
import { verifyManifest } from '../../src/oci/VerifiedManifest';
import { buildMultiPlatformImage, DEMO_PLATFORMS } from '../lib/ociLayout';

interface WorkerModule { default: { fetch(request: Request, env: object, ctx: object): Promise<Response> } }
const entry: string = '../../src/index';
const worker = ((await import(entry)) as WorkerModule).default;
const kv = new MemoryKV();
const store = new ManifestStore(kv);
const key = { registry: 'docker.io', repository: 'bench/multi' };
const image = await buildMultiPlatformImage({ repository: 'bench/multi' });
await store.putTag(key, '1.0', await verifyManifest(image.index.bytes, { contentType: image.index.mediaType }));
for (const child of image.children) for (const d of [child.manifest, child.attestation]) if (d) await store.putManifest(key, await verifyManifest(image.blobs.get(d.digest)!, { contentType: d.mediaType, digest: d.digest }));
const env = { MANIFESTS: kv, DEFAULT_REGISTRY: 'docker.io', DEFAULT_PLATFORM: 'linux/amd64', UPSTREAMS: '' };
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
const plats = DEMO_PLATFORMS.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
const ACC = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
let n = 0;
const reqs: [string, Record<string, string>][] = [];
for (const p of plats) {
  const child = image.children.find((c) => [c.platform.os, c.platform.architecture, c.platform.variant].filter(Boolean).join('/') === p)!.manifest.digest;
  reqs.push([`/resolve/bench/multi:1.0?platform=${p}`, { 'User-Agent': 'curl/8.0' }]);
  reqs.push([`/resolve/bench/multi:1.0?platform=${p}`, { Accept: 'text/plain', 'User-Agent': 'curl/8.0' }]);
  reqs.push([`/v2/bench/multi/manifests/1.0?platform=${p}`, { Accept: ACC, 'User-Agent': 'containerd/1.7' }]);
  reqs.push([`/v2/bench/multi/manifests/1.0`, { Accept: ACC, 'X-Platform': p, 'User-Agent': 'docker/27' }]);
  reqs.push([`/v2/bench/multi/manifests/${child}`, { Accept: ACC, 'User-Agent': 'podman/5' }]);
  reqs.push([`/platforms/bench/multi:1.0`, { Accept: 'application/json', 'User-Agent': 'Mozilla/5.0' }]);
}
async function run(count: number) {
  for (let i = 0; i < count; i++) {
    const [path, headers] = reqs[i % reqs.length]!;
    const sep = path.includes('?') ? '&' : '?';
    const r = await worker.fetch(new Request(`http://bench.test${path}${sep}_=${n++}`, { headers }), env, ctx);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`${path} ${r.status}`);
  }
}
async function hello(count: number) {
  for (let i = 0; i < count; i++) {
    const [path, headers] = reqs[i % reqs.length]!;
    const req = new Request(`http://bench.test${path}&_=${n++}`, { headers });
    const r = new Response('hello', { headers: { 'content-type': 'text/plain' } });
    void req.url;
    await r.arrayBuffer();
  }
}
await run(5000);
for (let round = 0; round < 3; round++) {
  let t = performance.now(); await run(20000); const ours = (performance.now() - t) / 20000 * 1000;
  t = performance.now(); await hello(20000); const floor = (performance.now() - t) / 20000 * 1000;
  console.log(`ours ${ours.toFixed(1)} µs/req, request+response floor ${floor.toFixed(1)} µs/req`);
}
