/** Small response builders shared by the non-registry routes. */

export function jsonResponse(value: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(JSON.stringify(value, null, 2) + '\n', { status: init.status ?? 200, headers });
}

export function textResponse(text: string, init: { status?: number; headers?: HeadersInit } = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('Content-Type', 'text/plain; charset=utf-8');
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(text, { status: init.status ?? 200, headers });
}

/** True when the client prefers plain text (`Accept: text/plain`) over JSON. */
export function wantsText(request: Request): boolean {
  const accept = (request.headers.get('Accept') ?? '').toLowerCase();
  return accept.includes('text/plain') && !accept.includes('application/json');
}
