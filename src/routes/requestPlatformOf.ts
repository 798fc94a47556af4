/**
 * Reads the platform-related parts of an HTTP request for the pure platform module
 * (docs/platform-rules.md §10): headers from `request`, the query and host from its parsed `url`.
 */
import type { Config } from '../config/config';
import { requestedPlatform, type RequestedPlatform } from '../platform/requestPlatform';

export function requestPlatformOf(request: Request, url: URL, config: Config, mayInfer: boolean): RequestedPlatform {
  const h = request.headers;
  return requestedPlatform(
    {
      query: url.searchParams.get('platform'),
      match: url.searchParams.get('match'),
      header: h.get('X-Platform'),
      host: url.hostname,
      userAgent: h.get('User-Agent'),
      hints: {
        platform: h.get('Sec-CH-UA-Platform'),
        arch: h.get('Sec-CH-UA-Arch'),
        bitness: h.get('Sec-CH-UA-Bitness'),
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
