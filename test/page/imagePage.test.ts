import { describe, expect, it } from 'vitest';
import { formatSize, renderErrorPage, renderImagePage, type ImagePageModel } from '../../src/page/imagePage';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const CHILD = `sha256:${'b'.repeat(64)}`;

const MODEL: ImagePageModel = {
  origin: 'https://edge.example',
  reference: 'demo/app:1.0',
  image: 'docker.io/demo/app',
  pullName: 'demo/app',
  digest: DIGEST,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  platforms: [
    { platform: 'linux/arm/v7', os: 'linux', architecture: 'arm', variant: 'v7', digest: CHILD, imageSize: 3_456_789 },
    { platform: 'windows(10.0.20348.2966)/amd64', os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.2966', digest: DIGEST },
  ],
  badgeText: 'platforms: linux arm/v7 · windows amd64',
};

/** Rows of the platform table, as `[data-platform, cells…]` with tags stripped. */
function rows(page: string): string[][] {
  return [...page.matchAll(/<tr role="row" data-platform="([^"]*)">([\s\S]*?)<\/tr>/g)].map(([, platform, row]) => [
    platform!,
    ...[...row!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell]) => cell!.replace(/<button[\s\S]*?<\/button>/g, '').replace(/<[^>]+>/g, '')),
  ]);
}

describe('renderImagePage(model)', () => {
  const page = renderImagePage(MODEL);

  it('is a complete, phone-ready HTML document', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<title>demo/app:1.0 — platforms</title>');
  });

  it('has one table row per platform: OS, architecture, variant, OS version, size, digest, pull line', () => {
    expect(rows(page)).toEqual([
      ['linux/arm/v7', 'linux/arm/v7', 'linux', 'arm', 'v7', '—', '3.5 MB', CHILD, `docker pull demo/app@${CHILD}`],
      ['windows(10.0.20348.2966)/amd64', 'windows/amd64', 'windows', 'amd64', '—', '10.0.20348.2966', '—', DIGEST, `docker pull demo/app@${DIGEST}`],
    ]);
  });

  it('uses table semantics: caption, column and row headers', () => {
    expect(page).toContain('<caption>2 platforms of demo/app:1.0 (attestations left out)</caption>');
    expect(page.match(/<th scope="col" role="columnheader">/g)).toHaveLength(8);
    expect(page.match(/<th scope="row" role="rowheader" data-label="Platform">/g)).toHaveLength(2);
  });

  it('labels every copy button with what it copies', () => {
    expect(page).toContain(`<button type="button" class="copy" data-copy="${CHILD}" data-what="digest of linux/arm/v7" aria-label="Copy digest of linux/arm/v7">Copy</button>`);
    expect(page).toContain(`data-copy="docker pull demo/app@${DIGEST}" data-what="docker pull command for windows/amd64 10.0.20348.2966"`);
    const buttons = page.match(/<button [^>]*>/g)!;
    expect(buttons.every((b) => /aria-label="Copy [^"]+"/.test(b))).toBe(true);
    expect(page).toContain('<p id="copy-status" class="sr-only" role="status" aria-live="polite"></p>');
  });

  it('offers Markdown, HTML and shields.io snippets with the worker’s own origin', () => {
    const markdown = '[![platforms: linux arm/v7 · windows amd64](https://edge.example/badge/demo/app:1.0.svg)](https://edge.example/image/demo/app:1.0)';
    expect(page).toContain(`<label for="snippet-markdown">Markdown</label>`);
    expect(page).toContain(`<textarea id="snippet-markdown" readonly rows="2" spellcheck="false">${markdown.replace(/&/g, '&amp;')}</textarea>`);
    expect(page).toContain(
      '&lt;a href=&quot;https://edge.example/image/demo/app:1.0&quot;&gt;&lt;img src=&quot;https://edge.example/badge/demo/app:1.0.svg&quot; alt=&quot;platforms: linux arm/v7 · windows amd64&quot;&gt;&lt;/a&gt;',
    );
    expect(page).toContain('https://img.shields.io/endpoint?url=https%3A%2F%2Fedge.example%2Fbadge%2Fdemo%2Fapp%3A1.0%2Fshields.json');
    expect(page).toContain('>https://edge.example/badge/demo/app:1.0/shields.json</textarea>');
  });

  it('previews the badge in each style, from this origin', () => {
    for (const style of ['flat', 'flat-square', 'plastic', 'for-the-badge', 'social']) {
      expect(page).toContain(`<img src="/badge/demo/app:1.0.svg?style=${style}" alt="platforms: linux arm/v7 · windows amd64"><figcaption>${style}</figcaption>`);
    }
  });

  it('escapes every value that came from outside', () => {
    const evil = `"><script>alert(1)</script>`;
    const hostile = renderImagePage({
      ...MODEL,
      origin: `https://x.example/${evil}`,
      reference: evil,
      image: evil,
      mediaType: evil,
      platforms: [{ platform: evil, os: evil, architecture: evil, variant: evil, osVersion: evil, digest: evil }],
      badgeText: evil,
    });
    const scripts = hostile.match(/<script>/g) ?? [];
    expect(scripts).toHaveLength(1); // the page's own copy script, nothing else
    expect(hostile).not.toContain(evil);
    expect(hostile).not.toContain('<script>alert');
    expect(hostile).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('explains a tag that is a single image manifest', () => {
    const { platforms: _, ...single } = MODEL;
    const html = renderImagePage({ ...single, badgeText: 'platforms: single platform' });
    expect(html).toContain('This tag names a single image manifest, not a multi-platform index');
    expect(html).toContain(`data-copy="docker pull demo/app@${DIGEST}"`);
    expect(html).not.toContain('<table');
  });
});

describe('renderErrorPage(title, detail)', () => {
  it('escapes both', () => {
    const page = renderErrorPage('<b>x</b>: not found', 'manifest unknown: <i>');
    expect(page).toContain('<h1>&lt;b&gt;x&lt;/b&gt;: not found</h1>\n<p>manifest unknown: &lt;i&gt;</p>');
  });
});

describe('formatSize(bytes)', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1534, '1.5 kB'],
    [26_700_000, '27 MB'],
    [3_456_789, '3.5 MB'],
    [1_200_000_000, '1.2 GB'],
  ])('%i → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
