/**
 * What Imago already holds for a hole of the import's target: its intervals of the target imagery
 * type (for overlaps) and its current photos with their checksums (for "already on Imago"). Read
 * once per hole with `GET /imagery` and `GET /image-metadata`, every page, and kept for the holes
 * used most recently (an archive's files of one hole mostly come together in the scan).
 *
 * The reference shows `checksum` without its algorithm, so each one is read for what it can
 * prove: 64 hex digits (optionally `sha256:`) compare with the file's SHA-256, 32 hex digits with
 * its MD5; anything else — or no checksum at all — proves nothing, and a match is then proved by
 * downloading Imago's copy and hashing it (when allowed), never assumed.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchiveTarget } from '../../../../common/bridge/archive-contract';
import { CorelogError } from '../../../../common/errors';
import { IncompleteImageError, type ImagoClient, type ImageMetadata } from '../../imago/imago-client';

export type ChecksumReading = { kind: 'sha256'; hex: string } | { kind: 'md5'; hex: string } | { kind: 'unknown'; raw: string } | { kind: 'none' };

/** Reads one `checksum` value for what it can prove. */
export function readChecksum(value: string | undefined | null): ChecksumReading {
  const text = value?.trim() ?? '';
  if (!text) return { kind: 'none' };
  const lower = text.toLowerCase();
  const sha = /^(?:sha-?256[:=])?([0-9a-f]{64})$/.exec(lower);
  if (sha) return { kind: 'sha256', hex: sha[1]! };
  const md5 = /^(?:md5[:=])?([0-9a-f]{32})$/.exec(lower);
  if (md5) return { kind: 'md5', hex: md5[1]! };
  return { kind: 'unknown', raw: text.slice(0, 80) };
}

export interface HeldInterval {
  id: string;
  from: number;
  to: number;
}

export interface HeldImage {
  id: string;
  imageryId: string;
  imageTypeName: string | null;
  from: number | null;
  to: number | null;
  size: number | null;
  checksum: ChecksumReading;
  /** SHA-256 proved by downloading (cached: each image is fetched at most once). */
  provedSha256?: Promise<string | null>;
}

export interface HoleHoldings {
  hole: string;
  intervals: HeldInterval[];
  images: HeldImage[];
  bySha256: Map<string, HeldImage>;
  byMd5: Map<string, HeldImage>;
  /** Images whose checksum proves nothing (absent or of an unknown kind). */
  unprovable: HeldImage[];
  /**
   * Why Imago's lists of this hole could not be read whole (a server that ignores the paging
   * offset sends its first page again); null when they were. What is not in them may still be on
   * Imago: "not found here" proves nothing then.
   */
  incomplete: string | null;
}

/**
 * Said of a file whose hole Imago could not list whole. The run checks Imago for the file's own
 * interval and image type just before sending it (`needsCheckBeforeSending`).
 */
export const NOT_CHECKED_WHOLE =
  'Imago’s list of this hole could not be read whole, so whether it already holds this photo was not checked here; the run asks Imago about this interval just before sending it, and does not send it again if Imago has it.';

/** Whether a planned row's reason says Imago's holdings could not be checked for it (see NOT_CHECKED_WHOLE). */
export function needsCheckBeforeSending(reason: string | null | undefined): boolean {
  return reason?.includes(NOT_CHECKED_WHOLE) === true;
}

/** What one list of a hole read: its items, and why it is incomplete (null: it is not). */
interface ListRead<T> {
  items: T[];
  incomplete: string | null;
}

export interface HoldingsOptions {
  imago: () => ImagoClient;
  target: ArchiveTarget;
  signal?: AbortSignal | undefined;
  /** Holes kept in memory (default 256). */
  maxHoles?: number;
}

/** Bounded by pages, not by trust in the server's paging: a server that ignores `offset` cannot loop us. */
const MAX_PAGES = 1000;
/** What `proveSha256` answers for a copy Imago holds incomplete: equal to no file's SHA-256. */
export const HELD_INCOMPLETE = 'incomplete on Imago';
const IMAGE_PAGE = 1000;
const IMAGERY_PAGE = 5000;

export class ImagoHoldings {
  private readonly holes = new Map<string, Promise<HoleHoldings>>();
  private readonly maxHoles: number;

  constructor(private readonly options: HoldingsOptions) {
    this.maxHoles = options.maxHoles ?? 256;
  }

  /** The hole's holdings (a hole Imago does not have holds nothing). */
  hole(name: string): Promise<HoleHoldings> {
    let found = this.holes.get(name);
    if (found) {
      // Most recently used last.
      this.holes.delete(name);
      this.holes.set(name, found);
      return found;
    }
    found = this.load(name);
    // A failed read is not kept: the next file of the hole asks again.
    found.catch(() => this.holes.delete(name));
    this.holes.set(name, found);
    while (this.holes.size > this.maxHoles) this.holes.delete(this.holes.keys().next().value!);
    return found;
  }

  /**
   * The SHA-256 of Imago's copy, by downloading it to a temporary file (null when Imago no longer
   * has it). Only for images whose listed checksum proves nothing.
   */
  proveSha256(hole: string, image: HeldImage): Promise<string | null> {
    image.provedSha256 ??= this.download(hole, image);
    return image.provedSha256;
  }

  /**
   * Imago's copy's SHA-256. An image that comes incomplete twice in a row is taken as Imago holding
   * it incomplete (a cut on the way rarely repeats): not the same bytes as a whole file, so the
   * file is uploaded rather than the dry run failing on that image at every try.
   */
  private async download(hole: string, image: HeldImage): Promise<string | null> {
    try {
      return await this.downloadOnce(hole, image);
    } catch (error) {
      if (!(error instanceof IncompleteImageError)) throw error;
    }
    try {
      return await this.downloadOnce(hole, image);
    } catch (error) {
      if (error instanceof IncompleteImageError) return HELD_INCOMPLETE;
      throw error;
    }
  }

  private async downloadOnce(hole: string, image: HeldImage): Promise<string | null> {
    const { target } = this.options;
    const path = join(tmpdir(), `corelog-archive-proof-${randomUUID()}`);
    try {
      const got = await this.options.imago().downloadImageToFile(
        {
          workspaceName: target.workspaceName,
          datasetName: target.datasetName,
          collectionName: hole,
          imageryTypeName: target.imageryTypeName,
          imageTypeName: image.imageTypeName ?? '',
          imageryId: image.imageryId,
        },
        path,
        { imageId: image.id, ...(this.options.signal ? { signal: this.options.signal } : {}) },
      );
      return got.sha256;
    } catch (error) {
      if (error instanceof CorelogError && error.kind === 'not-found') return null;
      throw error;
    } finally {
      await rm(path, { force: true });
    }
  }

  private async load(hole: string): Promise<HoleHoldings> {
    const [intervalRead, imageRead] = await Promise.all([this.intervals(hole), this.images(hole)]);
    const intervals = intervalRead.items;
    const images = imageRead.items;
    const incomplete = [intervalRead.incomplete, imageRead.incomplete].filter((why): why is string => why !== null).join('; ') || null;
    const holdings: HoleHoldings = { hole, intervals, images, bySha256: new Map(), byMd5: new Map(), unprovable: [], incomplete };
    for (const image of images) {
      if (image.checksum.kind === 'sha256') holdings.bySha256.set(image.checksum.hex, image);
      else if (image.checksum.kind === 'md5') holdings.byMd5.set(image.checksum.hex, image);
      else holdings.unprovable.push(image);
    }
    return holdings;
  }

  /** Every interval of the hole in the target imagery type (re-checked here: a server may ignore a filter). */
  private async intervals(hole: string): Promise<ListRead<HeldInterval>> {
    const { target } = this.options;
    const out: HeldInterval[] = [];
    const seen = new Set<string>();
    let firstPage: number | undefined;
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      this.options.signal?.throwIfAborted();
      const items = await notFoundAsEmpty(() =>
        this.options.imago().listImagery({
          workspaceName: target.workspaceName,
          datasetName: target.datasetName,
          collectionName: hole,
          imageryTypeName: target.imageryTypeName,
          includeFeatures: false,
          offset,
          limit: IMAGERY_PAGE,
        }),
      );
      let fresh = 0;
      for (const item of items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        fresh++;
        if (item.collectionName != null && item.collectionName !== hole) continue;
        if (item.imageryTypeName != null && item.imageryTypeName !== target.imageryTypeName) continue;
        if (item.datasetName != null && item.datasetName !== target.datasetName) continue;
        if (item.startDepth === null || item.endDepth === null) continue;
        out.push({ id: item.id, from: item.startDepth, to: item.endDepth });
      }
      // A page of nothing new ends it, whatever page size the server really uses.
      if (items.length === 0) return { items: out, incomplete: null };
      if (fresh === 0) return { items: out, incomplete: repeatedPage('intervals', out.length, firstPage, IMAGERY_PAGE) };
      firstPage ??= items.length;
      offset += items.length;
    }
    return { items: out, incomplete: `its intervals were read to ${MAX_PAGES} pages and no further` };
  }

  private async images(hole: string): Promise<ListRead<HeldImage>> {
    const { target } = this.options;
    const out: HeldImage[] = [];
    const seen = new Set<string>();
    let firstPage: number | undefined;
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      this.options.signal?.throwIfAborted();
      const reply = await notFoundAsEmpty(async () =>
        (
          await this.options.imago().listImageMetadata({
            workspaceName: target.workspaceName,
            datasetName: target.datasetName,
            collectionName: hole,
            imageryTypeName: target.imageryTypeName,
            offset,
            limit: IMAGE_PAGE,
          })
        ).images,
      );
      let fresh = 0;
      for (const image of reply) {
        if (seen.has(image.id)) continue;
        seen.add(image.id);
        fresh++;
        if (!belongs(image, hole, target) || image.deleted === true) continue;
        out.push({
          id: image.id,
          imageryId: image.imageryId,
          imageTypeName: image.imageTypeName,
          from: image.startDepth,
          to: image.endDepth,
          size: image.size ?? null,
          checksum: readChecksum(image.checksum),
        });
      }
      if (reply.length === 0) return { items: out, incomplete: null };
      if (fresh === 0) return { items: out, incomplete: repeatedPage('photos', seen.size, firstPage, IMAGE_PAGE) };
      firstPage ??= reply.length;
      offset += reply.length;
    }
    return { items: out, incomplete: `its photos were read to ${MAX_PAGES} pages and no further` };
  }
}

function belongs(image: ImageMetadata, hole: string, target: ArchiveTarget): boolean {
  if (image.collectionName !== undefined && image.collectionName !== hole) return false;
  if (image.imageryTypeName !== undefined && image.imageryTypeName !== target.imageryTypeName) return false;
  if (image.datasetName !== undefined && image.datasetName !== target.datasetName) return false;
  if (image.workspaceName !== undefined && image.workspaceName !== target.workspaceName) return false;
  return true;
}

/** A hole Imago does not know may be answered 404 instead of an empty list: both mean "nothing". */
async function notFoundAsEmpty<T>(read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CorelogError && error.kind === 'not-found') return [];
    throw error;
  }
}

/**
 * A page that brought nothing new after one that did: the server ignores the paging offset and sent
 * its first page again. Only a first page longer than asked for shows that it sent everything at
 * once; otherwise there may be more than it will ever hand out, and the list is incomplete.
 */
function repeatedPage(what: string, read: number, firstPage: number | undefined, asked: number): string | null {
  if (firstPage !== undefined && firstPage > asked) return null;
  return `Imago sent the same page of its ${what} again (it ignores the paging offset and gives no total): ${read} read, there may be more`;
}
