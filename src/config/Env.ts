/** Bindings, vars and secrets the worker receives (see wrangler.toml and README "Configuration"). */
export interface Env {
  MANIFESTS: KVNamespace;
  DEFAULT_PLATFORM?: string;
  DEFAULT_REGISTRY?: string;
  PLATFORM_HOSTS?: string;
  BLOB_ORIGIN?: string;
  ADMIN_TOKEN?: string;
  /** Hosts an origin may redirect blobs to: `default` (well-known registries' storage), patterns, or `*`. */
  BLOB_REDIRECT_HOSTS?: string;
  UPSTREAMS?: string;
  UPSTREAM_CREDENTIALS?: string;
  /** Secret: token(s) clients present to pull what anonymous clients may not. */
  PULL_TOKEN?: string;
  /** `public` (default), `all`, `none`, or `public` and registry hosts anonymous clients may pull from. */
  ANONYMOUS_PULL?: string;
  TAG_TTL?: string;
  STALE_TTL?: string;
  NEGATIVE_TTL?: string;
  /** `off` keeps manifests out of the Cache API (every read goes to KV); default `on`. */
  EDGE_CACHE?: string;
}
