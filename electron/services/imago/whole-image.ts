/**
 * Whether a downloaded image is whole. A reply can end early yet cleanly: a Content-Length shorter
 * than the image (a proxy, a storage bug), or no length and the connection closed early — HTTP sees
 * a finished body, and the bytes would be saved and hashed as the photo. So the image's own
 * structure says where it ends, checked as the bytes stream past (no second read, memory flat):
 * - JPEG: walked segment by segment (lengths skipped, so an EXIF thumbnail's end marker does not
 *   count) to the EOI marker after the coded data; bytes after EOI are allowed (camera trailers).
 * - PNG: walked chunk by chunk to the end of the IEND chunk (its CRC included).
 * - WebP (RIFF): the RIFF header states the file's length.
 * - GIF: ends with its trailer byte (0x3B).
 * Any other type (TIFF, unknown) is not judged: Imago takes only JPEG and PNG uploads.
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const RIFF_SIGNATURE = Buffer.from('RIFF', 'latin1');
const GIF_SIGNATURE = Buffer.from('GIF8', 'latin1');
const MAX_PNG_CHUNK = 0x7fffffff;

type Kind = 'unknown' | 'jpeg' | 'png' | 'riff' | 'gif' | 'other';
type JpegPhase = 'marker' | 'code' | 'length' | 'skip' | 'entropy' | 'entropy-ff' | 'done';

export class WholeImageCheck {
  private kind: Kind = 'unknown';
  private total = 0;
  /** The first bytes, to tell the type. */
  private head = Buffer.alloc(0);
  private lastByte = -1;
  // JPEG walk
  private jpeg: JpegPhase = 'marker';
  private code = 0;
  private lengthBytes: number[] = [];
  private remaining = 0;
  private sawScan = false;
  // PNG walk
  private pngHeader: number[] = [];
  private pngEnded = false;
  private pngBroken = false;
  private pngIsEnd = false;
  private pngSignatureLeft = PNG_SIGNATURE.length;
  // RIFF
  private riffLength: number | null = null;

  /** Bytes held until there are enough to tell the type (12), then walked from the start. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Feeds the next bytes of the body, in order. */
  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    this.lastByte = chunk[chunk.length - 1]!;
    if (this.kind !== 'unknown') return this.walk(chunk);
    this.pending.push(Buffer.from(chunk));
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= 12) this.decide();
  }

  /**
   * Null when the image is whole (or of a type not judged); otherwise why it is not, in words
   * for the user ("the JPEG stops after … bytes, before its end marker").
   */
  missing(): string | null {
    if (this.kind === 'unknown') this.decide();
    if (this.total === 0) return 'the reply is empty';
    switch (this.kind) {
      case 'jpeg':
        return this.jpeg === 'done' ? null : `the JPEG stops after ${this.total} bytes, before its end marker${this.sawScan ? '' : ' (and before its image data)'}`;
      case 'png':
        if (this.pngBroken) return `the PNG's chunks are damaged after ${this.total} bytes`;
        return this.pngEnded ? null : `the PNG stops after ${this.total} bytes, before its IEND chunk`;
      case 'riff':
        if (this.riffLength === null) return `the WebP stops after ${this.total} bytes, inside its header`;
        return this.total >= this.riffLength ? null : `the WebP stops after ${this.total} of the ${this.riffLength} bytes its header states`;
      case 'gif':
        return this.lastByte === 0x3b ? null : `the GIF stops after ${this.total} bytes, before its trailer`;
      default:
        return null;
    }
  }

  private decide(): void {
    const all = Buffer.concat(this.pending);
    this.pending = [];
    this.head = all.subarray(0, 16);
    this.kind = kindOf(this.head);
    if (this.kind === 'riff' && this.head.length >= 8) this.riffLength = this.head.readUInt32LE(4) + 8;
    this.walk(all);
  }

  private walk(bytes: Uint8Array): void {
    if (this.kind === 'jpeg') this.walkJpeg(bytes);
    else if (this.kind === 'png') this.walkPng(bytes);
  }

  private walkJpeg(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length && this.jpeg !== 'done') {
      switch (this.jpeg) {
        case 'marker': {
          // Between segments: the next 0xFF (bytes before it are junk libjpeg skips too).
          const at = bytes.indexOf(0xff, i);
          if (at < 0) return;
          i = at + 1;
          this.jpeg = 'code';
          break;
        }
        case 'code': {
          const b = bytes[i++]!;
          if (b === 0xff) break; // fill byte
          if (b === 0xd9) this.jpeg = 'done';
          else if (b === 0x00 || b === 0xd8 || b === 0x01 || (b >= 0xd0 && b <= 0xd7)) this.jpeg = 'marker';
          else this.startSegment(b);
          break;
        }
        case 'length': {
          this.lengthBytes.push(bytes[i++]!);
          if (this.lengthBytes.length === 2) {
            const length = (this.lengthBytes[0]! << 8) | this.lengthBytes[1]!;
            this.remaining = Math.max(0, length - 2);
            this.jpeg = 'skip';
          }
          break;
        }
        case 'skip': {
          const step = Math.min(this.remaining, bytes.length - i);
          i += step;
          this.remaining -= step;
          if (this.remaining === 0) {
            if (this.code === 0xda) {
              this.sawScan = true;
              this.jpeg = 'entropy';
            } else {
              this.jpeg = 'marker';
            }
          }
          break;
        }
        case 'entropy': {
          // Coded data never holds 0xFF but as FF00 (stuffing) or FFD0–FFD7 (restarts).
          const at = bytes.indexOf(0xff, i);
          if (at < 0) return;
          i = at + 1;
          this.jpeg = 'entropy-ff';
          break;
        }
        case 'entropy-ff': {
          const b = bytes[i++]!;
          if (b === 0xff) break;
          if (b === 0x00 || (b >= 0xd0 && b <= 0xd7)) this.jpeg = 'entropy';
          else if (b === 0xd9) this.jpeg = 'done';
          else this.startSegment(b); // DHT, SOS, DQT… between the scans of a progressive JPEG
          break;
        }
      }
    }
  }

  private startSegment(code: number): void {
    this.code = code;
    this.lengthBytes = [];
    this.jpeg = 'length';
  }

  private walkPng(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length && !this.pngEnded && !this.pngBroken) {
      if (this.pngSignatureLeft > 0) {
        const step = Math.min(this.pngSignatureLeft, bytes.length - i);
        i += step;
        this.pngSignatureLeft -= step;
        continue;
      }
      if (this.remaining > 0) {
        const step = Math.min(this.remaining, bytes.length - i);
        i += step;
        this.remaining -= step;
        if (this.remaining === 0 && this.pngIsEnd) this.pngEnded = true;
        continue;
      }
      this.pngHeader.push(bytes[i++]!);
      if (this.pngHeader.length === 8) {
        const header = Buffer.from(this.pngHeader);
        this.pngHeader = [];
        const length = header.readUInt32BE(0);
        if (length > MAX_PNG_CHUNK) {
          this.pngBroken = true;
          return;
        }
        this.pngIsEnd = header.toString('latin1', 4, 8) === 'IEND';
        this.remaining = length + 4; // data and CRC
      }
    }
  }

}

/** The type the first bytes show; a body shorter than a signature counts as the type it begins. */
function kindOf(head: Buffer): Kind {
  const begins = (signature: Buffer) => head.length > 0 && signature.subarray(0, head.length).equals(head.subarray(0, signature.length));
  if (begins(JPEG_SIGNATURE)) return 'jpeg';
  if (begins(PNG_SIGNATURE)) return 'png';
  if (begins(RIFF_SIGNATURE) && (head.length < 12 || head.toString('latin1', 8, 12) === 'WEBP')) return 'riff';
  if (begins(GIF_SIGNATURE)) return 'gif';
  return 'other';
}
