/**
 * Small response builders shared by the non-registry routes. `headers` are the route's own;
 * Content-Type and X-Content-Type-Options are set here. The headers are one plain record,
 * turned into the response's Headers once.
 */

export interface SimpleResponseInit {
  status?: number;
  headers?: Record<string, string>;
}

export function jsonResponse(value: unknown, init: SimpleResponseInit = {}): Response {
  const headers = { ...init.headers, 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
  return new Response(JSON.stringify(value, null, 2) + '\n', { status: init.status ?? 200, headers });
}

export function textResponse(text: string, init: SimpleResponseInit = {}): Response {
  const headers = { ...init.headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
  return new Response(text, { status: init.status ?? 200, headers });
}

/** True when the client prefers plain text (`Accept: text/plain`) over JSON. */
export function wantsText(request: Request): boolean {
  const accept = (request.headers.get('Accept') ?? '').toLowerCase();
  return accept.includes('text/plain') && !accept.includes('application/json');
}
