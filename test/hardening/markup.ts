/**
 * Checks that SVG badges and HTML pages carry no markup from their data (docs/security.md,
 * "Browsers: badges and the image page": every user-controlled string escaped in SVG and HTML): no
 * event-handler attributes, no `javascript:` links, no element that loads or runs anything beyond
 * the page's own constant script, and none of the strings a test injected appearing unescaped.
 */
import { expect } from 'vitest';
import { PAGE_SCRIPT } from '../../src/page/pageAssets';
import { wellFormed } from './arbitraries';

/** Elements that would load, run or frame something if data could inject them. */
const DANGEROUS = new Set(['iframe', 'frame', 'object', 'embed', 'foreignobject', 'base', 'form', 'use', 'animate', 'set', 'handler', 'listener', 'image', 'audio', 'video', 'portal']);

const TAG = /<\/?([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;

/** Characters that must never reach markup unescaped (`&` alone is ambiguous: `&amp;` is both). */
const MARKUP = /[<>"']/;

export function expectNoInjectedMarkup(text: string, kind: 'svg' | 'html', injected: readonly string[] = []): void {
  if (kind === 'svg') expect(text.startsWith('<svg')).toBe(true);
  else expect(text.startsWith('<!doctype html>')).toBe(true);
  for (const match of text.matchAll(TAG)) {
    const name = match[1]!.toLowerCase();
    if (DANGEROUS.has(name) || (name === 'meta' && /http-equiv/i.test(match[2]!))) {
      throw new Error(`a <${name}> element in the ${kind}: ${match[0].slice(0, 200)}`);
    }
    for (const attribute of match[2]!.matchAll(ATTRIBUTE)) {
      const attr = attribute[1]!.toLowerCase();
      const value = (attribute[2] ?? '').replace(/^["']|["']$/g, '').trim().toLowerCase();
      if (attr.startsWith('on')) throw new Error(`an event handler attribute ${attr} in the ${kind}`);
      if (['href', 'src', 'xlink:href', 'action', 'formaction'].includes(attr) && /^(javascript|data|vbscript):/.test(value)) {
        throw new Error(`a ${value.split(':')[0]}: URL in ${attr}`);
      }
    }
  }
  const scripts = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
  if (kind === 'svg') expect(scripts).toEqual([]);
  else expect(scripts.every((s) => s === PAGE_SCRIPT)).toBe(true);
  // Answers are UTF-8, and URLs carry no lone surrogates: one in a value can only appear as U+FFFD.
  for (const value of injected.map(wellFormed)) {
    if (MARKUP.test(value) && value.length >= 6) expect(text.includes(value), `${JSON.stringify(value)} appears unescaped`).toBe(false);
  }
}
