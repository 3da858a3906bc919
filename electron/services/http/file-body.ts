/**
 * A file sent as a request body (a photo upload), between optional framing bytes (a multipart
 * part's header and closing boundary).
 *
 * Why not `createReadStream(...).pipe(request)`: a read stream allocates a fresh buffer for every
 * read, so a 15 MB photo makes 15 MB of short-lived buffers, and on the photo station's stream of
 * uploads the garbage collector spent ~1.3 s of the service's ~2.5 s of CPU per 100 photos
 * collecting them (measured with --cpu-prof on the upload benchmark). Here two buffers are
 * allocated per upload and reused: one is read from disk while the other is being written, and a
 * buffer is read into again only once the connection has taken its last write.
 */
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { CorelogError } from '../../../common/errors';

const CHUNK_BYTES = 1024 * 1024;

export interface FileBodyHooks {
  /** Waits before each piece of the file goes (a bandwidth cap); the quiet is ours, not the network's. */
  pace?: (bytes: number) => Promise<void>;
  /** Pieces go at most this large (so a low cap makes an even stream, not bursts); default a whole chunk. */
  pieceBytes?: number;
  /** A piece was handed to the connection. */
  sent: (bytes: number) => void;
}

export class FileBody {
  constructor(
    readonly path: string,
    /** The file's size when the request was made (its Content-Length counts on it). */
    readonly size: number,
    private readonly framing: { before?: Buffer | undefined; after?: Buffer | undefined },
    private readonly hooks: FileBodyHooks,
  ) {}

  /** Bytes of the whole body: framing and file. */
  get length(): number {
    return (this.framing.before?.length ?? 0) + this.size + (this.framing.after?.length ?? 0);
  }

  /**
   * Writes the body to `sink` (not ending it). Rejects when the file cannot be read, changed size,
   * or the connection closed before all of it was taken.
   */
  async writeTo(sink: Writable): Promise<void> {
    const closed = new Promise<never>((_resolve, reject) => {
      const onClose = () => reject(new Error('the connection closed before the file was sent'));
      if (sink.destroyed) onClose();
      else sink.once('close', onClose);
    });
    closed.catch(() => undefined);
    const write = (chunk: Buffer): Promise<void> => {
      const taken = Promise.race([new Promise<void>((resolve, reject) => sink.write(chunk, (error) => (error ? reject(error) : resolve()))), closed]);
      // Awaited later (before its buffer is reused) or never, when something else failed first.
      taken.catch(() => undefined);
      return taken;
    };
    const file = await open(this.path, 'r').catch((error: unknown) => {
      throw unreadable(this.path, error);
    });
    // The last read asks for one byte past the size the file had: a file that grew is caught before
    // its last piece goes (the server would answer as soon as Content-Length bytes arrived).
    const read = (buffer: Buffer, position: number) =>
      file.read(buffer, 0, Math.min(CHUNK_BYTES, this.size - position) + (this.size - position <= CHUNK_BYTES ? 1 : 0), position).catch((error: unknown) => {
        throw unreadable(this.path, error);
      });
    try {
      if (this.framing.before?.length) await write(this.framing.before);
      const buffers = [Buffer.allocUnsafeSlow(CHUNK_BYTES + 1), Buffer.allocUnsafeSlow(CHUNK_BYTES + 1)];
      const lastWrite: (Promise<void> | null)[] = [null, null];
      const pieceBytes = this.hooks.pieceBytes ?? CHUNK_BYTES;
      let position = 0;
      for (let turn = 0; ; turn ^= 1) {
        await lastWrite[turn]; // the connection has let go of this buffer
        const buffer = buffers[turn]!;
        const { bytesRead } = await read(buffer, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        if (position > this.size) break;
        for (let at = 0; at < bytesRead; at += pieceBytes) {
          const piece = buffer.subarray(at, Math.min(at + pieceBytes, bytesRead));
          if (this.hooks.pace) await Promise.race([this.hooks.pace(piece.length), closed]);
          lastWrite[turn] = write(piece);
          this.hooks.sent(piece.length);
        }
      }
      await Promise.all(lastWrite);
      if (position !== this.size) {
        throw new CorelogError('internal', `The file ${this.path} changed while it was being sent (${this.size} bytes when the upload started, ${position > this.size ? 'more' : position} now).`, {
          retryable: true,
        });
      }
      if (this.framing.after?.length) await write(this.framing.after);
    } finally {
      await file.close();
    }
  }
}

/** A file this computer cannot read is its own problem, not the server's or the link's. */
function unreadable(path: string, error: unknown): CorelogError {
  const code = (error as NodeJS.ErrnoException).code;
  return new CorelogError('internal', `The file to upload cannot be read: ${path} (${code ?? (error as Error).message}).`, { retryable: true, cause: error });
}
