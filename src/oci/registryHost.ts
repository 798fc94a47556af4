/**
 * Registry hosts in image names: when the first path component is a host, and how a host is
 * validated and normalized (docker's `splitDockerDomain` rule, distribution/reference
 * `domain` grammar).
 *
 * - A first component is a host if it contains `.` or `:`, or is `localhost`. Unlike docker we
 *   do not also treat a component with upper-case letters as a host: `MyUser/app` is an invalid
 *   name here rather than a pull from a registry called `myuser`.
 * - A host is `hostname[:port]`, `ipv4[:port]` or `[ipv6][:port]`; it is lower-cased.
 * - `docker.io`, `index.docker.io` and `registry-1.docker.io` all mean Docker Hub, `docker.io`.
 */
import { quote } from './grammar';
import { RegistryError } from './RegistryError';

/** Docker Hub's canonical name. */
export const DOCKER_HUB = 'docker.io';

/** Host names that all mean Docker Hub. */
export const DOCKER_HUB_ALIASES: readonly string[] = [DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io'];

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^\[[a-f0-9:.]*:[a-f0-9:.]*\]$/;
const PORT = /^\d{1,5}$/;

/**
 * True if the first component of an image name names a registry host (docker's rule).
 * @example looksLikeRegistryHost('ghcr.io') // → true
 * @example looksLikeRegistryHost('library') // → false
 */
export function looksLikeRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component.toLowerCase() === 'localhost';
}

/**
 * Validates a registry `host[:port]` and returns it lower-cased, with Docker Hub's aliases
 * mapped to `docker.io`. Throws NAME_INVALID for anything that is not a host.
 * @example normalizeRegistryHost('LOCALHOST:5000') // → 'localhost:5000'
 * @example normalizeRegistryHost('index.docker.io') // → 'docker.io'
 */
export function normalizeRegistryHost(host: string): string {
  const lower = host.toLowerCase();
  const problem = hostProblem(lower);
  if (problem !== undefined) {
    throw new RegistryError('NAME_INVALID', `invalid registry host ${quote(host)}: ${problem}`);
  }
  return canonicalRegistryHost(lower);
}

/**
 * Lower-cases a host and maps Docker Hub's aliases to `docker.io`, without validating it
 * (for configured hosts, which the config module has already checked).
 * @example canonicalRegistryHost('Registry-1.Docker.io') // → 'docker.io'
 */
export function canonicalRegistryHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.includes(lower) ? DOCKER_HUB : lower;
}

function hostProblem(hostPort: string): string | undefined {
  const { host, port } = splitPort(hostPort);
  if (port !== undefined && !(PORT.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return 'port must be a number from 1 to 65535';
  }
  if (host.startsWith('[')) {
    return IPV6.test(host) ? undefined : 'not a valid bracketed IPv6 address';
  }
  if (host === '') return 'host must not be empty';
  if (host.length > 253) return 'host name longer than 253 characters';
  if (/^[\d.]+$/.test(host)) {
    return IPV4.test(host) && host.split('.').every((octet) => Number(octet) <= 255)
      ? undefined
      : 'not a valid IPv4 address';
  }
  if (!host.split('.').every((label) => LABEL.test(label))) {
    return 'labels must be letters, digits and "-", not starting or ending with "-", joined by "."';
  }
  return undefined;
}

/** Splits `host:port`, `[v6]:port`, `host` or `[v6]`; the port is undefined when absent. */
function splitPort(hostPort: string): { host: string; port: string | undefined } {
  const close = hostPort.lastIndexOf(']');
  const colon = hostPort.lastIndexOf(':');
  if (colon === -1 || colon < close) return { host: hostPort, port: undefined };
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}
