/**
 * Where the platform of a request comes from (docs/platform-rules.md §10), highest first:
 * `?platform=` (with `match=strict`), the `X-Platform` header, a platform-pinned host name,
 * then — only when the client cannot take an index — the Docker daemon's User-Agent and browser
 * client hints, and finally the configured default. Pure: the route passes the raw values in.
 *
 * A `platform` query or `X-Platform` header longer than 256 characters is refused before it is
 * parsed: real specifiers are under 60 (`windows(10.0.20348.2966+win32k)/amd64`), and a 16 KiB
 * header should cost a quick 400, not a matching pass whose "no match" error quotes it.
 */
import { type ClientHints, platformFromClientHints } from './clientHints';
import { InvalidPlatformError } from './errors';
import { normalizePlatform } from './normalizePlatform';
import { parsePlatform } from './parsePlatform';
import type { Platform } from './Platform';
import { platformFromUserAgent } from './userAgent';

/** The longest platform a request may name (query or header). */
export const MAX_REQUESTED_PLATFORM_LENGTH = 256;

/** Which of the §10 sources gave the platform. */
export type PlatformSource = 'query' | 'header' | 'host' | 'user-agent' | 'client-hints' | 'default';

/** The platform a request asks for, and how it asked. */
export interface RequestedPlatform {
  /** Normalized. */
  platform: Platform;
  source: PlatformSource;
  /** `match=strict`: containerd's `OnlyStrict`, no fallback ladder. */
  strict: boolean;
  /** The client named the platform (query, header or pinned host) rather than it being guessed. */
  explicit: boolean;
}

/** The raw request values `requestedPlatform` reads; absent, null and '' all mean "not given". */
export interface PlatformRequestInput {
  /** `?platform=` */
  query?: string | null;
  /** `?match=`; only `strict` is accepted. */
  match?: string | null;
  /** `X-Platform` */
  header?: string | null;
  /** `Host`, possibly with a port. */
  host?: string | null;
  userAgent?: string | null;
  hints?: ClientHints;
  /** Whether guessing from User-Agent / client hints is allowed (the client cannot take an index). */
  mayInfer: boolean;
}

/** Configuration `requestedPlatform` needs. */
export interface PlatformRequestOptions {
  /** The configured default platform (§2 "host" of containerd), e.g. linux/amd64. */
  defaults: Platform;
  /** Lower-case host name without port → platform specifier. */
  hosts: Readonly<Record<string, string>>;
}

/**
 * Decides the platform of a request by the §10 precedence.
 *
 * @throws InvalidPlatformError for an invalid `platform` query, `X-Platform` header, pinned host
 *   specifier or `match` value — never silently falling through to a lower source.
 * @example
 * requestedPlatform({ query: 'linux/arm64', match: 'strict', mayInfer: false },
 *   { defaults: { os: 'linux', architecture: 'amd64' }, hosts: {} })
 * // → { platform: { os: 'linux', architecture: 'arm64' }, source: 'query', strict: true, explicit: true }
 */
export function requestedPlatform(input: PlatformRequestInput, options: PlatformRequestOptions): RequestedPlatform {
  // Each input is read once, and only when the sources before it named nothing: a caller may
  // pass getters that read request headers lazily.
  const strict = isStrict(input.match);
  const query = input.query;
  if (given(query)) return result(parseRequested(query, options.defaults, 'platform'), 'query', strict, true);
  const header = input.header;
  if (given(header)) {
    return result(parseRequested(header, options.defaults, 'X-Platform header'), 'header', strict, true);
  }
  const host = input.host;
  if (given(host)) {
    const name = hostName(host);
    const spec = Object.hasOwn(options.hosts, name) ? options.hosts[name] : undefined;
    if (spec !== undefined) {
      return result(parseAs(spec, options.defaults, `platform pinned for host ${JSON.stringify(name)}`), 'host', strict, true);
    }
  }
  if (input.mayInfer) {
    const userAgent = input.userAgent;
    const fromAgent = given(userAgent) ? platformFromUserAgent(userAgent) : undefined;
    if (fromAgent !== undefined) return result(fromAgent, 'user-agent', strict, false);
    const hints = input.hints;
    const fromHints = hints === undefined ? undefined : platformFromClientHints(hints);
    if (fromHints !== undefined) return result(fromHints, 'client-hints', strict, false);
  }
  return result(options.defaults, 'default', strict, false);
}

function result(platform: Platform, source: PlatformSource, strict: boolean, explicit: boolean): RequestedPlatform {
  return { platform: Object.isFrozen(platform) ? platform : normalizePlatform(platform), source, strict, explicit };
}

/**
 * The host name of a `Host` value: lower-cased, without `:port` or a trailing dot; an IPv6
 * literal keeps its brackets.
 *
 * @example
 * hostName('ARM64.Edge.Example:8787') // → 'arm64.edge.example'
 */
export function hostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    return end < 0 ? name : name.slice(0, end + 1);
  }
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function given(value: string | null | undefined): value is string {
  return value !== undefined && value !== null && value !== '';
}

function isStrict(match: string | null | undefined): boolean {
  if (!given(match)) return false;
  if (match === 'strict') return true;
  throw new InvalidPlatformError(match, 'the only accepted value is "strict"', 'match');
}

/** `parseAs` for a specifier the request itself gives: at most 256 characters. */
function parseRequested(spec: string, defaults: Platform, subject: string): Platform {
  if (spec.length > MAX_REQUESTED_PLATFORM_LENGTH) {
    throw new InvalidPlatformError(spec, `longer than ${MAX_REQUESTED_PLATFORM_LENGTH} characters (${spec.length})`, subject);
  }
  return parseAs(spec, defaults, subject);
}

/**
 * `parsePlatform` and `normalizePlatform`, with the error naming where the specifier came from.
 * A request names one of a few platforms again and again: the normalized result is frozen and
 * kept per defaults object, at most PARSED_MAX specifiers of at most 256 characters each.
 */
function parseAs(spec: string, defaults: Platform, subject: string): Platform {
  let parsed = parsedSpecs.get(defaults);
  const kept = parsed?.get(spec);
  if (kept) return kept;
  let platform: Platform;
  try {
    platform = Object.freeze(normalizePlatform(parsePlatform(spec, defaults)));
  } catch (error) {
    if (error instanceof InvalidPlatformError) throw new InvalidPlatformError(spec, error.reason, subject);
    throw error;
  }
  if (!parsed) parsedSpecs.set(defaults, (parsed = new Map()));
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(spec, platform);
  return platform;
}

const PARSED_MAX = 256;
/** Normalized platforms by specifier, per configured defaults (held weakly). */
const parsedSpecs = new WeakMap<Platform, Map<string, Platform>>();
