import { exports, env } from 'cloudflare:workers';
import { it, expect } from 'vitest';
it('answers', async () => {
  const r = await exports.default.fetch('http://x/v2/');
  expect(r.status).toBe(200);
  await env.MANIFESTS.put('a', 'b');
  expect(await env.MANIFESTS.get('a')).toBe('b');
});
