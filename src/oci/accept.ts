/**
 * HTTP `Accept` parsing and manifest content negotiation (RFC 9110 §12.5.1; distribution-spec
 * "Pulling manifests", where clients list the manifest media types they understand).
 *
 * Parsing: a comma-separated list of media ranges (`type/subtype`, `type/*`, `*\/*`) with
 * `;`-parameters; repeated headers arrive joined by `, `. Types and parameter names are
 * case-insensitive (returned lower-cased), whitespace is ignored, quoted parameter values may
 * contain `,` and `;`. `q` is a qvalue from 0 to 1 with up to three decimals; an entry with a
 * malformed range or `q` is dropped, not guessed at.
 *
 * Matching: a media type takes the `q` of the most specific range that matches it (exact, then
 * `type/*`, then `*\/*`; the highest `q` among equally specific ranges); `q=0` means "not
 * acceptable". Parameters other than `q` do not take part in matching.
 *
 * A missing Accept header, or one with no valid entry, means `*\/*`: the client accepts
 * anything. That is right for negotiation in general but not for deciding to send an index.
 * Old Docker clients send no Accept (or only schema 1/2 types) and registries, Docker Hub
 * included, answer them with a single image manifest rather than a manifest list; a client
 * that understands indexes says so by listing an index type. The manifests route
 * (src/routes/manifests.ts, its `acceptsIndex`) decides with `acceptsMediaType` against the
 * index's own media type, treating a missing or empty header as "no index"; a header that
 * accepts the type only through a wildcard still counts there. `acceptsIndexExplicitly` (the
 * strict question: wildcards do not count) and `clientAcceptsIndex` (the permissive one) are
 * not used by any route.
 */
import { INDEX_MEDIA_TYPES, mediaTypeEssence } from './mediaTypes';

/** One media range of an Accept header. */
export interface AcceptEntry {
  /** The lower-cased media range: `type/subtype`, `type/*` or `*\/*`. */
  type: string;
  /** Quality from 0 (not acceptable) to 1; 1 when absent. */
  q: number;
  /** Parameters other than `q`, names lower-cased, values unquoted. */
  params: Record<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_RANGE = new RegExp(`^(?:\\*/\\*|${TOKEN}/${TOKEN})$`);
const PARAM_NAME = new RegExp(`^${TOKEN}$`);
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Parses an Accept header into its entries, in order; malformed entries are left out.
 * @example parseAccept('application/vnd.oci.image.index.v1+json, *\/*;q=0.5')
 * // → [{ type: 'application/vnd.oci.image.index.v1+json', q: 1, params: {} },
 * //    { type: '*\/*', q: 0.5, params: {} }]
 */
export function parseAccept(accept: string | null | undefined): AcceptEntry[] {
  if (accept == null) return [];
  const entries: AcceptEntry[] = [];
  for (const element of splitOutsideQuotes(accept, ',')) {
    const entry = parseEntry(element);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

/**
 * True if the client accepts `mediaType` (q > 0); a missing or empty header accepts anything.
 * @example acceptsMediaType('application/*;q=0.1', 'application/vnd.oci.image.manifest.v1+json') // → true
 */
export function acceptsMediaType(accept: string | null | undefined, mediaType: string): boolean {
  if (accept == null) return true;
  // Clients send the same few Accept headers again and again: each answer is kept, a bounded number.
  const key = `${mediaType}\n${accept}`;
  let accepted = acceptedTypes.get(key);
  if (accepted === undefined) {
    const entries = parseAccept(accept);
    accepted = entries.length === 0 || (qualityOf(entries, mediaType) ?? 0) > 0;
    if (key.length <= MAX_KEPT_ACCEPT) {
      if (acceptedTypes.size >= MAX_KEPT_ANSWERS) acceptedTypes.clear();
      acceptedTypes.set(key, accepted);
    }
  }
  return accepted;
}

/** At most 256 answers of at most 1 KiB of header each are kept (`acceptsMediaType`). */
const MAX_KEPT_ANSWERS = 256;
const MAX_KEPT_ACCEPT = 1024;
const acceptedTypes = new Map<string, boolean>();

/**
 * True if the client accepts an index media type, explicitly or through a wildcard; a missing
 * header counts as `*\/*`. See `acceptsIndexExplicitly` for the stricter question.
 */
export function clientAcceptsIndex(accept: string | null | undefined): boolean {
  return INDEX_MEDIA_TYPES.some((type) => acceptsMediaType(accept, type));
}

/**
 * True only if the header names an index media type (OCI index or Docker manifest list) with
 * q > 0; wildcards and a missing header do not count.
 * @example acceptsIndexExplicitly('*\/*') // → false
 */
export function acceptsIndexExplicitly(accept: string | null | undefined): boolean {
  return parseAccept(accept).some((entry) => entry.q > 0 && INDEX_MEDIA_TYPES.includes(entry.type));
}

/**
 * Chooses among `available` media types (in the server's order of preference) the one the
 * client prefers: the highest q, ties going to the earlier one. Returns undefined if none is
 * acceptable; with a missing header, the first available.
 * @example negotiateManifestType('a/b;q=0.5, c/d', ['a/b', 'c/d']) // → 'c/d'
 */
export function negotiateManifestType(accept: string | null | undefined, available: readonly string[]): string | undefined {
  const entries = parseAccept(accept);
  if (entries.length === 0) return available[0];
  let best: string | undefined;
  let bestQ = 0;
  for (const type of available) {
    const q = qualityOf(entries, type) ?? 0;
    if (q > bestQ) {
      best = type;
      bestQ = q;
    }
  }
  return best;
}

/** The q the entries give `mediaType`, or undefined if no range matches it. */
function qualityOf(entries: readonly AcceptEntry[], mediaType: string): number | undefined {
  const essence = mediaTypeEssence(mediaType);
  const major = essence.slice(0, essence.indexOf('/'));
  let bestSpecificity = 0;
  let q: number | undefined;
  for (const entry of entries) {
    const specificity =
      entry.type === essence ? 3 : entry.type === `${major}/*` ? 2 : entry.type === '*/*' ? 1 : 0;
    if (specificity === 0 || specificity < bestSpecificity) continue;
    q = specificity > bestSpecificity ? entry.q : Math.max(q ?? 0, entry.q);
    bestSpecificity = specificity;
  }
  return q;
}

function parseEntry(element: string): AcceptEntry | undefined {
  const [range = '', ...rawParams] = splitOutsideQuotes(element, ';');
  const type = range.trim().toLowerCase();
  if (!MEDIA_RANGE.test(type)) return undefined;
  let q = 1;
  const params: Record<string, string> = {};
  for (const raw of rawParams) {
    const equals = raw.indexOf('=');
    if (equals === -1) return undefined;
    const name = raw.slice(0, equals).trim().toLowerCase();
    const value = unquote(raw.slice(equals + 1).trim());
    if (!PARAM_NAME.test(name) || value === undefined) return undefined;
    if (name === 'q') {
      if (!QVALUE.test(value)) return undefined;
      q = Number(value);
    } else {
      params[name] = value;
    }
  }
  return { type, q, params };
}

/** A token as is, or a quoted-string without its quotes and escapes; undefined if malformed. */
function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return /^[^\s"\\]+$/.test(value) ? value : undefined;
  if (value.length < 2 || !value.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < value.length - 1; i++) {
    if (value[i] === '"') return undefined;
    if (value[i] === '\\') i++;
    if (i >= value.length - 1) return undefined;
    out += value[i];
  }
  return out;
}

/** Splits on `separator` outside double-quoted strings (which may contain `\"`). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes && ch === '\\') i++;
    else if (ch === '"') inQuotes = !inQuotes;
    else if (ch === separator && !inQuotes) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
