/**
 * The `Link` header's `rel="next"` target (RFC 8288 §3), which registries use to paginate
 * `GET /v2/<name>/tags/list` (OCI distribution-spec "Listing Tags").
 */

/**
 * The URL of the `rel="next"` link in a `Link` header, resolved against `base`; undefined when
 * there is none or it is not a URL.
 * @example nextLink('</v2/a/tags/list?last=b&n=2>; rel="next"', 'https://r.example/v2/a/tags/list')
 * // → 'https://r.example/v2/a/tags/list?last=b&n=2'
 */
export function nextLink(header: string | null | undefined, base: string): string | undefined {
  if (!header) return undefined;
  // Each link-value is `<uri-reference>` then `;`-separated params; a URI cannot contain `>`.
  const links = /<([^>]*)>([^<]*)/g;
  for (const [, target, params] of header.matchAll(links)) {
    const rels = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params ?? '');
    const rel = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('next')) continue;
    try {
      return new URL(target ?? '', base).href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
