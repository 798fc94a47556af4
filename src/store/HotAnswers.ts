/**
 * Answers of hot GET requests, kept in isolate memory and given again, unchanged, to the same
 * request without routing, parsing or matching. Scripts pinning digests and pullers ask the
 * same `/resolve/…` or manifest-by-tag URL again and again; while the tag records an answer
 * was made from are still the ones in this isolate's memory, the answer is the same bytes.
 *
 * An answer is kept only when it is exactly reproducible from what the key names:
 * - the request: GET, its URL (host and query included) and every request header a route
 *   reads to decide an answer (ANSWER_HEADERS); a request with `Authorization`,
 *   `If-None-Match` or `Range` is never answered from here (nor kept);
 * - the data: every tag it used came from isolate memory (AnswerBasis), with no KV read or
 *   write, no origin request and no background work; manifests by digest never change;
 * - 200, not private (src/auth/PullAccess.ts), at most MAX_BODY bytes;
 * - time: it holds while each tag record used is the one in memory (`hotTags`, which a write
 *   or revalidation replaces), fresh, and no longer than its whole `Age` second (the answer
 *   shows the age), so at most a second;
 * - configuration: the same `env`.
 * A replay reports what the answer cost the first time (X-Edge-Cost: memory hits only) and
 * counts into the isolate's totals as that request did.
 */
import type { Env } from '../config/Env';
import type { AnswerBasis, HotTag } from './AnswerBasis';
import { BoundedMap } from './BoundedMap';
import type { IsolateState } from './IsolateState';
import type { RequestMetrics } from './RequestMetrics';

/**
 * Every request header a route reads to decide a GET's answer. A route that reads another one
 * must add it here (test/store/hotAnswers.test.ts checks src/ for it).
 */
export const ANSWER_HEADERS = ['Accept', 'X-Platform', 'User-Agent', 'Sec-CH-UA-Platform', 'Sec-CH-UA-Arch', 'Sec-CH-UA-Bitness'] as const;
/** Request headers whose presence keeps a request away from kept answers. */
export const UNANSWERABLE_HEADERS = ['Authorization', 'If-None-Match', 'Range'] as const;
/** The largest answer kept: 256 answers of at most 64 KiB each. */
const MAX_BODY = 64 * 1024;
const MAX_ANSWERS = 256;

interface HotAnswer {
  env: Env;
  tags: readonly { key: string; entry: HotTag }[];
  until: number;
  status: number;
  headers: Record<string, string>;
  body: ArrayBuffer;
  cacheHits: number;
}

export class HotAnswers {
  private readonly answers = new BoundedMap<string, HotAnswer>(MAX_ANSWERS);

  /** The key of a request whose answer may be kept and given again, or undefined. */
  static keyOf(request: Request): string | undefined {
    if (request.method !== 'GET') return undefined;
    const h = request.headers;
    for (const name of UNANSWERABLE_HEADERS) if (h.has(name)) return undefined;
    let key = request.url;
    for (const name of ANSWER_HEADERS) key += `\n${h.get(name) ?? ''}`;
    return key;
  }

  /** The kept answer to `key`, counted into the isolate's totals; undefined when none holds now. */
  replay(key: string, env: Env, isolate: IsolateState, now: number): Response | undefined {
    const answer = this.answers.get(key);
    if (!answer) return undefined;
    if (answer.env !== env || now >= answer.until || !answer.tags.every(({ key, entry }) => isolate.hotTags.get(key) === entry)) {
      this.answers.delete(key);
      return undefined;
    }
    const { totals } = isolate;
    totals.requests++;
    totals.cacheHits += answer.cacheHits;
    totals.tagReads.hit += answer.tags.length;
    return respond(answer);
  }

  /**
   * Keeps `response` as the answer to `key` when it may be given again (see above), and returns
   * what to send: the same response, or when kept, one made as replays are.
   */
  async keep(key: string, env: Env, response: Response, made: { basis: AnswerBasis; metrics: RequestMetrics; private: boolean; deferred: boolean; now: number }): Promise<Response> {
    const { basis, metrics, now } = made;
    if (response.status !== 200 || made.private || made.deferred || basis.cold || basis.tags.length === 0) return response;
    if (metrics.kvReads || metrics.kvWrites || metrics.upstreamRequests) return response;
    let until = basis.until;
    for (const { entry } of basis.tags) {
      const storedAt = entry.record.storedAt;
      until = Math.min(until, storedAt + (Math.floor((now - storedAt) / 1000) + 1) * 1000);
    }
    if (now >= until) return response;
    const answer: HotAnswer = {
      env,
      tags: basis.tags,
      until,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.arrayBuffer(),
      cacheHits: metrics.cacheHits,
    };
    if (answer.body.byteLength <= MAX_BODY) this.answers.set(key, answer);
    return respond(answer);
  }
}

function respond(answer: HotAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
