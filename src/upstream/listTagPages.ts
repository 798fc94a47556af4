/**
 * Reading a repository's tags page by page (OCI distribution-spec "Listing Tags"; Docker
 * registry HTTP API V2 "Pagination"): each page is `{"name": …, "tags": [...]}` and the next
 * page, if any, is the `Link: <…>; rel="next"` target, which must stay on the registry's
 * origin (it is sent our Authorization). At most MAX_TAG_PAGES pages are read; a longer list
 * is cut there rather than letting one request run without bound.
 */
import { z } from 'zod';
import { RegistryError } from '../oci/RegistryError';
import { nextLink } from './nextLink';
import type { Exchange, UpstreamTransport } from './UpstreamTransport';

/** The most pages of tags read for one listing. */
export const MAX_TAG_PAGES = 20;

/** The largest page of tags read. */
export const MAX_TAG_PAGE_BYTES = 4 * 1024 * 1024;

const tagPageSchema = z.object({ tags: z.array(z.string()).nullable().optional() });

/** How to read the pages. */
export interface TagPages {
  transport: UpstreamTransport;
  /** The first page's URL. */
  first: string;
  /** For messages: `tags of library/golang`. */
  what: string;
  /** Sends the (authorized) request for one page. */
  fetchPage(url: string): Promise<Exchange>;
  /** Handles a non-200 answer: null for "not found", else throws. */
  failed(exchange: Exchange): Promise<null>;
}

/** Every tag over all pages, in order, without duplicates; null when the first page is not found. */
export async function listTagPages(pages: TagPages): Promise<string[] | null> {
  const { transport, what } = pages;
  const origin = new URL(pages.first).origin;
  const tags = new Set<string>();
  let url: string | undefined = pages.first;
  for (let page = 0; url !== undefined && page < MAX_TAG_PAGES; page++) {
    const exchange = await pages.fetchPage(url);
    if (exchange.response.status !== 200) {
      const result = await pages.failed(exchange);
      if (page === 0) return result;
      break;
    }
    const tooLarge = `${exchange.label} sent a page of ${what} larger than ${MAX_TAG_PAGE_BYTES} bytes`;
    const bytes = await transport.readBody(exchange, MAX_TAG_PAGE_BYTES, () => new RegistryError('BAD_GATEWAY', tooLarge));
    for (const tag of parsePage(bytes, exchange.label, what)) tags.add(tag);
    url = nextLink(exchange.response.headers.get('link'), exchange.url);
    if (url !== undefined && new URL(url).origin !== origin) {
      throw new RegistryError('BAD_GATEWAY', `${exchange.label} paginated ${what} to another origin`);
    }
  }
  return [...tags];
}

function parsePage(bytes: Uint8Array, label: string, what: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new RegistryError('BAD_GATEWAY', `${label} sent ${what} that are not JSON`);
  }
  const parsed = tagPageSchema.safeParse(json);
  if (!parsed.success) throw new RegistryError('BAD_GATEWAY', `${label} sent ${what} without a "tags" array of strings`);
  return parsed.data.tags ?? [];
}
