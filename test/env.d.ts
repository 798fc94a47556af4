// Types for `cloudflare:workers` in tests: the bindings of wrangler.toml and the main module.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
  interface Env {
    MANIFESTS: KVNamespace;
    DEFAULT_PLATFORM?: string;
    DEFAULT_REGISTRY?: string;
    PLATFORM_HOSTS?: string;
    BLOB_ORIGIN?: string;
    ADMIN_TOKEN?: string;
    UPSTREAMS?: string;
    UPSTREAM_CREDENTIALS?: string;
    TAG_TTL?: string;
    STALE_TTL?: string;
    NEGATIVE_TTL?: string;
  }
}
