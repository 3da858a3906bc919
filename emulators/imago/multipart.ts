/**
 * Pulls the `file` part out of a multipart/form-data body that was already streamed to disk
 * (the [OLD] C# client's upload encoding). Works on the file in chunks so a 200 MB upload is
 * never held in memory: find the boundaries, read each part's small header block, then copy
 * the file part's byte range.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../kit/http-kit';

export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]!) : null;
}

/** Offsets where each `--boundary` delimiter starts (at 0, or right after a CRLF). */
async function delimiterOffsets(path: string, delimiter: Buffer): Promise<number[]> {
  const needle = Buffer.concat([Buffer.from('\r\n'), delimiter]);
  const offsets: number[] = [];
  let carry = Buffer.alloc(0);
  let consumed = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    if (first && chunk.subarray(0, delimiter.length).equals(delimiter)) offsets.push(0);
    first = false;
    const window = Buffer.concat([carry, chunk]);
    const base = consumed - carry.length;
    for (let at = window.indexOf(needle); at !== -1; at = window.indexOf(needle, at + 1)) {
      const offset = base + at + 2;
      if (offset > (offsets.at(-1) ?? -1)) offsets.push(offset);
    }
    consumed += chunk.length;
    carry = window.subarray(Math.max(0, window.length - needle.length + 1));
  }
  return offsets;
}

export interface ExtractedPart {
  bytes: number;
  sha256: string;
  contentType: string | null;
}

export async function extractFilePart(bodyPath: string, boundary: string, outPath: string, partName = 'file'): Promise<ExtractedPart> {
  const delimiter = Buffer.from(`--${boundary}`);
  const offsets = await delimiterOffsets(bodyPath, delimiter);
  const handle = await open(bodyPath, 'r');
  try {
    for (let i = 0; i + 1 < offsets.length; i++) {
      const partStart = offsets[i]! + delimiter.length + 2; // skip the CRLF after the delimiter
      const partEnd = offsets[i + 1]! - 2; // the CRLF before the next delimiter belongs to it
      const head = Buffer.alloc(Math.min(16 * 1024, Math.max(0, partEnd - partStart)));
      await handle.read(head, 0, head.length, partStart);
      const headerEnd = head.indexOf('\r\n\r\n');
      if (headerEnd === -1) continue;
      const headers = head.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers);
      if (disposition?.[1] !== partName) continue;
      const contentType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim() ?? null;
      const dataStart = partStart + headerEnd + 4;
      const hash = createHash('sha256');
      let bytes = 0;
      const counting = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      if (partEnd > dataStart) await pipeline(createReadStream(bodyPath, { start: dataStart, end: partEnd - 1 }), counting, createWriteStream(outPath));
      else await writeFile(outPath, '');
      return { bytes, sha256: hash.digest('hex'), contentType };
    }
  } finally {
    await handle.close();
  }
  throw new HttpError(422, `The multipart body has no part named "${partName}"`);
}
