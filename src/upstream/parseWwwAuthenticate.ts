/**
 * A parser for the `WWW-Authenticate` response header (RFC 7235 §4.1, §2.1; RFC 7230 §3.2.6
 * for token and quoted-string), as registries send it on a 401 (Docker registry token
 * authentication specification, "How to authenticate").
 *
 *     WWW-Authenticate = 1#challenge
 *     challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *     auth-param       = token BWS "=" BWS ( token / quoted-string )
 *     token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * Commas separate both challenges and the auth-params of one challenge: an element that is a
 * `name=value` pair belongs to the current challenge, anything else starts a new one. Quoted
 * values may contain commas and `\"` escapes, so the header is scanned, never split on `,`.
 * Scheme and parameter names are case-insensitive and returned lower-cased; values are
 * returned as sent, unquoted and unescaped. The first of duplicate parameters wins.
 *
 * The parser is lenient and never throws: an element it cannot read is skipped up to the next
 * comma outside quotes, an unquoted value runs up to the next comma or whitespace (some
 * registries send `realm=https://…` unquoted), an unterminated quoted string ends the header.
 */

/** One challenge of a `WWW-Authenticate` header. */
export interface Challenge {
  /** The auth scheme, lower-cased: `bearer`, `basic`, … */
  scheme: string;
  /** Auth-params by lower-cased name, values unquoted (a null-prototype object). */
  params: Record<string, string>;
  /** The token68 form, for a challenge that carries one instead of auth-params. */
  token68?: string;
}

// RFC 7230 tchar.
const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;
const WHITESPACE = /[ \t]*/y;

/**
 * Parses a `WWW-Authenticate` header into its challenges, in order. Never throws.
 * @example parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')
 * // → [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }]
 * @example parseWwwAuthenticate('Basic realm="x", Bearer realm="y"')
 * // → [{ scheme: 'basic', params: { realm: 'x' } }, { scheme: 'bearer', params: { realm: 'y' } }]
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  return new ChallengeScanner(String(header)).scan();
}

class ChallengeScanner {
  private pos = 0;
  private readonly challenges: Challenge[] = [];

  constructor(private readonly text: string) {}

  scan(): Challenge[] {
    let current: Challenge | undefined;
    for (;;) {
      this.skip(/[ \t,]*/y);
      if (this.pos >= this.text.length) break;
      const name = this.match(TOKEN);
      if (name === undefined) {
        this.skipElement();
        continue;
      }
      this.skip(WHITESPACE);
      if (this.peek() === '=') {
        this.pos++;
        this.readParam(current, name);
        continue;
      }
      current = { scheme: name.toLowerCase(), params: Object.create(null) as Record<string, string> };
      this.challenges.push(current);
      this.readToken68(current);
    }
    return this.challenges;
  }

  /** After `name=`: the value, stored on `current` (an auth-param before any scheme is dropped). */
  private readParam(current: Challenge | undefined, name: string): void {
    this.skip(WHITESPACE);
    const value = this.peek() === '"' ? this.readQuoted() : this.readUnquoted();
    const key = name.toLowerCase();
    if (current && !Object.hasOwn(current.params, key)) current.params[key] = value;
    this.skip(WHITESPACE);
    if (this.pos < this.text.length && this.peek() !== ',') this.skipElement();
  }

  /** `Basic dXNlcjpwYXNz` — a token68 stands alone: it is followed by a comma or the end. */
  private readToken68(current: Challenge): void {
    const start = this.pos;
    const token = this.match(TOKEN68);
    if (token !== undefined) {
      this.skip(WHITESPACE);
      if (this.pos >= this.text.length || this.peek() === ',') {
        current.token68 = token;
        return;
      }
    }
    this.pos = start;
  }

  private readQuoted(): string {
    let value = '';
    this.pos++; // the opening quote
    while (this.pos < this.text.length) {
      const char = this.text[this.pos++]!;
      if (char === '"') return value;
      if (char === '\\' && this.pos < this.text.length) value += this.text[this.pos++];
      else value += char;
    }
    return value;
  }

  private readUnquoted(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !/[,\s]/.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Skips what cannot be read, up to the next comma outside a quoted string. */
  private skipElement(): void {
    while (this.pos < this.text.length && this.peek() !== ',') {
      if (this.peek() === '"') this.readQuoted();
      else this.pos++;
    }
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (!found || found[0] === '') return undefined;
    this.pos += found[0].length;
    return found[0];
  }

  private skip(pattern: RegExp): void {
    this.match(pattern);
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }
}
