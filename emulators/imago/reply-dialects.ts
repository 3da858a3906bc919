/**
 * How list and upload replies are wrapped, by the reply-shape switches (BEHAVIOUR.md, "Reply
 * dialects"). The reference shows one wrapper per endpoint; real servers of the same API family
 * wrap lists as `{items}` or `{data}`, leave an empty list out or write it as `null`, page with a
 * `total` and a `next` link, and answer an upload with less than `{imageId, imageryId}`.
 */
import type { EmulatorResponse } from '../kit/http-kit';
import type { ImagoApiContext } from './api-context';
import type { Page } from './search';

export type ListWrapper = 'documented' | 'bare-array' | 'items' | 'data';
export type EmptyListStyle = 'empty-array' | 'null' | 'omitted';
export type PageMetaStyle = 'limit-offset' | 'total-next';
export type UploadReplyShape = 'documented' | 'image-id-only' | 'id-and-imagery-id' | 'data-wrapped' | 'bare-array' | 'no-content' | 'empty-200';

/**
 * A list reply. `key` is the documented key (`collections`, `images`); `bare` says the documented
 * form is a bare array (`/dataset`). `total` is how many match before paging; `path` the route,
 * for the `next` link.
 */
export function listReply(ctx: ImagoApiContext, list: { key: string; items: unknown[]; page?: Page; total?: number; path: string; bare?: boolean }): unknown {
  const behaviour = ctx.behaviour();
  const wrapper = behaviour.listWrapper === 'documented' ? (list.bare ? 'bare-array' : list.key) : behaviour.listWrapper;
  if (wrapper === 'bare-array') return list.items;
  const body: Record<string, unknown> = {};
  if (list.items.length > 0 || behaviour.emptyListStyle === 'empty-array') body[wrapper] = list.items;
  else if (behaviour.emptyListStyle === 'null') body[wrapper] = null;
  if (list.page) body.meta = pageMeta(ctx, list.page, list.total ?? list.items.length, list.path);
  return body;
}

function pageMeta(ctx: ImagoApiContext, page: Page, total: number, path: string): Record<string, unknown> {
  if (ctx.behaviour().pageMetaStyle === 'limit-offset') return { limit: page.limit, offset: page.offset };
  const nextOffset = page.offset + page.limit;
  return { total, next: nextOffset < total ? `${path}?offset=${nextOffset}&limit=${page.limit}` : null };
}

/** The `POST /image` reply in the configured `uploadReplyShape`. */
export function uploadReply(ctx: ImagoApiContext, ids: { imageId: string; imageryId: string }): EmulatorResponse {
  switch (ctx.behaviour().uploadReplyShape) {
    case 'documented':
      return { status: 200, json: ids };
    case 'image-id-only':
      return { status: 200, json: { imageId: ids.imageId } };
    case 'id-and-imagery-id':
      return { status: 200, json: { id: ids.imageId, imageryId: ids.imageryId } };
    case 'data-wrapped':
      return { status: 200, json: { data: ids } };
    case 'bare-array':
      return { status: 200, json: [ids] };
    case 'no-content':
      return { status: 204 };
    case 'empty-200':
      return { status: 200, body: '' };
  }
}
