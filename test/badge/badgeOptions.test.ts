import { describe, expect, it } from 'vitest';
import { BadgeOptionError } from '../../src/badge/BadgeOptionError';
import { parseBadgeOptions } from '../../src/badge/badgeOptions';

const parse = (query: string) => parseBadgeOptions(new URLSearchParams(query));

describe('parseBadgeOptions(query)', () => {
  it.each([
    ['', { filter: {} }],
    ['style=flat-square', { style: 'flat-square', filter: {} }],
    ['style=for-the-badge&label=runs%20on', { style: 'for-the-badge', label: 'runs on', filter: {} }],
    ['label=', { label: '', filter: {} }],
    ['color=%23e05d44&labelColor=555', { color: '#e05d44', labelColor: '555', filter: {} }],
    ['color=rgb(10,20,30)', { color: 'rgb(10,20,30)', filter: {} }],
    ['color=brightgreen', { color: 'brightgreen', filter: {} }],
    ['os=linux', { filter: { os: ['linux'] } }],
    ['arch=arm,arm64&arch=riscv64', { filter: { arch: ['arm', 'arm64', 'riscv64'] } }],
    ['arch=arm/v7&os=linux,windows', { filter: { os: ['linux', 'windows'], arch: ['arm/v7'] } }],
    ['arch=&os=', { filter: {} }],
    ['unknown=ignored', { filter: {} }],
  ])('%s', (query, options) => {
    expect(parse(query)).toEqual(options);
  });

  it.each([
    ['style=round', 'style', 'invalid style "round": expected one of flat, flat-square, plastic, for-the-badge, social'],
    ['style=', 'style', 'invalid style "": expected one of flat, flat-square, plastic, for-the-badge, social'],
    ['color=%3Cscript%3E', 'color', 'invalid color "<script>": expected a colour name, hex, rgb() or hsl()'],
    ['labelColor=red%22%20onload%3D%22x', 'labelColor', 'invalid labelColor "red\\" onload=\\"x": expected a colour name, hex, rgb() or hsl()'],
    ['label=a%00b', 'label', 'invalid label "a\\u0000b": contains a control character'],
    [`label=${'x'.repeat(65)}`, 'label', `invalid label "${'x'.repeat(20)}…": longer than 64 characters`],
    ['os=lin%20ux', 'os', 'invalid os "lin ux": expected an OS name such as linux'],
    ['arch=arm/v7/x', 'arch', 'invalid arch "arm/v7/x": expected an architecture such as arm64 or arm/v7'],
    [`arch=${Array(17).fill('a').join(',')}`, 'arch', `invalid arch "${Array(17).fill('a').join(',')}": more than 16 values`],
  ])('%s → %s', (query, option, message) => {
    let error: unknown;
    try {
      parse(query);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BadgeOptionError);
    expect((error as BadgeOptionError).option).toBe(option);
    expect((error as BadgeOptionError).message).toBe(message);
  });
});
