/**
 * What one request's answer was made from, as far as isolate memory can vouch for it: the hot
 * tag records it used (EdgeCachedStore) and until when all of them hold. An answer made only
 * from those and from manifests by digest in memory (which never change) may be given again,
 * unchanged, to the same request while every tag record it used is still the one in memory
 * (src/store/HotAnswers.ts). Anything read from beyond isolate memory, or a lookup joined
 * rather than made (PullThroughSource), marks the basis `cold`: such an answer is not kept.
 */
import type { ManifestRecord } from './ManifestRecord';

/** An entry of `IsolateState.hotTags`. */
export interface HotTag {
  record: ManifestRecord;
  /** ms since the epoch until which it may be answered from memory. */
  until: number;
}

export class AnswerBasis {
  /** Hot tag entries used, with their `IsolateState.hotTags` keys. */
  readonly tags: { key: string; entry: HotTag }[] = [];
  /** A tag was read from the Cache API, KV or the origin. */
  cold = false;
  /** ms since the epoch until which the answer holds. */
  until = Infinity;

  /** A tag answered from memory, fresh for its TTL until `freshUntil` (ms since the epoch). */
  usedHot(key: string, entry: HotTag, freshUntil: number): void {
    this.tags.push({ key, entry });
    this.until = Math.min(this.until, entry.until, freshUntil);
  }

  usedCold(): void {
    this.cold = true;
  }
}
