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
 */
import { CorelogError } from '../../../common/errors';
import type { AttributeValues, IntervalTarget, UploadReceipt } from '../../../common/bridge/photo-contract';
import type { ImagoClient, ImageMetadata } from '../imago/imago-client';
import type { PhotoStore } from '../images';

export interface UploadJob {
  jobId: string;
  sha256: string;
  target: IntervalTarget;
  imageTypeName: string;
  attributes: AttributeValues;
  /** An earlier attempt may have reached Imago. */
  resend: boolean;
}

export interface UploadExecutorOptions {
  client: () => ImagoClient;
  store: () => Promise<PhotoStore>;
  onProgress?: (jobId: string, sentBytes: number, totalBytes: number) => void;
}

/** An interval as Imago stored it: its id and the depths it answered with. */
interface SavedInterval {
  id: string;
  startDepth: number;
  endDepth: number;
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

  constructor(private readonly options: UploadExecutorOptions) {}

  /** Uploads, or joins the upload of the same job already running. */
  upload(job: UploadJob): Promise<UploadReceipt> {
    const current = this.running.get(job.jobId);
    if (current) return current.promise;
    const controller = new AbortController();
    const promise = this.send(job, controller.signal).finally(() => this.running.delete(job.jobId));
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
  async saveInterval(target: IntervalTarget, attributes: AttributeValues, options: { useKnown?: boolean } = {}): Promise<string> {
    return (await this.writeInterval(target, attributes, options)).id;
  }

  private async writeInterval(target: IntervalTarget, attributes: AttributeValues, options: { useKnown?: boolean }): Promise<SavedInterval> {
    const client = this.options.client();
    const known = this.knownFor(client);
    const holeKey = JSON.stringify([target.workspaceName, target.datasetName, target.collectionName]);
    const intervalKey = JSON.stringify([holeKey, target.imageryTypeName, target.from, target.to, attributes]);
    const cached = known.intervals.get(intervalKey);
    if (options.useKnown && cached) return cached;
    if (!known.holes.has(holeKey)) {
      // Idempotent on Imago's side: an existing hole is answered as it is.
      await client.createCollection({ workspaceName: target.workspaceName, datasetName: target.datasetName, name: target.collectionName });
      known.holes.add(holeKey);
    }
    const definitions = Object.entries(attributes)
      .map(([name, values]) => ({ name, attributes: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== '')) }))
      .filter((d) => Object.keys(d.attributes).length > 0);
    const [saved] = await client.saveImagery([
      {
        workspaceName: target.workspaceName,
        datasetName: target.datasetName,
        collectionName: target.collectionName,
        imageryTypeName: target.imageryTypeName,
        startDepth: target.from,
        endDepth: target.to,
        ...(definitions.length > 0 ? { attributeDefinitions: definitions } : {}),
      },
    ]);
    if (!saved) throw new CorelogError('malformed-response', 'Imago did not answer with the saved interval.', { system: 'imago', retryable: true });
    // Uploads name the interval by the depths Imago stored, which may be rounded from what was sent.
    const interval = { id: saved.id, startDepth: saved.startDepth ?? target.from, endDepth: saved.endDepth ?? target.to };
    known.intervals.set(intervalKey, interval);
    return interval;
  }

  private async send(job: UploadJob, signal: AbortSignal): Promise<UploadReceipt> {
    const stored = await (await this.options.store()).find(job.sha256);
    if (!stored) {
      throw new CorelogError('not-found', 'This photo is no longer in Corelog’s photo store on this computer; add it again.', { retryable: false });
    }
    const attempt = async (useKnown: boolean): Promise<UploadReceipt> => {
      const interval = await this.writeInterval(job.target, job.attributes, { useKnown });
      const client = this.options.client();
      if (job.resend) {
        const existing = await this.findSameImage(client, job, interval.id, stored.bytes);
        if (existing) return { imageId: existing.id, imageryId: interval.id, alreadyThere: true };
      }
      if (signal.aborted) throw new CorelogError('cancelled', 'The upload was paused.', { system: 'imago' });
      const reply = await client.uploadImage(
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
        { contentType: stored.mimeType, signal, onProgress: (sent, total) => this.options.onProgress?.(job.jobId, sent, total) },
      );
      if (reply.imageryId !== interval.id) await this.confirmBinding(job, reply.imageryId);
      return { ...reply, alreadyThere: false };
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
   * The upload landed on another interval than the one remembered. The usual reason: the
   * interval was removed in Imago since, and the upload created it again by its depths. Writing
   * the interval (and its attributes) again must then name the interval the photo is on; when it
   * does not, the photo sits somewhere unexpected and the user has to look.
   */
  private async confirmBinding(job: UploadJob, uploadedTo: string): Promise<void> {
    this.known.delete(this.options.client());
    const rewritten = await this.writeInterval(job.target, job.attributes, { useKnown: false });
    if (rewritten.id === uploadedTo) return;
    const where = `${job.target.collectionName} ${job.target.from}–${job.target.to} m`;
    throw new CorelogError(
      'conflict',
      `Imago put the ${job.imageTypeName} photo of ${where} on another interval (${uploadedTo}) than the one it holds for those depths (${rewritten.id}). Check the hole in Imago; Corelog will not send the photo again.`,
      { system: 'imago', retryable: false },
    );
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
    return page.images.find((image) => (image.checksum ? image.checksum.toLowerCase() === job.sha256 : image.size === bytes)) ?? null;
  }

  private knownFor(client: ImagoClient): KnownRemote {
    let known = this.known.get(client);
    if (!known) this.known.set(client, (known = { holes: new Set(), intervals: new Map() }));
    return known;
  }
}
