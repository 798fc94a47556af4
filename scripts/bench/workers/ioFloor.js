// The floor with our hot path's I/O and nothing else: per request, two reads of the kind a hot
// manifest request makes (the tag's index and the chosen child), either from KV
// (getWithMetadata as arrayBuffer, IO=kv) or from the Cache API (caches.default.match, IO=cache),
// and a small response. Separates what the runtime's storage costs under this harness from what
// our own code costs. The two values are written on the first request.
const KEYS = ['bench:index', 'bench:child'];
const SIZES = [8954, 1100];
let seeded = false;

async function seed(env) {
  for (const [i, key] of KEYS.entries()) {
    const bytes = new Uint8Array(SIZES[i]).fill(120);
    const metadata = { digest: `sha256:${'0'.repeat(64)}`, mediaType: 'application/json', storedAt: Date.now() };
    if (env.IO === 'cache') {
      const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=3600' };
      await caches.default.put(cacheUrl(key), new Response(bytes, { headers }));
    } else {
      await env.MANIFESTS.put(key, bytes, { metadata });
    }
  }
  seeded = true;
}

const cacheUrl = (key) => `https://manifest-cache.internal/${key}`;

export default {
  async fetch(request, env) {
    if (!seeded) await seed(env);
    let total = 0;
    for (const key of KEYS) {
      if (env.IO === 'cache') {
        const hit = await caches.default.match(cacheUrl(key));
        if (!hit) return new Response('cache miss\n', { status: 500 });
        total += (await hit.arrayBuffer()).byteLength;
      } else {
        const { value } = await env.MANIFESTS.getWithMetadata(key, 'arrayBuffer');
        if (value === null) return new Response('kv miss\n', { status: 500 });
        total += value.byteLength;
      }
    }
    return new Response(`${total}\n`, { headers: { 'Content-Type': 'text/plain' } });
  },
};
