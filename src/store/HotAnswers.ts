/**
 * Answers of hot GET requests, kept in isolate memory and given again, unchanged, to the same
 * request without routing, parsing or matching. Scripts pinning digests and pullers ask the
 * same `/resolve/…` or manifest-by-tag URL again and again; while the tag records an answer
 * was made from are still the ones in this isolate's memory, the answer is the same bytes.
 *
 * An answer is kept only when it is exactly reproducible from what the key names:
 * - the request: GET, its URL (host and query included) and every request header a route
 *   reads to decide an answer (ANSWER_HEADERS), at most MAX_KEY characters in all; a request
 *   with `Authorization`, `If-None-Match` or `Range` is never answered from here (nor kept);
 * - the data: every tag and manifest it used came from isolate memory, read by this request
 *   itself (AnswerBasis), with no KV read or write, no origin request and no background work;
 * - 200, not private (src/auth/PullAccess.ts), at most MAX_BODY bytes;
 * - time: it holds while each tag record used is the one in memory (`hotTags`, which a write
 *   or revalidation replaces, and which lasts 2 s), fresh, and no longer than the `Age` second
 *   the request started in (the answer shows the age), so at most a second;
 * - configuration: the same `env`.
 * A replay costs nothing (`X-Edge-Cost` all zero) and counts in the isolate's totals as a
 * request, a tag hit per tag used, and a kept answer.
 */
import type { Env } from '../config/Env';
import type { AnswerBasis, HotTag } from './AnswerBasis';
import type { IsolateState } from './IsolateState';
import { formatEdgeCost, zeroMetrics, type RequestMetrics } from './RequestMetrics';

/**
 * Every request header a route reads to decide a GET's answer. A route that reads another one
 * must add it here (test/store/hotAnswers.test.ts checks src/ for it).
 */
export const ANSWER_HEADERS = ['Accept', 'X-Platform', 'User-Agent', 'Sec-CH-UA-Platform', 'Sec-CH-UA-Arch', 'Sec-CH-UA-Bitness'] as const;
/** Request headers whose presence keeps a request away from kept answers. */
export const UNANSWERABLE_HEADERS = ['Authorization', 'If-None-Match', 'Range'] as const;
/** What a replay costs: nothing. */
export const REPLAY_COST = formatEdgeCost(zeroMetrics());
/**
 * Bounds: a key (URL and header values) of at most 4 KiB, a body of at most 32 KiB, 256
 * answers and 4 MiB of keys and bodies in all. Tag entries are held weakly, so answers never
 * keep a record alive that the isolate's memory has let go.
 */
const MAX_KEY = 4 * 1024;
const MAX_BODY = 32 * 1024;
const MAX_ANSWERS = 256;
const MAX_BYTES = 4 * 1024 * 1024;

interface HotAnswer {
  env: Env;
  tags: readonly { key: string; entry: WeakRef<HotTag> }[];
  until: number;
  status: number;
  /** The headers of replays: the first answer's, with `X-Edge-Cost: REPLAY_COST`. */
  headers: Record<string, string>;
  body: ArrayBuffer;
  bytes: number;
}

/** What made an answer, for `keep`. */
export interface AnswerMaking {
  basis: AnswerBasis;
  metrics: RequestMetrics;
  private: boolean;
  /** Work was deferred to after the response. */
  deferred: boolean;
  /** When the request started, ms since the epoch: its `Age` second bounds the answer. */
  started: number;
  now: number;
}

export class HotAnswers {
  private readonly answers = new Map<string, HotAnswer>();
  private bytes = 0;

  /** The key of a request whose answer may be kept and given again, or undefined. */
  static keyOf(request: Request): string | undefined {
    if (request.method !== 'GET') return undefined;
    const h = request.headers;
    for (const name of UNANSWERABLE_HEADERS) if (h.has(name)) return undefined;
    let key = request.url;
    for (const name of ANSWER_HEADERS) key += `\n${h.get(name) ?? ''}`;
    return key.length <= MAX_KEY ? key : undefined;
  }

  /** The kept answer to `key`, counted into the isolate's totals; undefined when none holds now. */
  replay(key: string, env: Env, isolate: IsolateState, now: number): Response | undefined {
    const answer = this.answers.get(key);
    if (!answer) return undefined;
    if (answer.env !== env || now >= answer.until || !answer.tags.every(({ key, entry }) => isCurrent(entry.deref(), isolate.hotTags.get(key)))) {
      this.delete(key);
      return undefined;
    }
    const { totals } = isolate;
    totals.requests++;
    totals.keptAnswers++;
    totals.tagReads.hit += answer.tags.length;
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }

  /**
   * Keeps `response` as the answer to `key` when it may be given again (see above), and returns
   * what to send: the same response, or when kept, one made from the kept parts.
   */
  async keep(key: string, env: Env, response: Response, made: AnswerMaking): Promise<Response> {
    const { basis, metrics, now } = made;
    if (response.status !== 200 || made.private || made.deferred || basis.cold || basis.tags.length === 0) return response;
    if (metrics.kvReads || metrics.kvWrites || metrics.upstreamRequests) return response;
    let until = basis.until;
    for (const { entry } of basis.tags) {
      const storedAt = entry.record.storedAt;
      until = Math.min(until, storedAt + (Math.floor((made.started - storedAt) / 1000) + 1) * 1000);
    }
    if (now >= until) return response;
    const first = Object.fromEntries(response.headers);
    const headers = { ...first, 'x-edge-cost': REPLAY_COST };
    const body = await response.arrayBuffer();
    const answer: HotAnswer = {
      env,
      tags: basis.tags.map(({ key, entry }) => ({ key, entry: new WeakRef(entry) })),
      until,
      status: response.status,
      headers,
      body,
      bytes: key.length * 2 + body.byteLength,
    };
    if (body.byteLength <= MAX_BODY) this.set(key, answer);
    return new Response(body, { status: answer.status, headers: first });
  }

  private set(key: string, answer: HotAnswer): void {
    this.delete(key);
    this.answers.set(key, answer);
    this.bytes += answer.bytes;
    for (const oldest of this.answers.keys()) {
      if (this.answers.size <= MAX_ANSWERS && this.bytes <= MAX_BYTES) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const answer = this.answers.get(key);
    if (!answer) return;
    this.bytes -= answer.bytes;
    this.answers.delete(key);
  }
}

function isCurrent(kept: HotTag | undefined, current: HotTag | undefined): boolean {
  return kept !== undefined && kept === current;
}
