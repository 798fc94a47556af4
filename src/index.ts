/**
 * The worker's entry point (see docs/architecture.md, "Request flow"): `createWorker` with the
 * origin registry clients of `config.upstreams` (`UPSTREAMS`); registries without one are
 * served from KV only.
 */
import { createWorker } from './createWorker';
import { upstreamFor } from './upstream/upstreamFor';

export default createWorker({ upstreamFor });
