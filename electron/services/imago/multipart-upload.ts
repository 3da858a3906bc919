/**
 * The framing of a one-file `multipart/form-data` upload, the way every public Imago client and
 * sample sends images (the C# client: one part named `file`; an older curl sample: `filedata`).
 *
 * Only the two small framing buffers are built here; the file itself is streamed from disk
 * between them by `sendHttpRequest`, so a 200 MB photo is never copied into memory and the
 * Content-Length is known up front (framing + file size), as a server that refuses chunked
 * uploads needs.
 */
import { randomBytes } from 'node:crypto';

export interface MultipartFraming {
  /** `multipart/form-data; boundary=…` for the request's Content-Type. */
  contentType: string;
  /** Boundary line and part headers, sent before the file. */
  before: Buffer;
  /** The closing boundary, sent after the file. */
  after: Buffer;
}

/** A file name safe inside a quoted header parameter: ASCII letters, digits, `.`, `_`, `-` only. */
export function safePartFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return cleaned || 'photo';
}

/** Framing for one file part named `partName`, carrying `Content-Type: mimeType` and `filename`. */
export function multipartFraming(partName: string, fileName: string, mimeType: string): MultipartFraming {
  // 32 hex digits after dashes cannot occur by chance inside an image's bytes (2^-128 per position).
  const boundary = `----CorelogUpload${randomBytes(16).toString('hex')}`;
  const before = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${partName.replace(/["\r\n\\]/g, '_')}"; filename="${safePartFileName(fileName)}"\r\n` +
      `Content-Type: ${mimeType}\r\n` +
      `\r\n`,
    'utf8',
  );
  const after = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { contentType: `multipart/form-data; boundary=${boundary}`, before, after };
}
