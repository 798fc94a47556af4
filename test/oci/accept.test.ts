import { describe, expect, it } from 'vitest';
import {
  acceptsIndexExplicitly,
  acceptsMediaType,
  clientAcceptsIndex,
  negotiateManifestType,
  parseAccept,
  type AcceptEntry,
} from '../../src/oci/accept';
import {
  DOCKER_MANIFEST_LIST_MEDIA_TYPE as LIST,
  DOCKER_MANIFEST_MEDIA_TYPE as DOCKER,
  OCI_INDEX_MEDIA_TYPE as INDEX,
  OCI_MANIFEST_MEDIA_TYPE as OCI,
} from '../../src/oci/mediaTypes';

const entry = (type: string, q = 1, params: Record<string, string> = {}): AcceptEntry => ({ type, q, params });

describe('parseAccept(accept)', () => {
  const rows: [string, string | null | undefined, AcceptEntry[]][] = [
    ['a missing header gives no entries', null, []],
    ['an undefined header gives no entries', undefined, []],
    ['an empty header gives no entries', '', []],
    ['a single type', INDEX, [entry(INDEX)]],
    ['a list with q values', `${INDEX}, ${OCI};q=0.5, */*;q=0.1`, [entry(INDEX), entry(OCI, 0.5), entry('*/*', 0.1)]],
    ['q=0', `${INDEX};q=0`, [entry(INDEX, 0)]],
    ['q with three decimals', 'a/b;q=0.125', [entry('a/b', 0.125)]],
    ['q=1.000', 'a/b;q=1.000', [entry('a/b', 1)]],
    ['upper case and whitespace', ' Application/VND.OCI.Image.Index.v1+JSON ; Q = 0.7 ', [entry(INDEX, 0.7)]],
    ['repeated headers joined by a comma', `${DOCKER}, ${LIST}, ${OCI}`, [entry(DOCKER), entry(LIST), entry(OCI)]],
    ['a wildcard subtype', 'application/*;q=0.2', [entry('application/*', 0.2)]],
    ['parameters besides q', 'text/plain; charset=UTF-8; q=0.4', [entry('text/plain', 0.4, { charset: 'UTF-8' })]],
    ['a quoted parameter with a comma and a semicolon', 'a/b;x="1,2;3", c/d', [entry('a/b', 1, { x: '1,2;3' }), entry('c/d')]],
    ['an escaped quote in a quoted parameter', 'a/b;x="say \\"hi\\""', [entry('a/b', 1, { x: 'say "hi"' })]],
    ['empty elements are skipped', ', ,a/b,,', [entry('a/b')]],
    ['a type without a subtype is dropped', 'text, a/b', [entry('a/b')]],
    ['q over 1 drops the entry', 'a/b;q=1.5, c/d', [entry('c/d')]],
    ['a negative q drops the entry', 'a/b;q=-1, c/d', [entry('c/d')]],
    ['a non-numeric q drops the entry', 'a/b;q=high, c/d', [entry('c/d')]],
    ['q with four decimals drops the entry', 'a/b;q=0.1234, c/d', [entry('c/d')]],
    ['a parameter without a value drops the entry', 'a/b;oops, c/d', [entry('c/d')]],
    ['an unterminated quote drops the entry', 'a/b;x="open', []],
    ['garbage gives no entries', '!!! ??? @@@', []],
  ];
  it.each(rows)('%s', (_why, accept, expected) => {
    expect(parseAccept(accept)).toEqual(expected);
  });
});

describe('acceptsMediaType(accept, mediaType)', () => {
  const rows: [string, string | null, string, boolean][] = [
    ['a missing header accepts anything', null, INDEX, true],
    ['an empty header accepts anything', '', DOCKER, true],
    ['a header of garbage accepts anything', 'nonsense', DOCKER, true],
    ['an exact type is accepted', `${DOCKER}, ${LIST}`, LIST, true],
    ['an unlisted type is not', `${DOCKER}, ${LIST}`, INDEX, false],
    ['matching ignores case', DOCKER.toUpperCase(), DOCKER, true],
    ['the asked type may carry parameters', DOCKER, `${DOCKER}; charset=utf-8`, true],
    ['*/* accepts anything', '*/*', OCI, true],
    ['application/* accepts application types', 'application/*', OCI, true],
    ['text/* does not accept application types', 'text/*', OCI, false],
    ['q=0 refuses', `${INDEX};q=0`, INDEX, false],
    ['q=0 on an exact type beats */*', `${INDEX};q=0, */*`, INDEX, false],
    ['q=0 on */* is overridden by an exact type', `*/*;q=0, ${INDEX}`, INDEX, true],
    ['q=0 on */* refuses the rest', `*/*;q=0, ${INDEX}`, OCI, false],
    ['application/*;q=0 beats */*', `application/*;q=0, */*`, OCI, false],
    ['a small q still accepts', `${OCI};q=0.001`, OCI, true],
  ];
  it.each(rows)('%s', (_why, accept, mediaType, expected) => {
    expect(acceptsMediaType(accept, mediaType)).toBe(expected);
  });
});

describe('clientAcceptsIndex(accept) and acceptsIndexExplicitly(accept)', () => {
  const rows: [string, string | null, boolean, boolean][] = [
    ['no header: anything goes, but nothing was asked for', null, true, false],
    ['the OCI index type', INDEX, true, true],
    ['the Docker manifest list type', LIST, true, true],
    ['docker pull (manifests and lists)', `${DOCKER}, ${LIST}, ${INDEX}, ${OCI}`, true, true],
    ['an old client: schema 2 only', DOCKER, false, false],
    ['*/*', '*/*', true, false],
    ['application/*', 'application/*', true, false],
    ['*/* with q=0', '*/*;q=0', false, false],
    ['both index types with q=0', `${INDEX};q=0, ${LIST};q=0, */*`, false, false],
    ['one index type refused, the other accepted', `${INDEX};q=0, ${LIST}`, true, true],
  ];
  it.each(rows)('%s', (_why, accept, accepts, explicitly) => {
    expect({ accepts: clientAcceptsIndex(accept), explicitly: acceptsIndexExplicitly(accept) }).toEqual({
      accepts,
      explicitly,
    });
  });
});

describe('negotiateManifestType(accept, available)', () => {
  const rows: [string, string | null, string[], string | undefined][] = [
    ['a missing header takes the first available', null, [INDEX, OCI], INDEX],
    ['a missing header with nothing available', null, [], undefined],
    ['the only acceptable type', DOCKER, [INDEX, DOCKER], DOCKER],
    ['the highest q wins', `${INDEX};q=0.5, ${OCI}`, [INDEX, OCI], OCI],
    ['a tie goes to the server order', `${OCI}, ${INDEX}`, [INDEX, OCI], INDEX],
    ['wildcards rank below an exact q=1', `*/*;q=0.8, ${OCI}`, [INDEX, OCI], OCI],
    ['nothing acceptable', DOCKER, [INDEX, OCI], undefined],
    ['q=0 everywhere', `${INDEX};q=0, ${OCI};q=0`, [INDEX, OCI], undefined],
    ['the available value is returned as given', 'application/*', ['Application/Vnd.Oci.Image.Index.v1+json'], 'Application/Vnd.Oci.Image.Index.v1+json'],
  ];
  it.each(rows)('%s', (_why, accept, available, expected) => {
    expect(negotiateManifestType(accept, available)).toBe(expected);
  });
});
