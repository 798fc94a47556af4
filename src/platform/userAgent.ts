/**
 * The Docker daemon's User-Agent as a platform hint (docs/platform-rules.md §10, source 4):
 *
 *     docker/<v> go/<v> git-commit/<c> kernel/<k> os/<os> arch/<arch> [UpstreamClient(<cli UA>)]
 *
 * It names the daemon host's os and architecture only (no variant, no amd64 level) and ignores
 * `docker pull --platform`, so it is used only for clients that cannot take an index.
 */
import { normalizePlatform } from './normalizePlatform';
import type { Platform } from './Platform';

const VALUE = /^[A-Za-z0-9_.-]+$/;

/**
 * Reads `os/` and `arch/` from a Docker daemon User-Agent, ignoring everything from
 * ` UpstreamClient(` on (that part describes the CLI, not the daemon). Returns `undefined` for
 * any other client (containerd, containers/image, skopeo, crane, buildkit, …) or when either
 * field is missing. The result is normalized.
 *
 * @example
 * platformFromUserAgent('docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/linux ' +
 *   'arch/arm64 UpstreamClient(Docker-Client/24.0.7 \\(darwin\\))')
 * // → { os: 'linux', architecture: 'arm64' }
 */
export function platformFromUserAgent(userAgent: string): Platform | undefined {
  const cut = userAgent.indexOf(' UpstreamClient(');
  const daemon = cut < 0 ? userAgent : userAgent.slice(0, cut);
  if (!daemon.toLowerCase().startsWith('docker/')) return undefined;
  let os: string | undefined;
  let architecture: string | undefined;
  for (const token of daemon.split(' ')) {
    if (os === undefined && token.startsWith('os/')) os = token.slice(3);
    else if (architecture === undefined && token.startsWith('arch/')) architecture = token.slice(5);
  }
  if (os === undefined || architecture === undefined || !VALUE.test(os) || !VALUE.test(architecture)) {
    return undefined;
  }
  const platform = normalizePlatform({ os, architecture });
  return platform.os === 'unknown' || platform.architecture === 'unknown' ? undefined : platform;
}
