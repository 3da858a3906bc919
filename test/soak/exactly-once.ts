/**
 * The soak's verdict, read from the emulators' stored state (the servers are the truth, never the
 * app): every event logged through the UI is on Dougal exactly once, every queued photo is on
 * Imago exactly once. "Lost" is work the user did that the server does not hold; "duplicated" is
 * work the server holds more than once (also when the extra copy was later closed or replaced).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CLIENT_KEY_META } from '../../common/bridge/event-log-contract';
import type { RunningEmulators } from '../../emulators/start-emulators';
import { PROJECT } from './corelog-ui';
import type { SoakPhoto } from './soak-photos';

export interface Tally {
  expected: number;
  /** Held exactly once. */
  once: number;
  lost: string[];
  /** One line per extra copy, saying what was stored twice. */
  duplicated: string[];
  /** Stored in this batch's scope but not something the user did (e.g. a cut-off upload kept as an image). */
  stray: string[];
}

export const emptyTally = (): Tally => ({ expected: 0, once: 0, lost: [], duplicated: [], stray: [] });

export function addTally(into: Tally, more: Tally): Tally {
  return {
    expected: into.expected + more.expected,
    once: into.once + more.once,
    lost: [...into.lost, ...more.lost],
    duplicated: [...into.duplicated, ...more.duplicated],
    stray: [...into.stray, ...more.stray],
  };
}

/** Distinct remarks of `prefix` held by current Dougal events that carry a Corelog client key. */
export function eventsArrived(emulators: RunningEmulators, prefix: string): number {
  const current = emulators.dougal.project(PROJECT).events.filter((e) => e.validity[2] === null && typeof e.meta[CLIENT_KEY_META] === 'string' && e.remarks.startsWith(prefix));
  return new Set(current.map((e) => e.remarks)).size;
}

/**
 * Events: each expected remarks must be held by exactly one current event with a client key, and
 * only one event id may ever have been created for it (a second create that was later deleted is
 * still a duplicate). Current events are also counted per `meta.corelog_key`.
 */
export function tallyEvents(emulators: RunningEmulators, prefix: string, expected: readonly string[]): Tally {
  const instances = emulators.dougal.project(PROJECT).events.filter((e) => e.remarks.startsWith(prefix));
  const tally: Tally = { ...emptyTally(), expected: expected.length };
  const wanted = new Set(expected);
  for (const remarks of expected) {
    const mine = instances.filter((e) => e.remarks === remarks);
    const current = mine.filter((e) => e.validity[2] === null && typeof e.meta[CLIENT_KEY_META] === 'string');
    const idsEver = new Set(mine.map((e) => e.id)).size;
    const copies = Math.max(current.length, idsEver);
    if (current.length === 0) tally.lost.push(`event “${remarks}”${mine.length ? ' (its only copy is closed: deleted on Dougal)' : ''}`);
    else if (copies === 1) tally.once += 1;
    const ids = [...new Set(mine.map((e) => e.id))].map((id) => `${id} created ${mine.find((e) => e.id === id)?.validity[1] ?? '?'}`);
    for (let extra = 1; extra < copies; extra++) tally.duplicated.push(`event “${remarks}” (${current.length} current; ids ${ids.join(', ')})`);
  }
  const byKey = new Map<string, number[]>();
  for (const e of instances.filter((i) => i.validity[2] === null)) {
    const key = e.meta[CLIENT_KEY_META];
    if (typeof key !== 'string') {
      tally.stray.push(`event ${e.id} “${e.remarks}” without a client key`);
      continue;
    }
    byKey.set(key, [...(byKey.get(key) ?? []), e.id]);
    if (!wanted.has(e.remarks)) tally.stray.push(`event ${e.id} “${e.remarks}” that nobody logged`);
  }
  for (const [key, ids] of byKey) {
    // Two current events with one key but different remarks would escape the per-remarks count.
    const remarks = new Set(instances.filter((e) => ids.includes(e.id)).map((e) => e.remarks));
    if (ids.length > 1 && remarks.size > 1) tally.duplicated.push(`client key ${key} on ${ids.length} current events (${ids.join(', ')})`);
  }
  return tally;
}

interface HoleImage {
  id: string;
  deleted: boolean;
  sha256: string;
  from: number | null;
  to: number | null;
  imageType: string;
}

const hashes = new Map<string, string>();

/** The SHA-256 of an image's stored file (hashed once: a stored file never changes); the record's checksum if the file is gone. */
async function storedSha256(emulators: RunningEmulators, id: string, recorded: string): Promise<string> {
  const stored = emulators.imago.image(id);
  if (!stored) return recorded;
  let sha = hashes.get(stored.path);
  if (!sha) {
    const bytes = await readFile(stored.path).catch(() => null);
    if (!bytes) return recorded;
    sha = createHash('sha256').update(bytes).digest('hex');
    hashes.set(stored.path, sha);
  }
  return sha;
}

/** Every image record Imago holds for a hole (deleted ones too), with the SHA-256 of the stored file. */
async function holeImages(emulators: RunningEmulators, hole: string): Promise<{ images: HoleImage[]; holes: number; intervals: Map<string, number> }> {
  const world = emulators.imago.world;
  const collections = world.collections.filter((c) => c.name === hole);
  const imageries = world.imageries.filter((i) => collections.some((c) => c.id === i.collectionId));
  const intervals = new Map<string, number>();
  for (const imagery of imageries) {
    const key = `${imagery.imageryTypeId} ${imagery.startDepth}–${imagery.endDepth}`;
    intervals.set(key, (intervals.get(key) ?? 0) + 1);
  }
  const images: HoleImage[] = [];
  for (const image of world.images) {
    const imagery = imageries.find((i) => i.id === image.imageryId);
    if (!imagery) continue;
    const type = world.imageryTypes.find((t) => t.id === imagery.imageryTypeId);
    images.push({
      id: image.id,
      deleted: image.deleted,
      sha256: await storedSha256(emulators, image.id, image.checksum),
      from: imagery.startDepth,
      to: imagery.endDepth,
      imageType: type?.imageTypes.find((t) => t.id === image.imageTypeId)?.name ?? '?',
    });
  }
  return { images, holes: collections.length, intervals };
}

/** Photos of `hole` Imago holds as current images (by stored bytes). */
export async function photosArrived(emulators: RunningEmulators, hole: string, photos: readonly SoakPhoto[]): Promise<number> {
  const { images } = await holeImages(emulators, hole);
  return photos.filter((p) => images.some((i) => !i.deleted && i.sha256 === p.sha256)).length;
}

/**
 * Photos: each queued photo's bytes must be held by exactly one current image, on its own interval
 * and image type, and by no other record (an extra upload leaves the earlier copy marked deleted,
 * so deleted records count as copies). The hole and each interval must exist once.
 */
export async function tallyPhotos(emulators: RunningEmulators, hole: string, photos: readonly SoakPhoto[]): Promise<Tally> {
  const { images, holes, intervals } = await holeImages(emulators, hole);
  const tally: Tally = { ...emptyTally(), expected: photos.length };
  for (const photo of photos) {
    const all = images.filter((i) => i.sha256 === photo.sha256);
    const current = all.filter((i) => !i.deleted);
    if (current.length === 0) tally.lost.push(`photo ${photo.name}${all.length ? ' (only a deleted copy is left)' : ''}`);
    else if (all.length === 1) tally.once += 1;
    for (let extra = 1; extra < all.length; extra++) tally.duplicated.push(`photo ${photo.name} (${all.length} image records, ${current.length} current)`);
    for (const image of current) {
      if (image.from !== photo.from || image.to !== photo.to || image.imageType !== photo.imageType) {
        tally.stray.push(`photo ${photo.name} stored as image ${image.id} on ${image.from}–${image.to} ${image.imageType}`);
      }
    }
  }
  const known = new Set(photos.map((p) => p.sha256));
  for (const image of images.filter((i) => !known.has(i.sha256))) tally.stray.push(`image ${image.id} on ${image.from}–${image.to} ${image.imageType} holds bytes nobody queued${image.deleted ? ' (deleted)' : ''}`);
  if (holes > 1) tally.duplicated.push(`hole ${hole} created ${holes} times`);
  for (const [interval, count] of intervals) if (count > 1) tally.duplicated.push(`interval ${interval} of ${hole} created ${count} times`);
  return tally;
}
