/**
 * `GET /token?service=…&scope=…`: the token endpoint of the registry token flow, where the
 * `Bearer realm` of our challenges sends clients (src/auth/PullAccess.ts).
 * - Basic credentials whose password is a PULL_TOKEN (any user name: `docker login -u pull`),
 *   or the token itself as Bearer, get a `pull` token. A token this worker issued does not: a
 *   leaked one must not be renewable for ever.
 * - No credentials get an `anonymous` token, good for what anonymous clients may pull anyway.
 * - Other credentials get 401 from `docker login` (`offline_token=true`), and an anonymous
 *   token otherwise: the Docker daemon sends its Docker Hub login to a mirror's token realm, and
 *   a 401 there would make it skip the mirror for public images too.
 * `scope` is not needed: a pull token opens every repository. Only GET: OAuth2 clients fall
 * back to it when a POST is answered 404, as the token specification has them.
 */
import { issueToken } from '../auth/pullToken';
import { jsonResponse } from '../http/jsonResponse';
import { RegistryError } from '../oci/RegistryError';
import type { RequestContext } from './RequestContext';

export async function tokenRoute(request: Request, { config, access, now }: RequestContext): Promise<Response> {
  if (config.pull.tokens.length === 0) throw new RegistryError('NOT_FOUND', 'this worker issues no tokens: no PULL_TOKEN is configured');
  const identity = await access.identify(request);
  const login = new URL(request.url).searchParams.get('offline_token') === 'true';
  if (identity === 'invalid' && login) {
    throw new RegistryError('UNAUTHORIZED', 'the credentials are not valid', null, {
      'WWW-Authenticate': `Basic realm="${new URL(request.url).origin}/token"`,
    });
  }
  const grant = identity === 'token' ? 'pull' : 'anonymous';
  const issued = await issueToken(grant, config.pull.tokens, now());
  return jsonResponse(
    { token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issued.issuedAt },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}
