// A naive pass-through registry proxy, the shape of popular Worker-based Docker proxies: every
// request is forwarded to the upstream (env.UPSTREAM) with its method, path, query, Accept and
// Authorization, and the answer is streamed back. No cache, no platform selection.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const upstream = new URL(url.pathname + url.search, env.UPSTREAM);
    const headers = new Headers();
    for (const name of ['Accept', 'Authorization', 'Range']) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const answer = await fetch(upstream, { method: request.method, headers, redirect: 'follow' });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  },
};
