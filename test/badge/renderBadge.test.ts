import { describe, expect, it } from 'vitest';
import { BADGE_STYLES } from '../../src/badge/badgeOptions';
import { renderBadge } from '../../src/badge/renderBadge';

const BASE = { label: 'platforms', message: 'amd64, arm64', color: 'blue', isError: false };

describe('renderBadge(content)', () => {
  it('draws an SVG whose accessible name is "label: message"', async () => {
    const svg = await renderBadge(BASE);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="20" role="img" aria-label="platforms: amd64, arm64">/);
    expect(svg).toContain('<title>platforms: amd64, arm64</title>');
    expect(svg).toContain('fill="#007ec6"'); // badge-maker's "blue"
  });

  it.each(BADGE_STYLES)('draws the %s style', async (style) => {
    const svg = await renderBadge({ ...BASE, style });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/aria-label="platforms: amd64, arm64"/i); // for-the-badge writes capitals, social a capital first
  });

  it('gives each style a different drawing', async () => {
    const drawings = await Promise.all(BADGE_STYLES.map((style) => renderBadge({ ...BASE, style })));
    expect(new Set(drawings).size).toBe(BADGE_STYLES.length);
  });

  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"quoted" & \'single\'', '&quot;quoted&quot; &amp; &apos;single&apos;'],
    ['a > b < c', 'a &gt; b &lt; c'],
  ])('escapes the label %j in text and attributes', async (label, escaped) => {
    const svg = await renderBadge({ ...BASE, label, labelColor: '#123' });
    expect(svg).toContain(`<title>${escaped}: amd64, arm64</title>`);
    expect(svg).toContain(`aria-label="${escaped}: amd64, arm64"`);
    expect(svg).not.toContain('<script');
    expect(svg.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toMatch(/&/);
  });

  it('escapes the message too', async () => {
    const svg = await renderBadge({ ...BASE, message: '<img src=x onerror=alert(1)>' });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('ignores a colour it cannot read rather than writing it into the SVG', async () => {
    const svg = await renderBadge({ ...BASE, color: 'notacolour' });
    expect(svg).not.toContain('notacolour');
  });
});
