/**
 * The image page (pure): `GET /image/<name>:<tag>` as HTML — the platform matrix of a tag (OS,
 * architecture, variant, OS version, size, child digest and a `docker pull` line, each copyable)
 * and copy-paste snippets for its badge. Plain HTML and CSS, one small inline script for the
 * copy buttons; every value goes through `html`, which escapes it.
 *
 * Accessibility: a real table (caption, `th scope`), each copy button labelled with what it
 * copies and its result announced in a live region; on a phone the rows become cards whose cells
 * name their column (`data-label`), with the table roles kept explicitly, since `display: block`
 * drops them in some browsers. A badge wider than a phone scrolls sideways in its own figure
 * (focusable, so a keyboard can scroll it too) rather than shrinking to unreadable.
 */
import { BADGE_STYLES } from '../badge/badgeOptions';
import { constantHtml, html, type SafeHtml } from './html';
import { PAGE_CSS, PAGE_SCRIPT } from './pageAssets';

export interface PlatformRow {
  /** The platform as the `/platforms` API writes it, e.g. `windows(10.0.20348.2966)/amd64`. */
  platform: string;
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
  /** The child manifest's digest. */
  digest: string;
  /** Compressed image size (config + layers), when the child manifest is stored. */
  imageSize?: number;
}

export interface ImagePageModel {
  /** This worker's origin, for snippets that are pasted elsewhere. */
  origin: string;
  /** The reference as this worker's URLs write it: `demo/app:1.0`, `ghcr.io/o/a@sha256:…`. */
  reference: string;
  /** The canonical repository, e.g. `docker.io/demo/app`. */
  image: string;
  /** The name `docker pull` understands for that repository, e.g. `demo/app`. */
  pullName: string;
  /** The top-level manifest: an index, or a single image manifest. */
  digest: string;
  mediaType: string;
  /** The index's platforms, attestations left out; absent when the tag is not an index. */
  platforms?: PlatformRow[];
  /** How many distinct child manifests this view read for sizes (a bounded number, first in index order). */
  sizesRead?: number;
  /** What the badge says, as `label: message`, for its alt text. */
  badgeText: string;
}

/** The complete HTML document. */
export function renderImagePage(model: ImagePageModel): string {
  const count = model.platforms?.length;
  return document(
    `${model.reference} — platforms`,
    html`
<header>
  <h1>${model.reference}</h1>
  <dl class="facts">
    <dt>Repository</dt><dd><code>${model.image}</code></dd>
    <dt>Media type</dt><dd><code>${model.mediaType}</code></dd>
    <dt>Digest</dt><dd>${copyable(model.digest, `digest of ${model.reference}`)}</dd>
    <dt>Platforms</dt><dd>${count === undefined ? 'one image manifest, not a multi-platform index' : String(count)}</dd>
  </dl>
</header>
${model.platforms === undefined ? singleManifest(model) : platformTable(model, model.platforms)}
${badgeSection(model)}
<footer>
  <p class="hint">Also as JSON: <a href="${`/platforms/${model.reference}`}">${`/platforms/${model.reference}`}</a></p>
</footer>`,
  );
}

/** A small HTML page for a failure (not found, unavailable, invalid reference). */
export function renderErrorPage(title: string, detail: string): string {
  return document(title, html`<h1>${title}</h1>\n<p>${detail}</p>`);
}

function document(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${title}</title>
<style>${constantHtml(PAGE_CSS)}</style>
</head>
<body>
<main>
${body}
</main>
<p id="copy-status" class="sr-only" role="status" aria-live="polite"></p>
<script>${constantHtml(PAGE_SCRIPT)}</script>
</body>
</html>
`.toString();
}

function platformTable(model: ImagePageModel, rows: PlatformRow[]): SafeHtml {
  const columns = ['Platform', 'OS', 'Architecture', 'Variant', 'OS version', 'Size', 'Digest', 'Pull'];
  return html`
<section aria-labelledby="platforms-heading">
<h2 id="platforms-heading">Platforms</h2>
<table role="table">
<caption>${`${rows.length} platform${rows.length === 1 ? '' : 's'} of ${model.reference} (attestations left out)`}</caption>
<thead role="rowgroup"><tr role="row">${columns.map((c) => html`<th scope="col" role="columnheader">${c}</th>`)}</tr></thead>
<tbody role="rowgroup">
${rows.map((row) => platformRow(model, row))}
</tbody>
</table>
${sizesNote(rows, model.sizesRead)}
</section>`;
}

/** Says so when this view read fewer child manifests than the index has, so some sizes are blank. */
function sizesNote(rows: PlatformRow[], sizesRead: number | undefined): SafeHtml {
  const children = new Set(rows.map((row) => row.digest)).size;
  if (sizesRead === undefined || sizesRead >= children) return html``;
  return html`<p class="hint" id="sizes-note">Sizes are read for the first ${String(sizesRead)} of ${String(children)} platform manifests on each view; the others are listed by digest. <a href="${'#platforms-heading'}">Platforms</a> also come as JSON below.</p>`;
}

function platformRow(model: ImagePageModel, row: PlatformRow): SafeHtml {
  const name = [row.os, row.architecture, row.variant].filter(Boolean).join('/');
  const which = row.osVersion ? `${name} ${row.osVersion}` : name;
  return html`<tr role="row" data-platform="${row.platform}">
<th scope="row" role="rowheader" data-label="Platform"><code>${name}</code></th>
<td role="cell" data-label="OS">${row.os}</td>
<td role="cell" data-label="Architecture">${row.architecture}</td>
<td role="cell" data-label="Variant">${optional(row.variant)}</td>
<td role="cell" data-label="OS version">${optional(row.osVersion)}</td>
<td role="cell" data-label="Size" class="num">${size(row.imageSize)}</td>
<td role="cell" data-label="Digest" class="digest">${copyable(row.digest, `digest of ${which}`)}</td>
<td role="cell" data-label="Pull" class="pull">${copyable(`docker pull ${model.pullName}@${row.digest}`, `docker pull command for ${which}`)}</td>
</tr>
`;
}

function singleManifest(model: ImagePageModel): SafeHtml {
  return html`
<section aria-labelledby="platforms-heading">
<h2 id="platforms-heading">Platforms</h2>
<p>This tag names a single image manifest, not a multi-platform index; its platform is recorded in the image config.</p>
${copyable(`docker pull ${model.pullName}@${model.digest}`, 'docker pull command')}
</section>`;
}

function badgeSection(model: ImagePageModel): SafeHtml {
  const path = `/badge/${model.reference}`;
  const svgUrl = `${model.origin}${path}.svg`;
  const pageUrl = `${model.origin}/image/${model.reference}`;
  const jsonUrl = `${model.origin}${path}/shields.json`;
  const snippets: [string, string, string][] = [
    ['markdown', 'Markdown', `[![${model.badgeText}](${encodeURI(svgUrl)})](${encodeURI(pageUrl)})`],
    ['html', 'HTML', html`<a href="${encodeURI(pageUrl)}"><img src="${encodeURI(svgUrl)}" alt="${model.badgeText}"></a>`.toString()],
    ['shields', 'shields.io endpoint badge', `https://img.shields.io/endpoint?url=${encodeURIComponent(jsonUrl)}`],
    ['endpoint', 'Endpoint JSON URL', encodeURI(jsonUrl)],
  ];
  return html`
<section aria-labelledby="badge-heading">
<h2 id="badge-heading">Badge</h2>
<ul class="badges">
${BADGE_STYLES.map((style) => html`<li><figure tabindex="0"><img src="${encodeURI(`${path}.svg?style=${style}`)}" alt="${model.badgeText}"><figcaption>${style}</figcaption></figure></li>
`)}</ul>
<p class="hint">Options: <code>?style=</code> (the five above), <code>?label=</code>, <code>?color=</code>, <code>?labelColor=</code>, and filters <code>?os=linux</code>, <code>?arch=arm64,arm</code>.</p>
${snippets.map(([id, label, text]) => snippet(id, label, text))}
</section>`;
}

function snippet(id: string, label: string, text: string): SafeHtml {
  return html`<div class="snippet">
<div class="snippet-head"><label for="snippet-${id}">${label}</label>${copyButton(text, `${label} snippet`)}</div>
<textarea id="snippet-${id}" readonly rows="2" spellcheck="false">${text}</textarea>
</div>
`;
}

function copyable(text: string, what: string): SafeHtml {
  return html`<span class="copyable"><code title="${text}">${text}</code>${copyButton(text, what)}</span>`;
}

function copyButton(text: string, what: string): SafeHtml {
  return html`<button type="button" class="copy" data-copy="${text}" data-what="${what}" aria-label="${`Copy ${what}`}">Copy</button>`;
}

function optional(value: string | undefined): SafeHtml {
  return value ? html`${value}` : html`<span class="none" aria-label="none">—</span>`;
}

/** Decimal units, as `docker images` prints them. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function size(bytes: number | undefined): SafeHtml {
  return bytes === undefined ? optional(undefined) : html`<data value="${String(bytes)}" title="${`${bytes} bytes, compressed`}">${formatSize(bytes)}</data>`;
}
