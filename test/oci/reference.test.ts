import { describe, expect, it } from 'vitest';
import {
  familiarName,
  formatImageName,
  formatReference,
  parseImageName,
  parseReference,
  type ImageReference,
} from '../../src/oci/reference';
import { registryErrorOf } from './registryErrorOf';

const hub = { defaultRegistry: 'docker.io' };
const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseReference(ref, { defaultRegistry })', () => {
  const valid: [string, string, Omit<ImageReference, 'image'> & { registry: string; repository: string }][] = [
    ['a one-part name gets library/ and latest', 'golang', { registry: 'docker.io', repository: 'library/golang', tag: 'latest', reference: 'latest' }],
    ['a tag is kept', 'golang:1.23', { registry: 'docker.io', repository: 'library/golang', tag: '1.23', reference: '1.23' }],
    ['a digest has no tag', `library/golang@${digest}`, { registry: 'docker.io', repository: 'library/golang', digest, reference: digest }],
    ['a digest wins over a tag, which is kept', `golang:1.23@${digest}`, { registry: 'docker.io', repository: 'library/golang', tag: '1.23', digest, reference: digest }],
    ['a two-part Docker Hub name is not prefixed', 'user/app', { registry: 'docker.io', repository: 'user/app', tag: 'latest', reference: 'latest' }],
    ['ghcr.io is a host', 'ghcr.io/owner/app:v1', { registry: 'ghcr.io', repository: 'owner/app', tag: 'v1', reference: 'v1' }],
    ['quay.io is a host', 'quay.io/x/y', { registry: 'quay.io', repository: 'x/y', tag: 'latest', reference: 'latest' }],
    ['a host with a port and a tag', 'localhost:5000/z:tag', { registry: 'localhost:5000', repository: 'z', tag: 'tag', reference: 'tag' }],
    ['the port colon is not a tag', 'localhost:5000/z', { registry: 'localhost:5000', repository: 'z', tag: 'latest', reference: 'latest' }],
    ['the host is lower-cased', 'LOCALHOST:5000/z', { registry: 'localhost:5000', repository: 'z', tag: 'latest', reference: 'latest' }],
    ['localhost alone is a host', 'localhost/z', { registry: 'localhost', repository: 'z', tag: 'latest', reference: 'latest' }],
    ['docker.io gets library/', 'docker.io/golang', { registry: 'docker.io', repository: 'library/golang', tag: 'latest', reference: 'latest' }],
    ['index.docker.io means docker.io', 'index.docker.io/library/golang', { registry: 'docker.io', repository: 'library/golang', tag: 'latest', reference: 'latest' }],
    ['registry-1.docker.io means docker.io', 'registry-1.docker.io/x/y', { registry: 'docker.io', repository: 'x/y', tag: 'latest', reference: 'latest' }],
    ['an IPv4 host with a port', '127.0.0.1:5000/app:v2', { registry: '127.0.0.1:5000', repository: 'app', tag: 'v2', reference: 'v2' }],
    ['a bracketed IPv6 host with a port', '[::1]:5000/app', { registry: '[::1]:5000', repository: 'app', tag: 'latest', reference: 'latest' }],
    ['a deep repository path', 'gcr.io/a/b/c:x', { registry: 'gcr.io', repository: 'a/b/c', tag: 'x', reference: 'x' }],
    ['a one-part name that contains a dot is not a host', 'docker.io', { registry: 'docker.io', repository: 'library/docker.io', tag: 'latest', reference: 'latest' }],
  ];
  it.each(valid)('%s: %s', (_why, ref, expected) => {
    const { registry, repository, ...rest } = expected;
    const name = ref.split('@')[0]!.replace(/:[^:/]*$/, '');
    expect(parseReference(ref, hub)).toEqual({ image: { registry, repository, name }, ...rest });
  });

  it.each(valid)('round-trips %s through formatReference', (_why, ref) => {
    const parsed = parseReference(ref, hub);
    const again = parseReference(formatReference(parsed), hub);
    expect({ ...again, image: { ...again.image, name: '' } }).toEqual({ ...parsed, image: { ...parsed.image, name: '' } });
  });

  it('keeps the name as given', () => {
    expect(parseReference('LOCALHOST:5000/z:tag', hub).image.name).toBe('LOCALHOST:5000/z');
  });

  it('uses another default registry without adding library/', () => {
    expect(parseReference('golang', { defaultRegistry: 'ghcr.io' })).toEqual({
      image: { registry: 'ghcr.io', repository: 'golang', name: 'golang' },
      tag: 'latest',
      reference: 'latest',
    });
  });

  it('treats a default registry given as an alias as docker.io', () => {
    expect(parseReference('golang', { defaultRegistry: 'Index.Docker.io' }).image).toEqual({
      registry: 'docker.io',
      repository: 'library/golang',
      name: 'golang',
    });
  });

  const labels = 'labels must be letters, digits and "-", not starting or ending with "-", joined by "."';
  const invalid: [string, string, string, string][] = [
    ['an underscore in the host', 'bad_host.com/x', 'NAME_INVALID', `invalid registry host "bad_host.com": ${labels}`],
    ['a label starting with a dash', '-bad.com/x', 'NAME_INVALID', `invalid registry host "-bad.com": ${labels}`],
    ['an empty label', 'a..com/x', 'NAME_INVALID', `invalid registry host "a..com": ${labels}`],
    ['port 0', 'localhost:0/x', 'NAME_INVALID', 'invalid registry host "localhost:0": port must be a number from 1 to 65535'],
    ['port 65536', 'localhost:65536/x', 'NAME_INVALID', 'invalid registry host "localhost:65536": port must be a number from 1 to 65535'],
    ['an empty port', 'localhost:/x', 'NAME_INVALID', 'invalid registry host "localhost:": port must be a number from 1 to 65535'],
    ['an IPv4 octet over 255', '256.1.1.1/x', 'NAME_INVALID', 'invalid registry host "256.1.1.1": not a valid IPv4 address'],
    ['an unbracketed IPv6 address', '::1/x', 'NAME_INVALID', `invalid registry host "::1": ${labels}`],
    ['a bad IPv6 address', '[zz::1]/x', 'NAME_INVALID', 'invalid registry host "[zz::1]": not a valid bracketed IPv6 address'],
    ['an upper-case repository', 'Golang', 'NAME_INVALID', 'invalid repository name "Golang": must be lower-case'],
    ['an upper-case first component', 'MyUser/app', 'NAME_INVALID', 'invalid repository name "MyUser/app": must be lower-case'],
    ['an upper-case repository on a host', 'ghcr.io/Owner/app', 'NAME_INVALID', 'invalid repository name "Owner/app": must be lower-case'],
    ['a host without a repository', 'ghcr.io/', 'NAME_INVALID', 'invalid repository name "": must not be empty'],
    ['an empty name', '', 'NAME_INVALID', 'invalid repository name "": must not be empty'],
    ['an empty name with a tag', ':v1', 'NAME_INVALID', 'invalid repository name "": must not be empty'],
    ['an empty tag', 'golang:', 'TAG_INVALID', 'invalid tag "": must not be empty'],
    ['a tag starting with a dash', 'golang:-x', 'TAG_INVALID', 'invalid tag "-x": must start with a letter, a digit or "_"'],
    ['an empty digest', 'golang@', 'DIGEST_INVALID', 'invalid digest "": not of the form "algorithm:hex"'],
    ['a short digest', 'golang@sha256:abc', 'DIGEST_INVALID', 'invalid digest "sha256:abc": a sha256 digest is exactly 64 lower-case hex characters'],
    ['two @', `a@b@${digest}`, 'DIGEST_INVALID', `invalid digest "b@${digest}": not of the form "algorithm:hex"`],
    [
      'a name over 255 characters',
      `${'a'.repeat(200)}/${'b'.repeat(60)}:v1`,
      'NAME_INVALID',
      `invalid repository name "${'a'.repeat(100)}…": longer than 255 characters (261)`,
    ],
  ];
  it.each(invalid)('rejects %s: %s', (_why, ref, code, message) => {
    expect(registryErrorOf(() => parseReference(ref, hub))).toEqual({ code, message });
  });
});

describe('parseImageName(path, { defaultRegistry })', () => {
  it('gives the same frozen answer to a name asked again, per default registry, and refuses a bad one every time', () => {
    const first = parseImageName('kv-only.bench.test/team/app', hub);
    expect(parseImageName('kv-only.bench.test/team/app', hub)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(parseImageName('team/app', hub)).toEqual({ registry: 'docker.io', repository: 'team/app', name: 'team/app' });
    expect(parseImageName('team/app', { defaultRegistry: 'ghcr.io' })).toEqual({ registry: 'ghcr.io', repository: 'team/app', name: 'team/app' });
    for (let i = 0; i < 2; i++) expect(registryErrorOf(() => parseImageName('Team/App', hub)).code).toBe('NAME_INVALID');
  });

  it('takes no tag: a colon after the last slash is part of the name', () => {
    expect(registryErrorOf(() => parseImageName('golang:1.23', hub))).toEqual({
      code: 'NAME_INVALID',
      message:
        'invalid repository name "golang:1.23": each path component must be lower-case letters and digits, joined by ".", "_", "__" or "-"',
    });
  });

  it('splits off a host and keeps the name as given', () => {
    expect(parseImageName('GHCR.IO/owner/app', hub)).toEqual({
      registry: 'ghcr.io',
      repository: 'owner/app',
      name: 'GHCR.IO/owner/app',
    });
  });
});

describe('formatImageName(image) and familiarName(image)', () => {
  const rows: [string, { registry: string; repository: string }, string, string][] = [
    ['an official image', { registry: 'docker.io', repository: 'library/golang' }, 'docker.io/library/golang', 'golang'],
    ['a user image', { registry: 'docker.io', repository: 'user/app' }, 'docker.io/user/app', 'user/app'],
    ['a deep library path', { registry: 'docker.io', repository: 'library/a/b' }, 'docker.io/library/a/b', 'library/a/b'],
    ['another registry', { registry: 'ghcr.io', repository: 'owner/app' }, 'ghcr.io/owner/app', 'ghcr.io/owner/app'],
    ['a local registry', { registry: 'localhost:5000', repository: 'z' }, 'localhost:5000/z', 'localhost:5000/z'],
    ['a first component that looks like a host', { registry: 'docker.io', repository: 'a.b/c' }, 'docker.io/a.b/c', 'docker.io/a.b/c'],
  ];
  it.each(rows)('formats %s', (_why, image, canonical, familiar) => {
    const full = { ...image, name: 'x' };
    expect(formatImageName(full)).toBe(canonical);
    expect(familiarName(full)).toBe(familiar);
    const { name: _, ...reparsed } = parseImageName(familiar, hub);
    expect(reparsed).toEqual(image);
  });

  it('drops a non-Docker default registry', () => {
    const image = { registry: 'ghcr.io', repository: 'owner/app', name: 'owner/app' };
    expect(familiarName(image, { defaultRegistry: 'ghcr.io' })).toBe('owner/app');
  });
});
