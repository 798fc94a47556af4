/**
 * The last headers every response gets (docs/architecture.md, "Request flow"): `X-Edge-Cost`, what
 * serving it cost, as `formatEdgeCost` writes it; and for private content (src/auth/PullAccess.ts)
 * `Cache-Control: private`, so no shared cache keeps it for others.
 */
import { privateCacheControl } from './cacheableResponse';

/**
 * The response with `X-Edge-Cost: cost` (and private caching when `servedPrivate`). Our own
 * responses take the headers as they are; one whose headers are immutable (a fetched response
 * handed on) is rebuilt around the same body, which is never read here.
 */
export function withEdgeCost(response: Response, cost: string, servedPrivate = false): Response {
  const stamp = (headers: Headers) => {
    headers.set('X-Edge-Cost', cost);
    if (servedPrivate) headers.set('Cache-Control', privateCacheControl(headers.get('Cache-Control')));
  };
  try {
    stamp(response.headers);
    return response;
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const out = new Response(response.body, response);
    stamp(out.headers);
    return out;
  }
}
