/**
 * The image page's stylesheet and its one small script, inline (one request, no framework), and
 * the Content-Security-Policy that allows exactly these two by hash and nothing else inline:
 * `default-src 'none'`, images from this origin only (the badge previews), no forms, no framing.
 */

export const PAGE_CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--panel:#f6f8fa;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--panel:#151b23;--accent:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:78rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:2.25rem 0 .75rem}
a{color:var(--accent)}
code,textarea{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
code{overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
.facts dt{color:var(--muted)}
.facts dd{margin:0;min-width:0}
table{width:100%;border-collapse:collapse}
caption{text-align:left;color:var(--muted);padding:0 0 .5rem}
th,td{padding:.5rem .6rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
thead th{font-size:.8rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em;border-bottom-width:2px;white-space:nowrap}
tbody th{font-weight:600}
tbody tr:hover{background:var(--panel)}
.num{text-align:right;white-space:nowrap}
.none{color:var(--muted)}
.copyable{display:flex;align-items:center;gap:.4rem;min-width:0}
.copyable code{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
td.digest .copyable code{flex:none;width:20ch}
td.pull{width:40%}
td.pull .copyable code{flex:1 1 0;width:0}
tbody th code{white-space:nowrap}
button.copy{flex:none;font:inherit;font-size:.8rem;line-height:1.2;padding:.25rem .6rem;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--fg);cursor:pointer}
button.copy:hover{border-color:var(--muted)}
button.copy:focus-visible,textarea:focus-visible,.badges figure:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.badges{display:flex;flex-wrap:wrap;gap:1rem 2rem;list-style:none;margin:0;padding:0}
.badges figure{margin:0}
.badges img{display:block;max-width:100%;height:auto}
.badges figcaption{font-size:.8rem;color:var(--muted);margin-top:.25rem}
.snippet{margin:1rem 0 0}
.snippet-head{display:flex;align-items:center;justify-content:space-between;gap:1rem;margin-bottom:.25rem}
.snippet label{font-weight:600}
.snippet textarea{display:block;width:100%;resize:vertical;field-sizing:content;min-height:3.2em;padding:.5rem .6rem;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--fg)}
.hint{color:var(--muted);font-size:.9rem}
.hint code{white-space:nowrap}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:64rem){
  table,thead,tbody,tr,th,td{display:block}
  thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  tbody tr{border:1px solid var(--line);border-radius:8px;margin:0 0 1rem;padding:.5rem .75rem}
  tbody th,td{display:grid;grid-template-columns:6.5rem minmax(0,1fr);gap:.75rem;align-items:center;padding:.3rem 0;border:0}
  tbody th::before,td::before{content:attr(data-label);font-size:.8rem;font-weight:400;color:var(--muted)}
  .num{text-align:left}
  caption{display:block}
  .badges li{min-width:0;max-width:100%}
  .badges figure{max-width:100%;overflow-x:auto}
  .badges img{max-width:none}
  td.pull{width:auto}
  .copyable code,td.digest .copyable code,td.pull .copyable code{flex:1 1 auto;width:auto;white-space:normal;overflow-wrap:anywhere}
  .facts{grid-template-columns:1fr}
  .facts dd{margin-bottom:.5rem}
}
`.trim();

/**
 * Copy buttons: `data-copy` holds the text; the result is announced in the live region.
 * Without JS (or clipboard permission) the text is still there to select by hand.
 */
export const PAGE_SCRIPT = `
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  var status = document.getElementById('copy-status');
  navigator.clipboard.writeText(button.getAttribute('data-copy')).then(function () {
    button.textContent = 'Copied';
    status.textContent = 'Copied ' + button.getAttribute('data-what') + '.';
  }, function () {
    status.textContent = 'Could not copy: select the text and copy it by hand.';
  });
  setTimeout(function () { button.textContent = 'Copy'; }, 1500);
});
`.trim();

let csp: Promise<string> | undefined;

/** The page's Content-Security-Policy, with the hashes of PAGE_CSS and PAGE_SCRIPT. */
export function pageCsp(): Promise<string> {
  csp ??= (async () =>
    [
      "default-src 'none'",
      "img-src 'self'",
      `style-src '${await sha256Source(PAGE_CSS)}'`,
      `script-src '${await sha256Source(PAGE_SCRIPT)}'`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '))();
  return csp;
}

async function sha256Source(text: string): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `sha256-${btoa(String.fromCharCode(...hash))}`;
}
