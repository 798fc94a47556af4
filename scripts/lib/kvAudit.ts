/**
 * Re-verifies every manifest the worker stored in its KV (docs/security.md, "Integrity": after
 * each fault the cache holds no corrupt or mismatched entry, checked by re-hashing every stored
 * value), through Miniflare's KV API (`mf.getKVNamespace('MANIFESTS')`), with the key layout of
 * src/store/keys.ts:
 *
 * - `v1:manifest:<registry>/<repository>@<digest>`: the sha256 of the value is the key's
 *   digest and the digest in its metadata;
 * - `v1:tag:<registry>/<repository>:<tag>`: the digest in its metadata is the sha256 of the
 *   value, the manifest is stored by that digest too, and — where the test knows it — that
 *   digest is the one the origin has for the tag;
 * - every value is a manifest that parses as JSON.
 */
import { createHash } from 'node:crypto';
import type { Miniflare } from 'miniflare';

export interface KvAudit {
  /** Manifest and tag entries re-hashed. */
  verified: number;
  /** What was wrong, one line per entry; empty when all is well. */
  problems: string[];
  /** Tag key → the digest stored for it. */
  tags: Map<string, string>;
}

const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * @param expectedTags tag key (`v1:tag:origin.test/demo/multi:1.0`) → the digest the origin
 *   serves for it; tags not listed are only checked for consistency.
 */
export async function auditKv(mf: Miniflare, expectedTags: ReadonlyMap<string, string> = new Map()): Promise<KvAudit> {
  const kv = await mf.getKVNamespace('MANIFESTS');
  const audit: KvAudit = { verified: 0, problems: [], tags: new Map() };
  const manifests = new Set<string>();
  const tagEntries: { key: string; digest: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    for (const { name } of page.keys) {
      const isManifest = name.startsWith('v1:manifest:');
      if (!isManifest && !name.startsWith('v1:tag:')) continue;
      const { value, metadata: raw } = await kv.getWithMetadata(name, 'arrayBuffer');
      if (value === null) continue; // deleted between list and get
      const metadata = raw as { digest?: unknown } | null;
      const bytes = new Uint8Array(value);
      const actual = sha256(bytes);
      audit.verified++;
      if (metadata?.digest !== actual) audit.problems.push(`${name}: metadata digest ${String(metadata?.digest)} but the value is ${actual}`);
      try {
        // A BOM is dropped by the decoder (ignoreBOM: false), as the worker's parser drops it.
        JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
      } catch {
        audit.problems.push(`${name}: the value is not JSON`);
      }
      if (isManifest) {
        const keyDigest = name.slice(name.lastIndexOf('@') + 1);
        if (keyDigest !== actual) audit.problems.push(`${name}: the value is ${actual}`);
        manifests.add(name);
      } else {
        audit.tags.set(name, actual);
        tagEntries.push({ key: name, digest: actual });
        const expected = expectedTags.get(name);
        if (expected !== undefined && expected !== actual) audit.problems.push(`${name}: ${actual}, but the origin has ${expected}`);
      }
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  for (const { key, digest } of tagEntries) {
    const image = key.slice('v1:tag:'.length, key.lastIndexOf(':'));
    if (!manifests.has(`v1:manifest:${image}@${digest}`)) audit.problems.push(`${key}: no v1:manifest entry for its digest ${digest}`);
  }
  return audit;
}
