/**
 * Responses that browsers, GitHub's image proxy and CDNs may keep (badges, the image page):
 * `Cache-Control` with `max-age` (browsers, the proxy) and `s-maxage` (shared caches), and for
 * a 200 a strong ETag of the body, so `If-None-Match` gets a 304 (RFC 9110 §13.1.2). Error
 * statuses carry no ETag: §13.2.1 has servers ignore preconditions for them anyway.
 */
import { ifNoneMatchHits } from './etag';

export interface CacheableInit {
  status: number;
  /** Seconds for `max-age` and `s-maxage`. */
  maxAge: number;
  headers: Record<string, string>;
}

/** `public, max-age=N, s-maxage=N`. */
export function cacheControl(seconds: number): string {
  return `public, max-age=${seconds}, s-maxage=${seconds}`;
}

/** `public, max-age=N, s-maxage=N` → `private, max-age=N`; `no-store` stays as it is. */
export function privateCacheControl(value: string | null): string {
  const directives = (value ?? '').split(',').map((d) => d.trim()).filter((d) => d && !/^(public|private|s-maxage=.*)$/i.test(d));
  if (directives.some((d) => d.toLowerCase() === 'no-store')) return directives.join(', ');
  return ['private', ...directives].join(', ');
}

/** A strong ETag from the SHA-256 of the body: 128 bits are plenty to tell versions apart. */
export async function bodyEtag(body: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return `"${[...hash.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

/** The response for `body`, or a 304 when the request already has this version of a 200. */
export async function cacheableResponse(request: Request, body: string, init: CacheableInit): Promise<Response> {
  const bytes = new TextEncoder().encode(body);
  const headers = new Headers(init.headers);
  headers.set('Cache-Control', cacheControl(init.maxAge));
  headers.set('X-Content-Type-Options', 'nosniff');
  if (init.status === 200) {
    const etag = await bodyEtag(bytes);
    headers.set('ETag', etag);
    if (ifNoneMatchHits(request.headers.get('If-None-Match'), etag)) {
      headers.delete('Content-Type');
      return new Response(null, { status: 304, headers });
    }
  }
  headers.set('Content-Length', String(bytes.byteLength));
  return new Response(bytes, { status: init.status, headers });
}
