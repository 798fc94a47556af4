import { describe, expect, it } from 'vitest';
import type { BadgeContent } from '../../src/badge/BadgeContent';
import { MIN_CACHE_SECONDS, shieldsEndpoint } from '../../src/badge/shieldsEndpoint';
import { shieldsSchemaProblems } from './shieldsSchema';

const GOOD: BadgeContent = { label: 'platforms', message: 'amd64, arm64', color: 'blue', isError: false };

describe('shieldsEndpoint(content, cacheSeconds)', () => {
  it.each([
    ['a plain badge', GOOD, 300, { schemaVersion: 1, label: 'platforms', message: 'amd64, arm64', color: 'blue', cacheSeconds: 300 }],
    [
      'every option',
      { ...GOOD, label: '', labelColor: '#333', style: 'for-the-badge' },
      600,
      { schemaVersion: 1, label: '', message: 'amd64, arm64', color: 'blue', labelColor: '#333', style: 'for-the-badge', cacheSeconds: 600 },
    ],
    [
      'an error, cached briefly by us but never below shields’ floor',
      { label: 'platforms', message: 'not found', color: 'lightgrey', isError: true },
      60,
      { schemaVersion: 1, label: 'platforms', message: 'not found', color: 'lightgrey', isError: true, cacheSeconds: 300 },
    ],
  ] as const)('%s', (_, content, seconds, expected) => {
    const json = shieldsEndpoint(content, seconds);
    expect(json).toStrictEqual(expected);
    expect(shieldsSchemaProblems(JSON.parse(JSON.stringify(json)))).toEqual([]);
  });

  it('writes the keys in the schema’s order and only those', () => {
    const json = shieldsEndpoint({ ...GOOD, labelColor: 'black', style: 'social', isError: true }, 301.7);
    expect(Object.keys(json)).toEqual(['schemaVersion', 'label', 'message', 'color', 'labelColor', 'isError', 'style', 'cacheSeconds']);
    expect(json.cacheSeconds).toBe(301);
    expect(MIN_CACHE_SECONDS).toBe(300);
  });
});

describe('shieldsSchemaProblems(json) — the test’s own schema check', () => {
  it.each([
    [{ schemaVersion: 1, label: 'a', message: 'b', cacheSeconds: 300, link: 'x' }, 'unknown key link'],
    [{ schemaVersion: 2, label: 'a', message: 'b', cacheSeconds: 300 }, 'schemaVersion must be 1'],
    [{ schemaVersion: 1, message: 'b', cacheSeconds: 300 }, 'label must be a string (may be empty)'],
    [{ schemaVersion: 1, label: 'a', message: '', cacheSeconds: 300 }, 'message must be a non-empty string'],
    [{ schemaVersion: 1, label: 'a', message: 'b', isError: 'true', cacheSeconds: 300 }, 'isError must be a boolean'],
    [{ schemaVersion: 1, label: 'a', message: 'b', cacheSeconds: 60 }, 'cacheSeconds must be an integer ≥ 300'],
    [{ schemaVersion: 1, label: 'a', message: 'b', cacheSeconds: 300.5 }, 'cacheSeconds must be an integer ≥ 300'],
    [{ schemaVersion: 1, label: 'a', message: 'b', namedLogo: 'x', logoSvg: '<svg/>', cacheSeconds: 300 }, 'namedLogo and logoSvg exclude each other'],
    [{ schemaVersion: 1, label: 'a', message: 'b', logoColor: 'red', cacheSeconds: 300 }, 'logoColor needs namedLogo'],
  ])('rejects %j: %s', (json, problem) => {
    expect(shieldsSchemaProblems(json)).toContain(problem);
  });
});
