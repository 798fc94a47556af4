/**
 * HTML with escaping by default: `html\`<td>${value}</td>\`` escapes every interpolated value
 * unless it is itself `html` (a SafeHtml), so a page cannot forget to escape a string. Values
 * are escaped for text and for quoted attribute values alike (`& < > " '`).
 */

/** HTML that is already safe: made by `html`, never from a plain string. */
export class SafeHtml {
  readonly #text: string;

  constructor(text: string, key: symbol) {
    if (key !== CONSTRUCT) throw new TypeError('SafeHtml is made by html`…` only');
    this.#text = text;
  }

  toString(): string {
    return this.#text;
  }
}

const CONSTRUCT = Symbol('SafeHtml');

type Interpolation = SafeHtml | string | number | null | undefined | readonly Interpolation[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/**
 * @example html`<td title="${title}">${name}</td>` // each value escaped
 * @example html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` // arrays are joined
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out, CONSTRUCT);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * This program's own constant text (the page's CSS and script) as HTML, unescaped. Never for
 * data: anything that came from a request, KV or an origin goes through `html`.
 */
export function constantHtml(text: string): SafeHtml {
  return new SafeHtml(text, CONSTRUCT);
}
