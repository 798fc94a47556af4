/**
 * The image page in a real browser: starts the local demo (`npm start` on a free port, as
 * check-demo.ts does), drives headless Debian Chromium (/usr/bin/chromium, `apt-get install
 * chromium`) with playwright-core, and checks that
 * - /image/demo/app:1.0 renders one table row per platform, with the digests and `docker pull`
 *   lines of the /platforms JSON, in its order;
 * - every badge <img> decodes (naturalWidth > 0), and the badge URLs answer SVG;
 * - the page's own CSS and script run under its Content-Security-Policy (no violations, no
 *   script errors), and a copy button puts the digest on the clipboard;
 * - at 1100, 1024, 860 and phone width (390 px) nothing overflows sideways, and on the phone each
 *   table cell names its column;
 * and saves screenshots under artifacts/ (git-ignored) for people to look at.
 * Prints one line per check, then 'N passed, N failed'; exits non-zero on a failure.
 *
 *   npm run check:browser
 *   CHROMIUM=/path/to/chromium npm run check:browser
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CheckReport, startDemo } from './lib/demoProcess';
import { fail, PROJECT_ROOT } from './lib/project';

/*
 * What the functions passed to page.evaluate use: they run in the page, where the DOM exists,
 * but scripts compile without lib "dom" (it clashes with Node's types), so just these, here.
 */
interface PageNode {
  id: string;
  textContent: string | null;
  tagName: string;
  scrollWidth: number;
  getAttribute(name: string): string | null;
  scrollIntoView(): void;
}
declare const document: {
  documentElement: PageNode;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode> & { length: number };
  getElementById(id: string): PageNode | null;
};
declare const window: { innerWidth: number };
declare const navigator: { clipboard: { readText(): Promise<string> } };
declare function getComputedStyle(node: unknown, pseudo: string): { content: string };

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, 'artifacts');
const PAGE_PATH = '/image/demo/app:1.0';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

interface PlatformsJson {
  platforms: { platform: string; digest: string }[];
}

const report = new CheckReport();
const check = report.check.bind(report);

async function checkDesktop(page: Page, base: string, expected: PlatformsJson): Promise<void> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });

  const response = await page.goto(`${base}${PAGE_PATH}`, { waitUntil: 'load' });
  check(`GET ${PAGE_PATH} answers 200 text/html`, response?.status() === 200 && (response.headers()['content-type'] ?? '').startsWith('text/html'));

  const rows = await page.$$eval('table tbody tr', (trs) =>
    trs.map((tr) => ({
      platform: tr.getAttribute('data-platform') ?? '',
      digest: tr.querySelector('td.digest code')?.textContent ?? '',
      pull: tr.querySelector('td.pull code')?.textContent ?? '',
      cells: tr.querySelectorAll('th, td').length,
    })),
  );
  check(`the table has ${expected.platforms.length} platform rows`, rows.length === expected.platforms.length && expected.platforms.length === 10, `got ${rows.length}`);
  const mismatched = expected.platforms.filter((p, i) => rows[i]?.platform !== p.platform || rows[i]?.digest !== p.digest);
  check('each row shows the platform and child digest of /platforms, in order', mismatched.length === 0, `differs: ${mismatched.map((m) => m.platform).join(', ')}`);
  check(
    'each row has 8 cells and a docker pull line for its digest',
    rows.every((r) => r.cells === 8 && r.pull === `docker pull demo/app@${r.digest}`),
    JSON.stringify(rows.find((r) => r.cells !== 8 || !r.pull.endsWith(r.digest))),
  );

  const images = await page.$$eval('img', (imgs) =>
    Promise.all(
      imgs.map(async (img) => {
        if (!img.complete) {
          await new Promise((done) => {
            img.addEventListener('load', done, { once: true });
            img.addEventListener('error', done, { once: true });
          });
        }
        return { src: img.getAttribute('src') ?? '', width: img.naturalWidth, alt: img.alt };
      }),
    ),
  );
  check('the page shows the badge in 5 styles', images.length === 5, `got ${images.length} <img>`);
  const broken = images.filter((img) => img.width === 0);
  check('every badge <img> decodes (naturalWidth > 0)', images.length > 0 && broken.length === 0, `broken: ${broken.map((b) => b.src).join(', ')}`);
  check('every badge <img> has alt text naming the platforms', images.every((img) => img.alt.startsWith('platforms: linux amd64')));

  const a11y = await page.evaluate(() => ({
    caption: document.querySelector('table caption')?.textContent ?? '',
    colHeaders: document.querySelectorAll('thead th[scope="col"]').length,
    rowHeaders: document.querySelectorAll('tbody th[scope="row"]').length,
    unlabelledButtons: [...document.querySelectorAll('button')].filter((b) => !b.getAttribute('aria-label')).length,
    unlabelledFields: [...document.querySelectorAll('textarea')].filter((t) => !document.querySelector(`label[for="${t.id}"]`)).length,
  }));
  check(
    'the table has a caption and column and row headers; every button and field is labelled',
    a11y.caption.startsWith('10 platforms') && a11y.colHeaders === 8 && a11y.rowHeaders === 10 && a11y.unlabelledButtons === 0 && a11y.unlabelledFields === 0,
    JSON.stringify(a11y),
  );

  const first = expected.platforms[0]!;
  await page.click('tbody tr:first-child td.digest button');
  await page.waitForFunction(() => document.getElementById('copy-status')?.textContent !== '', null, { timeout: 5000 }).catch(() => undefined);
  const copied = await page.evaluate(() => navigator.clipboard.readText()).catch((err: Error) => `(clipboard: ${err.message})`);
  const status = await page.textContent('#copy-status');
  check('the copy button puts the first digest on the clipboard and says so', copied === first.digest && status === 'Copied digest of linux/amd64.', `clipboard ${copied}, status ${JSON.stringify(status)}`);

  const markdown = await page.inputValue('#snippet-markdown');
  check('the Markdown snippet embeds this worker’s badge URL', markdown === `[![${images[0]?.alt}](${base}/badge/demo/app:1.0.svg)](${base}${PAGE_PATH})`, markdown);

  check('no CSP violation or script error on the page', problems.length === 0, problems.join(' | '));
  await page.screenshot({ path: join(ARTIFACTS, 'image-page-desktop.png'), fullPage: true });
}

/** Narrower windows down to a phone (390 px, the table as cards); screenshots at phone width. */
async function checkPhone(context: BrowserContext, base: string): Promise<void> {
  const page = await context.newPage();
  for (const width of [1100, 1024, 860, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto(`${base}${PAGE_PATH}`, { waitUntil: 'load' });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    check(`at ${width} px wide nothing overflows sideways`, widths.scroll <= widths.viewport, JSON.stringify(widths));
  }
  const labels = await page.$$eval('tbody tr:first-child td', (tds) => tds.map((td) => getComputedStyle(td, '::before').content));
  check('at 390 px each cell names its column', labels[0] === '"OS"' && labels.includes('"Digest"'), labels.join(' '));
  await page.screenshot({ path: join(ARTIFACTS, 'image-page-phone.png') });
  await page.screenshot({ path: join(ARTIFACTS, 'image-page-phone-full.png'), fullPage: true });
  await page.evaluate(() => document.getElementById('badge-heading')?.scrollIntoView());
  await page.screenshot({ path: join(ARTIFACTS, 'image-page-phone-badge.png') });
  await page.goto(`${base}/image/demo/app:9.9`);
  await page.screenshot({ path: join(ARTIFACTS, 'image-page-not-found.png') });
  await page.close();
}

async function checkBadgeUrls(context: BrowserContext, base: string): Promise<void> {
  const page = await context.newPage();
  for (const [path, status] of [['/badge/demo/app:1.0.svg', 200], ['/badge/demo/app:9.9.svg', 404]] as const) {
    const response = await page.goto(`${base}${path}`);
    const type = response?.headers()['content-type'] ?? '';
    const svg = await page.evaluate(() => document.documentElement.tagName);
    check(`${path} opens as an SVG image (${status})`, response?.status() === status && type.startsWith('image/svg+xml') && svg === 'svg', `${response?.status()} ${type} <${svg}>`);
  }
  await page.close();
}

async function main(): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const demo = await startDemo();
  const { base } = demo;
  const profile = await mkdtemp(join(tmpdir(), 'browser-check-'));
  let context: BrowserContext | undefined;
  try {
    const expected = (await (await fetch(`${base}/platforms/demo/app:1.0`)).json()) as PlatformsJson;
    console.log(`launching ${CHROMIUM} (headless, profile ${profile})`);
    context = await chromium
      .launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } })
      .catch((err: Error) => {
        throw new Error(`cannot start Chromium at ${CHROMIUM} (apt-get install -y chromium): ${err.message.split('\n')[0]}`);
      });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await checkDesktop(context.pages()[0] ?? (await context.newPage()), base, expected);
    await checkPhone(context, base);
    await checkBadgeUrls(context, base);
    console.log(`screenshots: ${['image-page-desktop.png', 'image-page-phone.png', 'image-page-phone-full.png', 'image-page-phone-badge.png', 'image-page-not-found.png'].map((f) => join('artifacts', f)).join(', ')}`);
  } finally {
    await context?.close().catch(() => undefined);
    await rm(profile, { recursive: true, force: true });
    demo.stop();
  }
  report.finish();
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
