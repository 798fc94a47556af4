/**
 * The shields.io endpoint schema's rules (shields `services/endpoint-common.js`, a Joi schema
 * validated with unknown keys rejected), restated for tests, plus this project's own floor:
 * `cacheSeconds` ≥ 300. Returns the problems found; none means shields would accept it.
 */
export const SHIELDS_KEYS = [
  'schemaVersion', 'label', 'message', 'color', 'labelColor', 'isError', 'namedLogo', 'logoSvg', 'logoColor',
  'logoWidth', 'style', 'cacheSeconds',
] as const;

export function shieldsSchemaProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['not an object'];
  const json = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(json)) {
    if (!(SHIELDS_KEYS as readonly string[]).includes(key)) problems.push(`unknown key ${key}`);
  }
  if (json.schemaVersion !== 1) problems.push('schemaVersion must be 1');
  if (typeof json.label !== 'string') problems.push('label must be a string (may be empty)');
  if (typeof json.message !== 'string' || json.message === '') problems.push('message must be a non-empty string');
  for (const key of ['color', 'labelColor', 'namedLogo', 'logoSvg', 'style'] as const) {
    if (key in json && typeof json[key] !== 'string') problems.push(`${key} must be a string`);
  }
  if ('isError' in json && typeof json.isError !== 'boolean') problems.push('isError must be a boolean');
  if ('namedLogo' in json && 'logoSvg' in json) problems.push('namedLogo and logoSvg exclude each other');
  if ('logoColor' in json && !('namedLogo' in json)) problems.push('logoColor needs namedLogo');
  if ('logoWidth' in json && !('namedLogo' in json || 'logoSvg' in json)) problems.push('logoWidth needs a logo');
  if ('logoWidth' in json && typeof json.logoWidth !== 'number') problems.push('logoWidth must be a number');
  if (!('cacheSeconds' in json)) problems.push('cacheSeconds is required here');
  else if (!Number.isInteger(json.cacheSeconds) || (json.cacheSeconds as number) < 300) problems.push('cacheSeconds must be an integer ≥ 300');
  return problems;
}
