/**
 * The `X-Edge-Cost` header on a response (issue 3, item 4): what serving it cost, as
 * `formatEdgeCost` writes it.
 */

/**
 * The response with `X-Edge-Cost: cost`. Our own responses take the header as they are; one
 * whose headers are immutable (a fetched response handed on) is rebuilt around the same body,
 * which is never read here.
 */
export function withEdgeCost(response: Response, cost: string): Response {
  try {
    response.headers.set('X-Edge-Cost', cost);
    return response;
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const out = new Response(response.body, response);
    out.headers.set('X-Edge-Cost', cost);
    return out;
  }
}
