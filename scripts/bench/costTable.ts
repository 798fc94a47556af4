/**
 * "What a request costs" in docs/benchmarks.md: the storage model's costs per request, as
 * test/store/costTable.test.ts measures them exactly (a change that moves a number fails there,
 * and this table changes with it), and what they allow a day on Workers Free and Paid.
 */
export const COST_TABLE = `## What a request costs

Counted by \`test/store/costTable.test.ts\` through the worker (real KV binding and Cache API, the
response's own work and its background work), for an index of 10 platforms. *Subrequests* counts
origin requests and Cache API operations (KV operations have their own limit, 1,000 per request).
An origin that wants a token adds one token request per registry per token lifetime (cached per
isolate).

| request | KV reads | KV writes | Cache API ops | origin requests | subrequests |
|---|---|---|---|---|---|
| hot: tag and child in isolate memory (\`/resolve\`, manifest by tag or digest, \`/platforms\`) | 0 | 0 | 0 | 0 | 0 |
| hot in the data centre, new isolate: tag and child from the Cache API | 0 | 0 | 2 | 0 | 2 |
| KV-only image, new data centre: tag and child | 2 | 0 | 4 | 0 | 4 |
| KV-only image, the same isolate 30 s later (the tag is read again) | 1 | 0 | 2 | 0 | 2 |
| pulled through, cold tag with N ≥ 8 children, no platform named, background prefetch included | 9 | 10 | 28 | 9 | 37 |
| pulled through, revalidation after TAG_TTL, tag unchanged | 0 | 0 | 2 | 1 (HEAD) | 3 |
| pulled through, revalidation, tag moved, children already known | 1 | 2 | 3 | 2 (HEAD, GET) | 5 |
| the same with k new children (k ≤ 8 prefetched) | 1 + k | 2 + k | 3 + 3k | 2 + k | 5 + 4k |
| pulled through, new data centre without a Cache API copy: tag and child, confirmed after the response | 2 | 0 | 0 (Cache API off) | 1 (HEAD) | 1 |

A cold tag's cost does not grow with N past 8: the prefetch stops at 8 image manifests, the rest
are fetched when asked for; an origin 404 is remembered in memory and the Cache API, never in KV
(\`test/store/boundedWork.test.ts\`: an index of 300 missing children costs at most 20 origin
requests and 20 KV writes per request, the image page included).

**A day's budget.** Hot requests cost no KV operation at all, so pulls are bounded by the
plan's requests, not by KV: Workers Free's 100,000 requests a day. KV writes happen only when
content changes: an unchanged tag costs none however long it is served and revalidated, so any
number of tags can be kept fresh. Each new tag costs at most 10 writes and each moved tag at most
2 + its new children (at most 10): Workers Free's 1,000 KV writes a day allow about 100 new or
moved tags a day; Workers Paid's 1 million writes a month included, about 3,000 a day. KV reads
(100,000 a day on Free, 10 million a month included on Paid) are spent only when an isolate or
data centre meets a tag or manifest for the first time and, for a KV-only tag, once per 30 s per
isolate that serves it. The 50 subrequests a request of Workers Free allows cover the worst row
(37); Workers Paid allows 10,000.
`;
