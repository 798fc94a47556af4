/**
 * Reads the platform-related parts of an HTTP request for the pure platform module
 * (docs/platform-rules.md §10): headers from `request`, the query and host from its parsed `url`.
 */
import type { Config } from '../config/config';
import { requestedPlatform, type RequestedPlatform } from '../platform/requestPlatform';

export function requestPlatformOf(request: Request, url: URL, config: Config, mayInfer: boolean): RequestedPlatform {
  const h = request.headers;
  const query = url.searchParams;
  // Getters: each header is read only if the sources before it named no platform.
  return requestedPlatform(
    {
      get query() {
        return query.get('platform');
      },
      get match() {
        return query.get('match');
      },
      get header() {
        return h.get('X-Platform');
      },
      get host() {
        return url.hostname;
      },
      get userAgent() {
        return h.get('User-Agent');
      },
      get hints() {
        return { platform: h.get('Sec-CH-UA-Platform'), arch: h.get('Sec-CH-UA-Arch'), bitness: h.get('Sec-CH-UA-Bitness') };
      },
      mayInfer,
    },
    { defaults: config.defaultPlatform, hosts: config.platformHosts },
  );
}

/** The `Vary` of a platform-dependent response: the request headers it depends on. */
export function platformVary(inferred: boolean): string {
  return inferred ? VARY_INFERRED : VARY_NAMED;
}

const VARY_NAMED = 'Accept, X-Platform';
const VARY_INFERRED = `${VARY_NAMED}, User-Agent, Sec-CH-UA-Platform, Sec-CH-UA-Arch, Sec-CH-UA-Bitness`;
