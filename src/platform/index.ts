/**
 * The platform module (docs/platform-rules.md): parse, format and normalize platform specifiers,
 * expand a request into containerd's compatibility ladder, match and select index entries, and
 * decide which platform an HTTP request asks for. Pure: no I/O, no HTTP, no KV.
 */
export type { IndexEntry, OciPlatform, Platform } from './Platform';
export { InvalidPlatformError } from './errors';
export { isKnownOS, normalizeArch, normalizeOS } from './database';
export { DEFAULT_PLATFORM, parsePlatform } from './parsePlatform';
export { formatPlatform } from './formatPlatform';
export { normalizePlatform } from './normalizePlatform';
export { fromOciPlatform, toOciPlatform } from './ociPlatform';
export { platformLadder } from './ladder';
export { matchesPlatform, type MatchOptions } from './matchPlatform';
export { parseWindowsVersion, windowsBuildsCompatible, type WindowsVersion } from './windows';
export {
  isImageEntry,
  isSelectable,
  listPlatforms,
  type OfferedPlatform,
  REFERENCE_TYPE_ANNOTATION,
  SELECTABLE_MEDIA_TYPES,
  type SelectableEntry,
} from './listPlatforms';
export { rankManifests, selectManifest, type Selection } from './selectManifest';
export { platformFromUserAgent } from './userAgent';
export { type ClientHints, platformFromClientHints } from './clientHints';
export {
  hostName,
  type PlatformRequestInput,
  type PlatformRequestOptions,
  type PlatformSource,
  requestedPlatform,
  type RequestedPlatform,
} from './requestPlatform';
