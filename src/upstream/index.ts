/**
 * The upstream module: reading origin registries for the pull-through store (docs/architecture.md,
 * "Request flow"). `upstreamFor` gives the isolate's client of a configured registry;
 * `parseWwwAuthenticate` is exported for anyone reading challenges.
 */
export * from './basicAuthorization';
export * from './fetchToken';
export * from './nextLink';
export * from './parseRetryAfter';
export * from './parseWwwAuthenticate';
export * from './RegistryAuth';
export * from './RegistryClient';
export * from './TokenCache';
export * from './Upstream';
export * from './UpstreamMetrics';
export * from './upstreamFor';
