/** Conditional requests: `If-None-Match` against a strong ETag (RFC 9110 §13.1.2). */

/** The ETag for a digest: the digest itself, quoted. */
export function etagFor(digest: string): string {
  return `"${digest}"`;
}

/** True when `If-None-Match` names this ETag (weak comparison, as §13.1.2 asks) or is `*`. */
export function ifNoneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}
