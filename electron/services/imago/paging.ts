/**
 * Reading a whole Imago list page by page without trusting the server to page as the documents
 * suggest (`offset`/`limit`, `meta: {limit, offset}`). Servers seen or plausible: one that ignores
 * `offset` (the same page again), one that ignores both (everything at once, every time), one that
 * caps the page below what was asked, one that pages by a `next` link, one that says `total`.
 * So: stop on an empty or repeated page, go on while fewer than `total` are read (or a `next`
 * link is given), step by what the server actually sent, and say when the list is incomplete.
 */
import { imagoIdKey } from './imago-ids';

/** What to ask for next: an offset (and limit), or the server's own `next` link. */
export type PageRequest = { offset?: number; limit?: number; next?: undefined } | { next: string; offset?: undefined; limit?: undefined };

export interface Page<T> {
  items: T[];
  /** The whole reply as it came: its paging facts (`meta`, `links` or top-level keys) are read defensively here. */
  meta: unknown;
}

export interface AllPages<T> {
  items: T[];
  /** False when the server held more than could be read; `note` says why. */
  complete: boolean;
  note?: string;
}

export interface PagingOptions {
  /** The `limit` to ask for; absent: the first page is asked without paging parameters. */
  pageSize?: number;
  /** Page length that, without any `meta`, means "there may be more" (the server's documented default). */
  defaultPageSize?: number;
  maxPages?: number;
}

interface PageMeta {
  total?: number;
  next?: string;
  limit?: number;
}

function readMeta(reply: unknown): PageMeta {
  const recordOf = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const top = recordOf(reply);
  const meta = recordOf(top.meta);
  const links = recordOf(top.links);
  // meta first (the documented place), then the reply's top level; the next link also under links.
  const record: Record<string, unknown> = { ...top, ...meta, next: meta.next ?? links.next ?? top.next };
  const count = (value: unknown) => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const read: PageMeta = {};
  const total = count(record.total ?? record.totalCount ?? record.count);
  if (total !== undefined) read.total = total;
  const limit = count(record.limit);
  if (limit !== undefined && limit > 0) read.limit = limit;
  const next = record.next ?? record.nextPage ?? record.nextLink;
  if (typeof next === 'string' && next.trim()) read.next = next.trim();
  return read;
}

export async function readAllPages<T extends { id: string }>(fetchPage: (request: PageRequest) => Promise<Page<T>>, options: PagingOptions = {}): Promise<AllPages<T>> {
  const maxPages = options.maxPages ?? 1000;
  const seen = new Set<string>();
  const items: T[] = [];
  let request: PageRequest = options.pageSize ? { offset: 0, limit: options.pageSize } : {};
  let offset = 0;
  let firstPageLength: number | null = null;
  let serverPageSize: number | undefined;
  const done = (complete: boolean, note?: string): AllPages<T> => (complete ? { items, complete } : { items, complete, note: note ?? `read ${items.length}; the server holds more` });
  for (let pageIndex = 0; pageIndex < maxPages; pageIndex++) {
    const page = await fetchPage(request);
    const meta = readMeta(page.meta);
    const fresh = page.items.filter((item) => !seen.has(imagoIdKey(item.id)));
    const shortOfTotal = () => meta.total !== undefined && items.length < meta.total;
    if (page.items.length === 0) {
      return shortOfTotal() ? done(false, `read ${items.length} of ${meta.total}: the server sent an empty page before the end`) : done(true);
    }
    if (fresh.length === 0) {
      // The same page again: the server ignores the offset (or the link leads back). When its first
      // page was longer than asked it ignores the limit too and sent everything at once.
      if (shortOfTotal()) return done(false, `read ${items.length} of ${meta.total}: the server sent the same page again`);
      const sentAll = (firstPageLength ?? 0) > (options.pageSize ?? meta.limit ?? options.defaultPageSize ?? Infinity);
      return sentAll ? done(true) : done(false, `read ${items.length}: the server ignores the paging offset and sent the same page again`);
    }
    for (const item of fresh) {
      seen.add(imagoIdKey(item.id));
      items.push(item);
    }
    firstPageLength ??= page.items.length;
    offset += page.items.length;
    if (meta.total !== undefined && items.length >= meta.total) return done(true);
    if (meta.next) {
      request = { next: meta.next };
      continue;
    }
    const nextByOffset: PageRequest = options.pageSize ? { offset, limit: options.pageSize } : { offset };
    if (meta.total !== undefined) {
      request = nextByOffset;
      continue;
    }
    // No total: a page shorter than the server's page size is the last. The page size is what the
    // server says (`meta.limit`), else what it turned out to send, else what was asked, else its
    // documented default.
    const pageSize = Math.min(meta.limit ?? Infinity, serverPageSize ?? request.limit ?? options.defaultPageSize ?? Infinity);
    if (page.items.length >= pageSize) {
      request = nextByOffset;
      continue;
    }
    // A short first page from a server that says nothing of its paging may be a cap below what was
    // asked: its length is then the page size, and one more page tells (empty or repeated: it was all).
    if (pageIndex === 0 && meta.limit === undefined && request.limit !== undefined) {
      serverPageSize = page.items.length;
      request = nextByOffset;
      continue;
    }
    return done(true);
  }
  return done(false, `read ${items.length} in ${maxPages} pages and stopped there`);
}
