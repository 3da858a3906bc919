/**
 * Sends one stored photo to Imago: the hole (collection) and interval (imagery, with its
 * attributes) are created first, then the file is streamed from the photo store. The upload
 * names that interval the way Imago's upload page documents (start/end depth, with the depths
 * Imago answered when the interval was written); `imageryId` is documented for downloads only,
 * so the reply's `imageryId` is checked against the interval written. The renderer's queue
 * decides what and when; this decides how, and makes a repeat harmless:
 * - the same job asked for while it runs joins the running upload (a reloaded window re-asks);
 * - a re-send first lists the interval's image metadata and, when Imago already holds these exact
 *   bytes (same SHA-256), answers with that image instead of uploading again (a lost response).
 * The stored file is hashed again before it is sent: its name is the SHA-256 taken at intake, and
 * bytes damaged on disk since (bit rot, a bad sector, an edit in the store) must not reach Imago
 * under the photo's name.
 */
import { CorelogError } from '../../../common/errors';
import type { AttributeValues, IntervalBase, IntervalTarget, UploadReceipt } from '../../../common/bridge/photo-contract';
import type { ImagoClient, ImageMetadata, ImageryInterval, UploadedIds } from '../imago/imago-client';
import { sameImagoId } from '../imago/imago-ids';
import { hashFile, type PhotoStore, type StoredPhoto } from '../images';
import { AcceptedUploads } from './accepted-uploads';
import { attributesOf, attributesToWrite, conflictingAttributes } from './interval-attributes';
import { withoutUndefinedAttributes, type DefinedAttributes } from '../../../common/photos/attribute-versions';

/**
 * A receipt's `imageId` when Imago took the photo (a 2xx) without naming the image and no listing
 * shows it yet. The photo counts as uploaded; its id is filled in when a listing shows the image.
 */
export const IMAGE_ID_NOT_KNOWN = '';

export interface UploadJob {
  jobId: string;
  sha256: string;
  target: IntervalTarget;
  imageTypeName: string;
  attributes: AttributeValues;
  /** Imago's version the attributes started from; given, a write over a changed copy is refused. */
  base?: IntervalBase | null | undefined;
  /** An earlier attempt may have reached Imago. */
  resend: boolean;
}

/** How an interval write is done. */
export interface IntervalWriteOptions {
  /** An interval this process already wrote with these exact attributes is not written again. */
  useKnown?: boolean;
  /**
   * Imago's version the attributes started from (null: never seen in Imago). Given (also null),
   * Imago's copy is read first and a changed one is not overwritten: `conflict`.
   */
  base?: IntervalBase | null | undefined;
}

export interface UploadExecutorOptions {
  client: () => ImagoClient;
  store: () => Promise<PhotoStore>;
  onProgress?: (jobId: string, sentBytes: number, totalBytes: number) => void;
  /**
   * `interactive` (default): the photos taken at the station, which go first. `background`: the
   * archive import, which starts a file only when no interactive upload runs or has just run.
   */
  priority?: 'interactive' | 'background';
  /** Default: the process-wide `uploadPriority`. */
  gate?: UploadPriorityGate;
  /** A bandwidth cap on the file's bytes (see `UploadOptions.pace`). */
  pace?: (bytes: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Lets the interactive queue go first on a link both share. Interactive uploads hold the gate
 * while they run; a background upload waits before it starts until none has run for `quietMs` (the
 * renderer's queue sends its photos one after another, with short gaps a background file must not
 * slip into). A background file already on its way finishes: at most one file stands before an
 * interactive photo, and a stalled stream would risk the server's own idle timeout.
 */
export class UploadPriorityGate {
  private running = 0;
  private lastEndedAt = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly quietMs = 1_500,
    private readonly now: () => number = Date.now,
  ) {}

  /** Marks an interactive upload as running; call the answer when it ends. */
  enter(): () => void {
    this.running++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.running--;
      this.lastEndedAt = this.now();
      this.wake();
    };
  }

  get interactiveRunning(): number {
    return this.running;
  }

  /** Resolves when no interactive upload runs and none ended within `quietMs`. */
  async clear(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new CorelogError('cancelled', 'The upload was paused.');
      const quietFor = this.now() - this.lastEndedAt;
      if (this.running === 0 && quietFor >= this.quietMs) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, this.running === 0 ? this.quietMs - quietFor : this.quietMs);
        this.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The gate every executor of this process shares unless told otherwise. */
export const uploadPriority = new UploadPriorityGate();

/** An interval as Imago stored it: its id, the depths it answered with, and its attributes then. */
export interface SavedInterval {
  id: string;
  startDepth: number;
  endDepth: number;
  attributes: AttributeValues;
  updatedAt: string | null;
}

/** What this process already made sure exists, per client (a new server address starts afresh). */
interface KnownRemote {
  holes: Set<string>;
  /** interval key + attributes → the interval Imago saved */
  intervals: Map<string, SavedInterval>;
}

export class PhotoUploadExecutor {
  private readonly running = new Map<string, { promise: Promise<UploadReceipt>; controller: AbortController }>();
  private readonly known = new WeakMap<ImagoClient, KnownRemote>();
  private readonly acceptedByRoot = new Map<string, AcceptedUploads>();

  constructor(private readonly options: UploadExecutorOptions) {}

  /** Uploads, or joins the upload of the same job already running. */
  upload(job: UploadJob): Promise<UploadReceipt> {
    const current = this.running.get(job.jobId);
    if (current) return current.promise;
    const controller = new AbortController();
    const gate = this.options.gate ?? uploadPriority;
    const promise =
      this.options.priority === 'background'
        ? gate.clear(controller.signal).then(() => this.send(job, controller.signal))
        : (() => {
            const leave = gate.enter();
            return this.send(job, controller.signal).finally(leave);
          })();
    void promise.finally(() => this.running.delete(job.jobId)).catch(() => undefined);
    this.running.set(job.jobId, { promise, controller });
    return promise;
  }

  /** Stops a running upload; false when it was not running. */
  cancel(jobId: string): boolean {
    const current = this.running.get(jobId);
    current?.controller.abort();
    return current !== undefined;
  }

  get activeJobs(): number {
    return this.running.size;
  }

  /** Creates the hole when missing and writes the interval with its attributes; returns its imagery id. */
  async saveInterval(target: IntervalTarget, attributes: AttributeValues, options: IntervalWriteOptions = {}): Promise<string> {
    return (await this.writeInterval(target, attributes, options)).id;
  }

  /** As `saveInterval`, answering the interval as Imago now holds it (the next edit's base). */
  async saveIntervalVersion(target: IntervalTarget, attributes: AttributeValues, options: IntervalWriteOptions = {}): Promise<SavedInterval> {
    return this.writeInterval(target, attributes, options);
  }

  private async writeInterval(target: IntervalTarget, attributes: AttributeValues, options: IntervalWriteOptions): Promise<SavedInterval> {
    const client = this.options.client();
    const known = this.knownFor(client);
    const holeKey = JSON.stringify([target.workspaceName, target.datasetName, target.collectionName]);
    const intervalKey = JSON.stringify([holeKey, target.imageryTypeName, target.from, target.to, attributes]);
    const cached = known.intervals.get(intervalKey);
    if (options.useKnown && cached) return cached;
    const holeRemembered = known.holes.has(holeKey);
    if (!holeRemembered) {
      // Looked up first, created when missing; "already exists" counts as done. Nothing of the
      // reply is needed, so no reply shape can stop the photo.
      await client.ensureCollection({ workspaceName: target.workspaceName, datasetName: target.datasetName, name: target.collectionName });
      known.holes.add(holeKey);
    }
    try {
      const interval = await this.writeOnHole(client, target, attributes, options);
      known.intervals.set(intervalKey, interval);
      return interval;
    } catch (error) {
      // The hole remembered from earlier may be gone from Imago (renamed or removed in the portal):
      // Imago then refuses the interval's names. Made sure of again once, not trusted until a restart.
      if (!holeRemembered || !(error instanceof CorelogError) || (error.kind !== 'rejected' && error.kind !== 'not-found')) throw error;
      known.holes.delete(holeKey);
      for (const key of known.intervals.keys()) if (key.startsWith(`[${JSON.stringify(holeKey)},`)) known.intervals.delete(key);
      return this.writeInterval(target, attributes, { ...options, useKnown: false });
    }
  }

  /** What the target's imagery type defines now, as Imago's context says (null when it names no definitions). */
  private async definedAttributes(client: ImagoClient, target: IntervalTarget): Promise<DefinedAttributes | null> {
    const context = await client.context();
    const type = context.workspaces
      .find((w) => w.name === target.workspaceName)
      ?.datasets.find((d) => d.name === target.datasetName)
      ?.imageryTypes.find((t) => t.name === target.imageryTypeName);
    if (!type || type.attributeDefinitions.length === 0) return null;
    return new Map(type.attributeDefinitions.map((d) => [d.name, new Set(d.attributeTypes.map((t) => t.name))]));
  }

  /** The interval write proper, on a hole known to exist (see `writeInterval`). */
  private async writeOnHole(client: ImagoClient, target: IntervalTarget, attributes: AttributeValues, options: IntervalWriteOptions): Promise<SavedInterval> {
    // Imago's copy as it is now: the start of what is written back, also without a base (a row
    // from an older version, a first upload): a server that replaces a whole attribute group
    // would otherwise lose every attribute of it this write does not name. Checked against the
    // base when there is one.
    const current = await this.currentInterval(client, target);
    const held = current ? attributesOf(current) : {};
    const changed = current && options.base !== undefined ? conflictingAttributes(held, options.base?.attributes ?? {}, attributes) : [];
    if (changed.length > 0) {
      throw new CorelogError(
        'conflict',
        `The interval ${target.collectionName} ${target.from}–${target.to} was changed in Imago since you edited it here (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}). Corelog did not overwrite it: choose which to keep on the Photos screen.`,
        { system: 'imago', retryable: false },
      );
    }
    const definitions = attributesToWrite(attributes, held);
    const save = (written: typeof definitions) =>
      client.saveImagery([{ ...intervalAt(target), ...(written.length > 0 ? { attributeDefinitions: written } : {}) }]);
    let saved: Awaited<ReturnType<typeof save>>[number] | undefined;
    try {
      [saved] = await save(definitions);
    } catch (error) {
      // Imago may hold values of attributes removed from the imagery type since, hand them out, and
      // refuse a write that names them: written back untouched, they would stop this interval's
      // every write and upload. Sent once more without them (never without what the user set).
      const refusedForm = error instanceof CorelogError && (error.status === 400 || error.status === 422);
      const defined = refusedForm ? await this.definedAttributes(client, target).catch(() => null) : null;
      const narrower = defined ? withoutUndefinedAttributes(definitions, defined, attributes) : null;
      if (!narrower) throw error;
      [saved] = await save(narrower.definitions);
    }
    // saveImagery reads the interval back when the reply does not carry it: none means Imago does not list it.
    if (!saved) throw new CorelogError('malformed-response', `Imago accepted the interval ${target.collectionName} ${target.from}–${target.to} m but does not list it afterwards.`, { system: 'imago', retryable: true });
    // Uploads name the interval by the depths Imago stored, which may be rounded from what was sent.
    return {
      id: saved.id,
      startDepth: saved.startDepth ?? target.from,
      endDepth: saved.endDepth ?? target.to,
      // A reply without attributes (the reply shape is not documented) leaves what was written as the next base.
      attributes: saved.attributeDefinitions.length > 0 ? attributesOf(saved) : { ...held, ...attributes },
      updatedAt: typeof saved.updatedAt === 'string' ? saved.updatedAt : null,
    };
  }

  /**
   * Imago's interval at the target's depths, or null. Asked by depths (documented parameters);
   * the answer is matched again here, so a server that ignores the filter is read right too.
   */
  private async currentInterval(client: ImagoClient, target: IntervalTarget): Promise<ImageryInterval | null> {
    const found = await client.listImagery({ ...intervalAt(target), includeFeatures: false });
    const near = (a: number | null, b: number) => a !== null && Math.abs(a - b) < 1e-6;
    return found.find((i) => (i.imageryTypeName ?? target.imageryTypeName) === target.imageryTypeName && near(i.startDepth, target.from) && near(i.endDepth, target.to)) ?? null;
  }

  private async send(job: UploadJob, signal: AbortSignal): Promise<UploadReceipt> {
    const store = await this.options.store();
    const stored = await store.find(job.sha256);
    if (!stored) {
      throw new CorelogError('not-found', 'This photo is no longer in Corelog’s photo store on this computer; add it again.', { retryable: false });
    }
    // Once per send, however many attempts it takes; only when bytes are about to leave.
    let verified: Promise<void> | null = null;
    const accepted = this.acceptedIn(store);
    const attempt = async (useKnown: boolean): Promise<UploadReceipt> => {
      const interval = await this.writeInterval(job.target, job.attributes, { useKnown, ...(job.base !== undefined ? { base: job.base } : {}) });
      const client = this.options.client();
      const written = { attributes: interval.attributes, updatedAt: interval.updatedAt };
      if (job.resend) {
        // Imago took these bytes for this slot earlier without naming the image: the 2xx was its
        // word, so the photo is not sent again, whatever a listing shows (a server that ignores
        // the filters, a hole of more than a page, a lag) or whether it answers at all.
        const tookIt = (await accepted.acceptedAt(job)) !== null;
        const existing = await this.findSameImage(client, job, interval.id, stored.bytes).catch((error: unknown) => {
          if (tookIt && error instanceof CorelogError) return null;
          throw error;
        });
        if (existing) {
          if (tookIt) await accepted.forget(job).catch(() => undefined);
          return { imageId: existing.id, imageryId: interval.id, alreadyThere: true, ...written };
        }
        if (tookIt) return { imageId: IMAGE_ID_NOT_KNOWN, imageryId: interval.id, alreadyThere: true, ...written };
      } else {
        // A first send of these bytes to this slot (the photo queued again on purpose, e.g. after it
        // was removed in Imago): an earlier acceptance must not stop its own re-sends later.
        await accepted.forget(job).catch(() => undefined);
      }
      if (signal.aborted) throw new CorelogError('cancelled', 'The upload was paused.', { system: 'imago' });
      verified ??= verifyStoredCopy(store, stored, job);
      await verified;
      if (signal.aborted) throw new CorelogError('cancelled', 'The upload was paused.', { system: 'imago' });
      const reply = await this.sendOrFindHeld(client, job, interval.id, stored.bytes, () => client.uploadImage(
        {
          workspaceName: job.target.workspaceName,
          datasetName: job.target.datasetName,
          collectionName: job.target.collectionName,
          imageryTypeName: job.target.imageryTypeName,
          imageTypeName: job.imageTypeName,
          startDepth: interval.startDepth,
          endDepth: interval.endDepth,
          // Sent only where the client's options say this server binds uploads by id.
          imageryId: interval.id,
        },
        stored.path,
        {
          contentType: stored.mimeType,
          signal,
          onProgress: (sent, total) => this.options.onProgress?.(job.jobId, sent, total),
          ...(this.options.pace ? { pace: (bytes: number) => this.options.pace!(bytes, signal) } : {}),
        },
      ));
      if ('held' in reply) return { imageId: reply.held.id, imageryId: interval.id, alreadyThere: true, ...written };
      const ids = await this.confirmedIds(client, job, interval.id, reply, stored.bytes, accepted);
      if (!sameImagoId(ids.imageryId, interval.id)) await this.confirmBinding(job, ids.imageryId);
      return { ...ids, alreadyThere: false, ...written };
    };
    try {
      return await attempt(true);
    } catch (error) {
      // The interval remembered from earlier may have been removed in Imago meanwhile: write it again once.
      if (error instanceof CorelogError && error.kind === 'not-found') {
        this.known.delete(this.options.client());
        return attempt(false);
      }
      throw error;
    }
  }

  /**
   * Sends the upload. Imago documents that an upload replaces the interval's image of that type;
   * a server that answers 409 instead (the image type is taken) is asked what it holds there:
   * these very bytes (an earlier send whose reply was lost) is done (`{held}`); another photo is a
   * conflict for the user, said plainly and not retried.
   */
  private async sendOrFindHeld(client: ImagoClient, job: UploadJob, imageryId: string, bytes: number, send: () => Promise<UploadedIds>): Promise<UploadedIds | { held: ImageMetadata }> {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof CorelogError) || error.status !== 409) throw error;
      const held = await this.findSameImage(client, job, imageryId, bytes).catch(() => null);
      if (held) return { held };
      const where = `${job.target.collectionName} ${job.target.from}–${job.target.to} m`;
      throw new CorelogError(
        'conflict',
        `Imago already holds a ${job.imageTypeName} photo for ${where} and would not replace it with this one (${error.message}). Corelog will not send it again: remove that photo in Imago (or bind this one to another image type), then retry.`,
        { system: 'imago', status: 409, retryable: false, cause: error },
      );
    }
  }

  /**
   * The upload landed on another interval than the one remembered. The usual reason: the
   * interval was removed in Imago since, and the upload created it again by its depths. Writing
   * the interval (and its attributes) again must then name the interval the photo is on; when it
   * does not, the photo sits somewhere unexpected and the user has to look.
   */
  private async confirmBinding(job: UploadJob, uploadedTo: string): Promise<void> {
    this.known.delete(this.options.client());
    // No base here: the interval was just re-created by the upload from nothing of anyone's.
    const rewritten = await this.writeInterval(job.target, job.attributes, { useKnown: false });
    if (sameImagoId(rewritten.id, uploadedTo)) return;
    const where = `${job.target.collectionName} ${job.target.from}–${job.target.to} m`;
    throw new CorelogError(
      'conflict',
      `Imago put the ${job.imageTypeName} photo of ${where} on another interval (${uploadedTo}) than the one it holds for those depths (${rewritten.id}). Check the hole in Imago; Corelog will not send the photo again.`,
      { system: 'imago', retryable: false },
    );
  }

  /**
   * The ids of the image just taken. A reply that names both is taken at its word; one that lacks
   * either (204, an empty 200, `{imageId}` only) is completed by looking the image up on the
   * interval. A 2xx is Imago saying it took the photo, so a look-up that does not find it (or
   * fails) never makes it a failure: that would send the whole file again on every retry. The id
   * is then `IMAGE_ID_NOT_KNOWN` (the renderer fills it in when a listing shows the image), and
   * the acceptance is recorded so that a re-send after a lost receipt does not upload it again.
   */
  private async confirmedIds(
    client: ImagoClient,
    job: UploadJob,
    imageryId: string,
    reply: UploadedIds,
    bytes: number,
    accepted: AcceptedUploads,
  ): Promise<{ imageId: string; imageryId: string }> {
    if (reply.imageId !== undefined && reply.imageryId !== undefined) return { imageId: reply.imageId, imageryId: reply.imageryId };
    const onTo = reply.imageryId ?? imageryId;
    let taken: ImageMetadata | null = null;
    try {
      const page = await client.listImageMetadata({
        workspaceName: job.target.workspaceName,
        datasetName: job.target.datasetName,
        collectionName: job.target.collectionName,
        imageryId: onTo,
        imageTypeName: job.imageTypeName,
      });
      const onInterval = page.images.filter((image) => holdsSlot(image, onTo, job.imageTypeName));
      taken =
        (reply.imageId !== undefined ? onInterval.find((image) => sameImagoId(image.id, reply.imageId)) : undefined) ??
        onInterval.find((image) => sameBytes(image, job.sha256, bytes)) ??
        null;
    } catch (error) {
      // Cancelled by the user after the photo was taken: still taken.
      if (!(error instanceof CorelogError)) throw error;
    }
    if (taken) return { imageId: taken.id, imageryId: taken.imageryId };
    // An id the reply did name is Imago's word too (only the interval was missing from it).
    if (reply.imageId !== undefined) return { imageId: reply.imageId, imageryId: onTo };
    // Written before the receipt goes back; a record that cannot be written (a full disk) only
    // risks one more send after a crash, never a lost photo.
    await accepted.record(job).catch(() => undefined);
    return { imageId: IMAGE_ID_NOT_KNOWN, imageryId: onTo };
  }

  /** The record of id-less acceptances kept beside this store's files (one per store). */
  private acceptedIn(store: PhotoStore): AcceptedUploads {
    let found = this.acceptedByRoot.get(store.root);
    if (!found) this.acceptedByRoot.set(store.root, (found = new AcceptedUploads(store.root)));
    return found;
  }

  /** Imago's current image of this type on the interval, when it holds exactly these bytes. */
  private async findSameImage(client: ImagoClient, job: UploadJob, imageryId: string, bytes: number): Promise<ImageMetadata | null> {
    const page = await client.listImageMetadata({
      workspaceName: job.target.workspaceName,
      datasetName: job.target.datasetName,
      collectionName: job.target.collectionName,
      imageryId,
      imageTypeName: job.imageTypeName,
    });
    // Only this interval's current image of this type counts: these bytes elsewhere (another
    // interval, the other image type, a deleted copy) leave this photo still to be sent.
    return page.images.find((image) => holdsSlot(image, imageryId, job.imageTypeName) && sameBytes(image, job.sha256, bytes)) ?? null;
  }

  private knownFor(client: ImagoClient): KnownRemote {
    let known = this.known.get(client);
    if (!known) this.known.set(client, (known = { holes: new Set(), intervals: new Map() }));
    return known;
  }
}

/**
 * Whether an image listed by `/image-metadata` is the current one of this interval and image type.
 * Matched here, not trusted to the query: the filters' names are guesses (reference §13), and a
 * server that does not know them answers with every image of the hole, or of the account.
 */
/** The interval a target names, as Imago's imagery calls name one (by its hole's names and its depths). */
function intervalAt(target: IntervalTarget) {
  return {
    workspaceName: target.workspaceName,
    datasetName: target.datasetName,
    collectionName: target.collectionName,
    imageryTypeName: target.imageryTypeName,
    startDepth: target.from,
    endDepth: target.to,
  };
}

function holdsSlot(image: ImageMetadata, imageryId: string, imageTypeName: string): boolean {
  return sameImagoId(image.imageryId, imageryId) && (image.imageTypeName ?? imageTypeName) === imageTypeName && image.deleted !== true;
}

/**
 * Hashes the stored original again and refuses to send it when the bytes no longer match the
 * SHA-256 they were stored under at intake (the file's name). Hashed before sending rather than
 * while: the http layer streams the file by path, and a check at the end of the stream would
 * already have handed the damaged bytes to Imago. The read costs one pass over a file the upload
 * then reads again from the page cache; SHA-256 runs at hundreds of MB/s, far above any uplink.
 *
 * The damaged copy is set aside (`….damaged-<time>`, never sent) so that taking the photo in again
 * stores a sound copy under the same name instead of finding the damaged one "already stored";
 * the store deletes it once that happens (`PhotoStore.sweepDamaged`).
 */
async function verifyStoredCopy(store: PhotoStore, stored: StoredPhoto, job: UploadJob): Promise<void> {
  let actual: string;
  try {
    actual = await hashFile(stored.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CorelogError('internal', `Corelog could not read its stored copy of this photo (${code}); nothing was sent to Imago. Take the photo in again from the card.`, { retryable: false, cause: error });
  }
  if (actual === job.sha256) return;
  await store.setAsideDamaged(stored).catch(() => undefined);
  const where = `${job.target.collectionName} ${job.target.from}–${job.target.to} m`;
  throw new CorelogError(
    'validation',
    `The stored copy of the ${job.imageTypeName} photo of ${where} is damaged on this computer (its bytes changed since it was taken in); Corelog did not send it to Imago. Take the photo in again from the card (or the archive it came from), then retry this upload.`,
    { retryable: false },
  );
}

/**
 * Whether Imago's image is these bytes. Its checksum's algorithm is not documented: a SHA-256
 * (bare or `sha256:`-prefixed) is compared; without one, or with another kind (an MD5), the size on
 * this interval and image type is what there is to go on (as before: a lost reply must not upload
 * the photo twice).
 */
function sameBytes(image: ImageMetadata, sha256: string, bytes: number): boolean {
  const checksum = image.checksum?.trim().toLowerCase().replace(/^sha-?256[:=]/, '') ?? '';
  if (/^[0-9a-f]{64}$/.test(checksum)) return checksum === sha256;
  return image.size === bytes;
}
