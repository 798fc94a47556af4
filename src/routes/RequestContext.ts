/** What every route handler receives besides the request: configuration and services. */
import type { Config } from '../config/config';
import type { Env } from '../config/Env';
import type { ManifestSource } from '../resolve/ManifestSource';
import type { ManifestStore } from '../store/ManifestStore';

export interface RequestContext {
  env: Env;
  config: Config;
  /** The KV store itself, for writes (admin) and listings. */
  store: ManifestStore;
  /** Where reads go: the store, or the pull-through source in front of an origin. */
  source: ManifestSource;
  ctx: ExecutionContext;
}
