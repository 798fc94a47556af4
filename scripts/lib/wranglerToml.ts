/**
 * The few settings of wrangler.toml that harnesses and scripts need outside wrangler:
 * `compatibility_date`, `compatibility_flags` and the `[vars]` table. A deliberately small
 * reader (top-level `key = "string"`, string arrays, `[vars]` string values, `#` comments),
 * failing loudly on anything else in those places rather than guessing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project';

export interface WranglerSettings {
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
}

export function readWranglerToml(path = join(PROJECT_ROOT, 'wrangler.toml')): WranglerSettings {
  let section = '';
  let compatibilityDate: string | undefined;
  let compatibilityFlags: string[] = [];
  const vars: Record<string, string> = {};
  for (const [n, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.+?)\s*(#.*)?$/.exec(line);
    if (!kv) continue;
    const [, key = '', value = ''] = kv;
    const where = `${path}:${n + 1}`;
    if (section === '' && key === 'compatibility_date') compatibilityDate = stringValue(value, where);
    if (section === '' && key === 'compatibility_flags') compatibilityFlags = stringArray(value, where);
    if (section === 'vars') vars[key] = stringValue(value, where);
  }
  if (!compatibilityDate) throw new Error(`${path}: no compatibility_date`);
  return { compatibilityDate, compatibilityFlags, vars };
}

function stringValue(value: string, where: string): string {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'string') return parsed;
  } catch {
    // fall through
  }
  throw new Error(`${where}: expected a double-quoted string, got ${value}`);
}

function stringArray(value: string, where: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) return parsed as string[];
  } catch {
    // fall through
  }
  throw new Error(`${where}: expected an array of double-quoted strings, got ${value}`);
}
