import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, type Challenge } from '../../src/upstream/parseWwwAuthenticate';

/** A challenge as plain data, for `toEqual` against the parser's null-prototype params. */
const challenge = (scheme: string, params: Record<string, string> = {}, token68?: string): Challenge =>
  token68 === undefined ? { scheme, params } : { scheme, params, token68 };

const plain = (challenges: Challenge[]) =>
  challenges.map((c) => ({ ...c, params: { ...c.params } }));

describe('parseWwwAuthenticate(header)', () => {
  const rows: [string, string, Challenge[]][] = [
    [
      'Docker Hub',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/golang:pull"',
      [
        challenge('bearer', {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/golang:pull',
        }),
      ],
    ],
    [
      'GHCR',
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:owner/app:pull"',
      [challenge('bearer', { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:owner/app:pull' })],
    ],
    [
      'Quay',
      'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
      [challenge('bearer', { realm: 'https://quay.io/v2/auth', service: 'quay.io' })],
    ],
    ['docker-registry with htpasswd', 'Basic realm="Registry Realm"', [challenge('basic', { realm: 'Registry Realm' })]],
    [
      'a comma inside a quoted scope',
      'Bearer realm="https://auth.example/token",service="reg",scope="repository:a:pull,push"',
      [challenge('bearer', { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a:pull,push' })],
    ],
    [
      'two challenges in one header',
      'Basic realm="x", Bearer realm="y",service="z"',
      [challenge('basic', { realm: 'x' }), challenge('bearer', { realm: 'y', service: 'z' })],
    ],
    [
      'the scope of several repositories, with an error (distribution token spec)',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope"',
      [
        challenge('bearer', {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
          error: 'insufficient_scope',
        }),
      ],
    ],
    [
      'RFC 7235 §4.1: escaped quotes and a second challenge after params',
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      [challenge('newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' }), challenge('basic', { realm: 'simple' })],
    ],
    ['case-insensitive scheme and param names', 'BEARER Realm="r",SERVICE="s"', [challenge('bearer', { realm: 'r', service: 's' })]],
    ['whitespace around "=" (BWS) and after commas', 'Bearer realm = "r" ,  service= s', [challenge('bearer', { realm: 'r', service: 's' })]],
    ['a token68', 'Basic dXNlcjpwYXNz', [challenge('basic', {}, 'dXNlcjpwYXNz')]],
    ['a token68 with padding, then a challenge', 'Negotiate abc+/=, Basic realm="b"', [challenge('negotiate', {}, 'abc+/='), challenge('basic', { realm: 'b' })]],
    ['a scheme alone', 'Basic', [challenge('basic')]],
    ['schemes alone, comma-separated', 'Basic, Bearer', [challenge('basic'), challenge('bearer')]],
    ['an unquoted URL value', 'Bearer realm=https://auth.example/token,service=reg', [challenge('bearer', { realm: 'https://auth.example/token', service: 'reg' })]],
    ['an empty quoted value', 'Bearer realm="",service="s"', [challenge('bearer', { realm: '', service: 's' })]],
    ['the first of duplicate params', 'Bearer realm="a",realm="b"', [challenge('bearer', { realm: 'a' })]],
    ['empty list elements', ', ,Basic realm="x",, ,', [challenge('basic', { realm: 'x' })]],
    ['the empty header', '', []],
    ['only whitespace and commas', ' , \t', []],
  ];
  it.each(rows)('reads %s', (_what, header, expected) => {
    expect(plain(parseWwwAuthenticate(header))).toEqual(expected);
  });

  // Garbage: never throws, and keeps what it can read.
  const garbage: [string, string, Challenge[]][] = [
    ['an unterminated quoted string', 'Bearer realm="https://a/token,service="x"', [challenge('bearer', { realm: 'https://a/token,service=' })]],
    ['a param before any scheme (dropped)', 'realm="x", Basic realm="y"', [challenge('basic', { realm: 'y' })]],
    ['junk after a quoted value (skipped to the next comma)', 'Bearer realm="r"junk,service="s"', [challenge('bearer', { realm: 'r', service: 's' })]],
    ['a lone quoted string (skipped, quote-aware)', '"a,b", Basic realm="y"', [challenge('basic', { realm: 'y' })]],
    ['non-token characters before a comma', '@@@ ;;;, Bearer realm="r"', [challenge('bearer', { realm: 'r' })]],
    ['non-token characters with no comma after them (all skipped)', '@@@ Bearer realm="r"', []],
    ['a scheme followed by junk', 'Bearer @@@, Basic', [challenge('bearer'), challenge('basic')]],
    ['a trailing backslash in quotes', 'Basic realm="a\\', [challenge('basic', { realm: 'a\\' })]],
  ];
  it.each(garbage)('never throws on %s', (_what, header, expected) => {
    expect(plain(parseWwwAuthenticate(header))).toEqual(expected);
  });

  it('keeps a __proto__ param as data, not as a prototype', () => {
    const [parsed] = parseWwwAuthenticate('Bearer __proto__="x"');
    expect(Object.hasOwn(parsed!.params, '__proto__')).toBe(true);
    expect(parsed!.params['__proto__']).toBe('x');
  });

  it('never throws on any printable ASCII', () => {
    const alphabet = ' !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\t';
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      let header = '';
      const length = i % 40;
      for (let j = 0; j < length; j++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        header += alphabet[seed % alphabet.length];
      }
      expect(() => parseWwwAuthenticate(header)).not.toThrow();
    }
  });
});
