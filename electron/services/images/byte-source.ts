/**
 * Reads a photo's bytes front to back through a bounded window, from a buffer already in memory or
 * from the file in 1 MiB steps, so the structure checks (jpeg-structure.ts, png-structure.ts) walk a
 * file of any size without holding it. Optionally it hashes every byte of the file on the way
 * (`digest`), so a walk that reads the whole file anyway gives the photo store its content hash
 * without a second pass over the bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { FileChanged } from './image-damage';

const WINDOW_BYTES = 1024 * 1024;

/** The SHA-256 of a whole file as a walk read it, and how many bytes that was. */
export interface FileDigest {
  sha256: string;
  bytes: number;
}

export class ByteSource {
  /** The bytes from file offset `start` on; `bytes[pos]` is the next byte to read. */
  bytes: Buffer;
  pos = 0;
  private start = 0;
  private atEnd: boolean;
  private backing: Buffer | null = null;
  /** With `hash`: bytes of the file hashed so far, always from its start, in order. */
  private hashed = 0;

  private constructor(
    private readonly handle: FileHandle | null,
    readonly size: number,
    initial: Buffer,
    private readonly hash: Hash | null,
  ) {
    this.bytes = initial;
    this.atEnd = handle === null || initial.length >= size;
    this.hashRead(initial);
  }

  /**
   * Walks `source`: the content itself, or a path read in windows. With `hash`, every byte of it
   * is hashed once, in order: skipped bytes are read through, and `digest` reads the rest.
   * Call `close()` when done.
   */
  static async open(source: string | Buffer, options: { hash?: boolean } = {}): Promise<ByteSource> {
    const hash = options.hash === true ? createHash('sha256') : null;
    if (typeof source !== 'string') return new ByteSource(null, source.length, source, hash);
    const handle = await open(source, 'r');
    try {
      const { size } = await handle.stat();
      const first = Buffer.allocUnsafe(WINDOW_BYTES);
      const { bytesRead } = await handle.read(first, 0, Math.min(WINDOW_BYTES, size), 0);
      const source = new ByteSource(handle, size, first.subarray(0, bytesRead), hash);
      source.backing = first;
      return source;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** File offset of the next byte. */
  get offset(): number {
    return this.start + this.pos;
  }

  /** Bytes left in the window. */
  get available(): number {
    return this.bytes.length - this.pos;
  }

  /** True when the window already reaches the end of the file. */
  get windowReachesEnd(): boolean {
    return this.atEnd;
  }

  /**
   * Makes at least `count` bytes available in the window (fewer only at the end of the file).
   * Throws `FileChanged` when the file is shorter than it was at open: a caller never sees a read
   * that made no progress before the end.
   * Yields to the event loop while it reads, so a long walk never holds the process up.
   */
  async ensure(count: number): Promise<void> {
    if (this.available >= count || this.atEnd) return;
    if (this.handle === null) return;
    // One buffer for the whole walk (callers never keep a view of the window across a call here).
    const size = Math.max(WINDOW_BYTES, count);
    const next = this.backing !== null && this.backing.length >= size ? this.backing : Buffer.allocUnsafe(size);
    this.backing = next;
    const keep = this.available;
    // Buffer#copy is a memmove: it may move the window's tail to the front of the same buffer.
    this.bytes.copy(next, 0, this.pos, this.bytes.length);
    const fileOffset = this.start + this.pos + keep;
    const { bytesRead } = await this.handle.read(next, keep, next.length - keep, fileOffset);
    this.hashRead(next.subarray(keep, keep + bytesRead));
    this.start += this.pos;
    this.pos = 0;
    this.bytes = next.subarray(0, keep + bytesRead);
    // Nothing more where the size taken at open promised more: the file was cut meanwhile. Saying
    // so (instead of "at the end") is what keeps every read loop from waiting for bytes for ever.
    if (bytesRead === 0 && fileOffset < this.size) throw new FileChanged();
    if (fileOffset + bytesRead >= this.size) this.atEnd = true;
  }

  /** Moves `count` bytes on (past the window if need be), without reading what is skipped. */
  async skip(count: number): Promise<void> {
    if (count <= this.available) {
      this.pos += count;
      return;
    }
    if (this.handle === null) {
      this.pos = this.bytes.length;
      return;
    }
    if (this.hash !== null) {
      // Every byte must pass through the hash: read through what is skipped.
      let left = count;
      while (left > this.available && !this.atEnd) {
        left -= this.available;
        this.pos = this.bytes.length;
        await this.ensure(1);
      }
      this.pos += Math.min(left, this.available);
      return;
    }
    const target = Math.min(this.size, this.offset + count);
    this.start = target;
    this.pos = 0;
    this.bytes = Buffer.alloc(0);
    this.atEnd = target >= this.size;
    await this.ensure(1);
  }

  /** Reads the rest of the file into the hash (opened with `hash`) and returns the whole file's digest. */
  async digest(): Promise<FileDigest> {
    if (this.hash === null) throw new Error('this byte source was opened without hashing');
    this.pos = this.bytes.length;
    while (!this.atEnd) {
      await this.ensure(1);
      this.pos = this.bytes.length;
    }
    return { sha256: this.hash.digest('hex'), bytes: this.hashed };
  }

  private hashRead(fresh: Buffer): void {
    if (this.hash === null || fresh.length === 0) return;
    this.hash.update(fresh);
    this.hashed += fresh.length;
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }
}
