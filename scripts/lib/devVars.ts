/**
 * Reads a `.dev.vars`-style file (what `wrangler dev` reads for local vars and secrets):
 * `KEY=value` per line, `#` comment lines, values optionally in single or double quotes
 * (double-quoted values may use `\n` and `\"`).
 */
import { readFileSync } from 'node:fs';

export function readDevVars(path: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [n, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${path}:${n + 1}: expected KEY=value`);
    vars[m[1]!] = unquote(m[2]!.trim());
  }
  return vars;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}
