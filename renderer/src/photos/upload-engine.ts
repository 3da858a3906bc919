/**
 * Works through the photo outbox: holes, interval writes and uploads, two at a time. The outbox
 * lives in IndexedDB, so a reload or restart carries on where it stopped (an item caught mid-send
 * is sent again with `resend`, which makes main check Imago before uploading). Problems of the
 * path to Imago (offline, timeout, server errors, a reply that is not Imago's, a session that
 * ended) are never parked: the item backs off, at most a minute (the schedule is stored with the
 * item); a network failure, and a server asking to slow down (429, 503) with or without saying
 * for how long, also holds the whole queue for a growing while, so an offline laptop or a
 * rate-limited station does not try every photo in turn. Imago seen reachable or signed in again ends every wait, and
 * Imago taking one item shortens the others' waits to seconds. Only refusals of the item
 * stop it with the server's reason until the user retries ("Retry now" included). A failure that
 * keeps repeating is shown as needing attention while it is still retried. The queue is held
 * while Imago needs the user to sign in. Only the window holding the engine lock runs it.
 */
import { liveQuery, type Subscription } from 'dexie';
import type { AttributeValues, SavedIntervalReply, UploadReceipt } from '../../../common/bridge/photo-contract';
import type { BridgeError } from '../../../common/errors';
import type { Result } from '../../../common/result';
import { extendStreak, retryDelayAfter, retryDelayMs, retryPolicyAfter, serverAskedWaitMs, SUCCESS_WAKE_MS, waitsForRetry, wakesOnOthersSuccess } from '../../../common/retry-policy';
import { bridge } from '../bridge/bridge';
import { needsUserToSignIn, onSystemStatus, RegainWatch, systemStatus } from '../sync/system-status';
import { getSetting, photosDb, putSetting, type OutboxItem } from './photos-db';
import { reportLocalWriteFailure } from '../storage/storage-health';

export const UPLOAD_CONCURRENCY = 2;
/**
 * How long the queue waits after this computer's storage refused a write (a full disk) before it
 * tries again by itself; the window's banner says why meanwhile.
 */
const LOCAL_WRITE_WAIT_MS = 5_000;
const PAUSED_KEY = 'uploadsPaused';
export const LAST_UPLOAD_KEY = 'lastUploadAt';

export interface RunningUpload {
  outboxId: string;
  label: string;
  sentBytes: number;
  totalBytes: number;
}

export interface EngineSnapshot {
  active: boolean;
  paused: boolean;
  /** Why nothing is sent although the queue is not paused (Imago needs the user to sign in). */
  heldReason: string | null;
  running: RunningUpload[];
  /** Since the queue was last empty: what finished, and when the batch started. */
  batch: { doneCount: number; doneBytes: number; startedAt: number | null };
}

const SIGN_IN_NEEDED = 'Sign in to Imago (Connections, Alt+2) to send the photos.';

/** Failures after which every other upload would fail the same way: the whole queue pauses. */
const PAUSING_KINDS: ReadonlySet<BridgeError['kind']> = new Set(['offline', 'timeout']);

/**
 * A server asking to be sent less: 429, or 503 (overloaded). It means every upload, not this one,
 * also when it does not say for how long: the queue pauses and backs off as a whole, instead of
 * trying each of hundreds of photos in turn against a server that is refusing them.
 */
function asksToSlowDown(error: BridgeError): boolean {
  return error.kind === 'rate-limited' || error.status === 503;
}

/**
 * The longest queue pause for a slow-down that names no wait. A server refusing for load still
 * answers, so nothing says "reachable again" to end the pause early (as it does after a lost link):
 * grown to the minute of a lost link, it left the queue idle for up to a minute after a flaky link
 * had calmed (measured 59 s in the soak).
 */
const SLOW_DOWN_PAUSE_MAX_MS = 10_000;

export class PhotoUploadEngine {
  private active = false;
  private paused = false;
  private heldReason: string | null = null;
  private readonly running = new Map<string, RunningUpload>();
  private batch: EngineSnapshot['batch'] = { doneCount: 0, doneBytes: 0, startedAt: null };
  private snapshot: EngineSnapshot = this.makeSnapshot();
  private readonly listeners = new Set<() => void>();
  private cleanup: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private kicking = false;
  private kickAgain = false;
  /** The queue holds off until then after a network failure (a lost link fails every upload alike). */
  private pausedUntil = 0;
  /** Network pauses in a row: the pause grows with them, up to the retry cap. */
  private pauses = 0;
  /** When Imago last took an item (epoch ms), for the flaky-link backoff. */
  private lastTakenAt = 0;

  constructor(private readonly concurrency = UPLOAD_CONCURRENCY) {}

  /** Starts working (this window holds the engine lock). */
  start(): void {
    if (this.active) return;
    this.active = true;
    const regain = new RegainWatch(systemStatus('imago'));
    this.heldReason = needsUserToSignIn(systemStatus('imago')) ? SIGN_IN_NEEDED : null;
    const subscriptions: Subscription[] = [
      // Pause set in any window applies here; a new item queued anywhere wakes the engine.
      liveQuery(() => getSetting(PAUSED_KEY, false)).subscribe((paused) => this.applyPaused(paused)),
      liveQuery(() => photosDb.outbox.where('state').equals('pending').count()).subscribe(() => void this.kick()),
      // Photos Imago took without naming them get their id once a listing of their interval shows it.
      liveQuery(findAdoptableImageIds).subscribe((found) => void adoptImageIds(found)),
    ];
    this.cleanup = [
      () => subscriptions.forEach((s) => s.unsubscribe()),
      bridge.on('photoUploadProgress', ({ jobId, sentBytes, totalBytes }) => {
        const run = this.running.get(jobId);
        if (!run) return;
        run.sentBytes = sentBytes;
        run.totalBytes = totalBytes;
        this.changed();
      }),
      onSystemStatus('imago', () => {
        const status = systemStatus('imago');
        const held = needsUserToSignIn(status) ? SIGN_IN_NEEDED : null;
        if (held !== this.heldReason) {
          this.heldReason = held;
          this.changed();
        }
        // Imago is back (or signed in again): what was waiting goes now rather than at its backed-off time.
        if (regain.update(status)) void this.endWaits();
        else if (!held) void this.kick();
      }),
    ];
    this.changed();
    void this.kick();
  }

  /** Stops picking new work (uploads already running finish on their own). */
  stop(): void {
    this.active = false;
    for (const dispose of this.cleanup) dispose();
    this.cleanup = [];
    if (this.timer) clearTimeout(this.timer);
    this.changed();
  }

  async pause(): Promise<void> {
    // Take effect at once; uploads must not keep starting while the setting is being written.
    this.applyPaused(true);
    await putSetting(PAUSED_KEY, true);
  }

  async resume(): Promise<void> {
    await putSetting(PAUSED_KEY, false);
    this.applyPaused(false);
  }

  /** "Retry now": everything that waits is sent now, failed items included. */
  async retryNow(): Promise<void> {
    await this.retryAllFailed();
    await this.endWaits();
  }

  /** Every item backing off goes now (the path to Imago is usable again); failed items stay for the user. */
  private async endWaits(): Promise<void> {
    this.pausedUntil = 0;
    await photosDb.outbox.where('state').equals('pending').modify({ nextAttemptAt: 0 });
    void this.kick();
  }

  /** A failed item is tried again (failed items never are by themselves). */
  async retryItem(id: string): Promise<void> {
    await photosDb.transaction('rw', photosDb.outbox, photosDb.photos, async () => {
      const item = await photosDb.outbox.get(id);
      if (!item || item.state !== 'failed') return;
      await photosDb.outbox.update(id, { state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null });
      if (item.photoId) await photosDb.photos.update(item.photoId, { state: 'queued', lastError: null });
    });
    void this.kick();
  }

  async retryAllFailed(): Promise<void> {
    await photosDb.transaction('rw', photosDb.outbox, photosDb.photos, async () => {
      for (const item of await photosDb.outbox.where('state').equals('failed').toArray()) {
        await photosDb.outbox.update(item.id, { state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null });
        if (item.photoId) await photosDb.photos.update(item.photoId, { state: 'queued', lastError: null });
      }
    });
    void this.kick();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): EngineSnapshot => this.snapshot;

  private applyPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) for (const id of this.running.keys()) void bridge.cancelPhotoUpload({ jobId: id });
    this.changed();
    if (!paused) void this.kick();
  }

  private async kick(): Promise<void> {
    if (!this.active || this.paused || this.heldReason) return;
    if (this.kicking) {
      this.kickAgain = true;
      return;
    }
    this.kicking = true;
    try {
      do {
        this.kickAgain = false;
        const now = Date.now();
        const waiting = await photosDb.outbox.where('state').anyOf('pending', 'sending').sortBy('createdAt');
        if (waiting.length === 0 && this.running.size === 0) this.batch = { doneCount: 0, doneBytes: 0, startedAt: null };
        // Holes and intervals first: they are small and uploads need them anyway.
        const due = waiting.filter((item) => !this.running.has(item.id) && item.nextAttemptAt <= now).sort((a, b) => Number(a.kind === 'upload') - Number(b.kind === 'upload'));
        for (const item of due) {
          if (this.running.size >= this.concurrency || this.paused || this.heldReason || !this.active || now < this.pausedUntil) break;
          void this.run(item);
        }
        const later = waiting.filter((item) => item.nextAttemptAt > now).map((item) => item.nextAttemptAt);
        const next = Math.min(...later, due.length > 0 && now < this.pausedUntil ? this.pausedUntil : Infinity);
        if (this.timer) clearTimeout(this.timer);
        this.timer = Number.isFinite(next) ? setTimeout(() => void this.kick(), Math.min(next - now + 50, 2 ** 31 - 1)) : null;
      } while (this.kickAgain);
    } finally {
      this.kicking = false;
    }
  }

  private async run(item: OutboxItem): Promise<void> {
    // Registered before the first await, so a pause that comes meanwhile can cancel it.
    const progress = { outboxId: item.id, label: item.label, sentBytes: 0, totalBytes: 0 };
    this.running.set(item.id, progress);
    const photo = item.photoId ? await photosDb.photos.get(item.photoId) : undefined;
    progress.totalBytes = photo?.bytes ?? 0;
    this.batch.startedAt ??= Date.now();
    this.changed();
    try {
      // Marked before sending: if this window dies mid-upload, the next attempt checks Imago first.
      await photosDb.outbox.update(item.id, { state: 'sending', maybeSent: item.maybeSent || item.kind === 'upload' });
      const result = await this.perform(item);
      if (result === null) await photosDb.outbox.delete(item.id);
      else if (result.ok) await this.succeeded(item, result.value);
      else await this.failed(item, result.error);
    } catch (error) {
      // This computer's storage refused a write (perhaps after Imago took the photo): no failure of
      // the item, and nothing more can be written about it. It stays as it is (marked maybe-sent,
      // so the next try checks Imago before uploading) and the whole queue waits a few seconds;
      // without the wait it was started again at once, looking the photo up on Imago in a loop.
      if (reportLocalWriteFailure(error)) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + LOCAL_WRITE_WAIT_MS);
      else await this.failed(item, { kind: 'internal', message: error instanceof Error ? error.message : String(error), retryable: false });
    } finally {
      this.running.delete(item.id);
      this.changed();
      void this.kick();
    }
  }

  /** Sends one item; null when what it referred to is gone (nothing to do). */
  private async perform(item: OutboxItem): Promise<Result<UploadReceipt | SavedIntervalReply | { id?: string }> | null> {
    const hole = await photosDb.holes.get(item.holeId);
    if (!hole) return null;
    const where = { workspaceName: hole.workspaceName, datasetName: hole.datasetName, collectionName: hole.name };
    if (item.kind === 'hole') return bridge.createHole(where);
    const interval = item.intervalId ? await photosDb.intervals.get(item.intervalId) : undefined;
    if (!interval) return null;
    const target = { ...where, imageryTypeName: interval.imageryTypeName, from: interval.from, to: interval.to };
    // The base lets main refuse to overwrite an edit made in Imago meanwhile (rows from before it have none).
    const base = interval.base === undefined ? {} : { base: interval.base };
    if (item.kind === 'interval') return bridge.saveInterval({ target, attributes: interval.attributes, ...base });
    const photo = item.photoId ? await photosDb.photos.get(item.photoId) : undefined;
    if (!photo) return null;
    if (this.paused || !this.active) return { ok: false, error: { kind: 'cancelled', message: 'Uploads are paused.', retryable: true } };
    // A photo carries the interval's values only while a local edit of them waits (its own write
    // checks them too); otherwise this computer's copy may be older than Imago's and must not be written over it.
    const edited = (await photosDb.outbox.where('intervalId').equals(interval.id).filter((o) => o.kind === 'interval').count()) > 0;
    const attributes = edited || interval.base === undefined ? interval.attributes : {};
    return bridge.uploadPhoto({ jobId: item.id, sha256: photo.sha256, target, imageTypeName: photo.binding.imageTypeName, attributes, ...base, resend: item.maybeSent });
  }

  private async succeeded(item: OutboxItem, value: Partial<UploadReceipt> & { id?: string; attributes?: AttributeValues | null; updatedAt?: string | null }): Promise<void> {
    const now = new Date().toISOString();
    await photosDb.transaction('rw', [photosDb.outbox, photosDb.photos, photosDb.intervals, photosDb.holes, photosDb.settings], async () => {
      await photosDb.outbox.delete(item.id);
      if (item.kind === 'hole' && value.id) await photosDb.holes.update(item.holeId, { remoteId: value.id });
      // What Imago now holds is the base of the next edit (conflict check before the next write).
      if (item.intervalId && value.imageryId) await photosDb.intervals.update(item.intervalId, { remoteId: value.imageryId, ...(value.attributes ? { base: { attributes: value.attributes, updatedAt: value.updatedAt ?? null } } : {}) });
      // An upload Imago took without naming the image (imageId '') is uploaded all the same: it is
      // not sent again. Its id stays null until a listing of the interval shows it (adoptFoundImageIds).
      if (item.kind === 'upload' && item.photoId) {
        const photo = await photosDb.photos.get(item.photoId);
        await photosDb.photos.update(item.photoId, { state: 'uploaded', remoteImageId: value.imageId || null, uploadedAt: now, lastError: null });
        if (!value.imageId) await photosDb.settings.put({ key: AWAITING_IMAGE_ID_KEY, value: [...new Set([...(await getSetting<string[]>(AWAITING_IMAGE_ID_KEY, [])), item.photoId])] });
        const interval = item.intervalId ? await photosDb.intervals.get(item.intervalId) : undefined;
        if (interval && photo) {
          // The image this one replaced in Imago is gone from the interval either way; without an
          // id, the one a later listing shows of this type is this photo's (findAdoptableImageIds).
          const others = interval.remoteImages.filter((i) => i.imageTypeName !== photo.binding.imageTypeName);
          const mine = value.imageId ? [{ id: value.imageId, imageTypeName: photo.binding.imageTypeName, width: photo.width, height: photo.height }] : [];
          await photosDb.intervals.update(interval.id, { remoteImages: [...others, ...mine] });
        }
        this.batch.doneCount++;
        this.batch.doneBytes += photo?.bytes ?? 0;
      }
      await photosDb.settings.put({ key: LAST_UPLOAD_KEY, value: now });
    });
    // Imago took this one: the link works, and items held back by a passing path failure wait a
    // few seconds more at most.
    this.pauses = 0;
    this.pausedUntil = 0;
    this.lastTakenAt = Date.now();
    const cap = Date.now() + SUCCESS_WAKE_MS;
    await photosDb.outbox
      .where('state')
      .equals('pending')
      .filter((other) => other.nextAttemptAt > cap && wakesOnOthersSuccess(other.lastError))
      .modify({ nextAttemptAt: cap });
  }

  private async failed(item: OutboxItem, error: BridgeError): Promise<void> {
    if (error.kind === 'cancelled') {
      await photosDb.outbox.update(item.id, { state: 'pending', nextAttemptAt: 0 });
      return;
    }
    const attempts = item.attempts + 1;
    const failures = extendStreak(item.failures, error, Date.now());
    if (waitsForRetry(error) && (PAUSING_KINDS.has(error.kind) || asksToSlowDown(error))) {
      // The pause is about the link, so it backs off on its own; Imago seen reachable again ends it.
      // Uploads in flight when the link went all fail together: that is one pause, not several.
      if (Date.now() >= this.pausedUntil) {
        this.pauses += 1;
        const wait = retryDelayMs(this.pauses);
        this.pausedUntil = Date.now() + (PAUSING_KINDS.has(error.kind) ? wait : Math.min(wait, SLOW_DOWN_PAUSE_MAX_MS));
      }
    }
    // A server that said how long to leave it alone (429/503 with Retry-After) means every upload.
    if (waitsForRetry(error) && serverAskedWaitMs(error) > 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + serverAskedWaitMs(error));
    if (waitsForRetry(error)) {
      const delay = retryDelayAfter(attempts, error, retryPolicyAfter(error, this.lastTakenAt, Date.now()));
      await photosDb.outbox.update(item.id, { state: 'pending', attempts, nextAttemptAt: Date.now() + delay, lastError: error, failures });
      return;
    }
    await photosDb.transaction('rw', photosDb.outbox, photosDb.photos, async () => {
      await photosDb.outbox.update(item.id, { state: 'failed', attempts, lastError: error, failures });
      if (item.photoId) await photosDb.photos.update(item.photoId, { state: 'failed', lastError: error });
    });
  }

  private changed(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) listener();
  }

  private makeSnapshot(): EngineSnapshot {
    return { active: this.active, paused: this.paused, heldReason: this.heldReason ?? null, running: [...(this.running?.values() ?? [])].map((r) => ({ ...r })), batch: { ...this.batch } };
  }
}

export const photoUploadEngine = new PhotoUploadEngine();

/** An uploaded photo whose image id was not known and the id its interval's listing now shows. */
export interface AdoptableImageId {
  photoId: string;
  /** null: the photo no longer waits for an id (gone, or its id known another way). */
  imageId: string | null;
}

/**
 * Photos Imago took without naming the image, by id: the few the id is looked for, so that this
 * look (run again on every change of the photos) never reads a station's thousands of uploaded
 * photos and their thumbnails.
 */
const AWAITING_IMAGE_ID_KEY = 'photos-awaiting-image-id';

/**
 * Uploaded photos without an image id (Imago took them without naming the image) whose interval,
 * as last read from Imago, holds an image of their type that no other photo here claims. Imago
 * keeps one current image per interval and image type, and this photo was the last one sent there.
 * A photo no longer waiting (gone, or its id known) is answered with a null id: it leaves the list.
 */
export async function findAdoptableImageIds(): Promise<AdoptableImageId[]> {
  const ids = await getSetting<string[]>(AWAITING_IMAGE_ID_KEY, []);
  if (ids.length === 0) return [];
  const photos = await photosDb.photos.bulkGet(ids);
  const found: AdoptableImageId[] = [];
  for (const [i, photo] of photos.entries()) {
    if (!photo || photo.state !== 'uploaded' || photo.remoteImageId || !photo.intervalId) {
      found.push({ photoId: ids[i]!, imageId: null });
      continue;
    }
    const interval = await photosDb.intervals.get(photo.intervalId);
    const image = interval?.remoteImages.find((r) => r.imageTypeName === photo.binding.imageTypeName);
    if (!image) continue;
    const claimed = await photosDb.photos.where('intervalId').equals(photo.intervalId).filter((p) => p.remoteImageId === image.id).count();
    if (claimed === 0) found.push({ photoId: photo.id, imageId: image.id });
  }
  return found;
}

/** Writes the ids found (each only while the photo still has none), and takes them off the waiting list. */
export async function adoptImageIds(found: readonly AdoptableImageId[]): Promise<void> {
  if (found.length === 0) return;
  await photosDb.transaction('rw', photosDb.photos, photosDb.settings, async () => {
    for (const { photoId, imageId } of found) {
      const photo = await photosDb.photos.get(photoId);
      if (imageId && photo && photo.state === 'uploaded' && !photo.remoteImageId) await photosDb.photos.update(photoId, { remoteImageId: imageId });
    }
    const settled = new Set(found.map((f) => f.photoId));
    const waiting = (await getSetting<string[]>(AWAITING_IMAGE_ID_KEY, [])).filter((id) => !settled.has(id));
    await photosDb.settings.put({ key: AWAITING_IMAGE_ID_KEY, value: waiting });
  });
}
