/**
 * Whether this window still needs an original's file: the rule the sweep applies to the photo
 * records holding one original's bytes. Pure, so it is tested in Node.
 */
import type { OutboxItem, TrayPhoto } from '../photos/photos-db';

/** True when these records (all that hold one original's bytes) no longer need the file. */
export function mayRelease(records: readonly Pick<TrayPhoto, 'id' | 'state' | 'remoteImageId'>[], outbox: readonly Pick<OutboxItem, 'photoId'>[]): boolean {
  if (records.length === 0) return false;
  if (!records.every((r) => r.state === 'uploaded' && Boolean(r.remoteImageId))) return false;
  const ids = new Set(records.map((r) => r.id));
  return !outbox.some((item) => item.photoId !== null && ids.has(item.photoId));
}
