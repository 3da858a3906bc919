/**
 * Pulls the `file` part out of a multipart/form-data body (the [OLD] C# client's upload encoding)
 * as it streams in: one pass, only the part's bytes written to disk. (It used to store the whole
 * body, then read it twice: the emulator's single thread spent ~45 ms per 15 MB upload on that,
 * and every other request waited behind it, which no real server does.)
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { HttpError } from '../kit/http-kit';

export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]!) : null;
}

export interface ExtractedPart {
  bytes: number;
  sha256: string;
  contentType: string | null;
}

/** A part's header block is looked for in its first 16 KiB; a part without one there is skipped. */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Writes the data of the first complete part named `partName` to `outPath` as the body streams in,
 * in one pass (the body is never stored whole: a 200 MB upload is never in memory, nor twice on
 * disk). A part is complete when the next `--boundary` delimiter follows it; a body cut off before
 * that has no such part. Reads the body to its end whatever it finds. Throws 422 without the part.
 */
export async function extractFilePart(body: AsyncIterable<Buffer>, boundary: string, outPath: string, partName = 'file'): Promise<ExtractedPart> {
  const delimiter = Buffer.from(`--${boundary}`);
  const needle = Buffer.from(`\r\n--${boundary}`);
  const keep = needle.length - 1;
  let buffered: Buffer = Buffer.alloc(0);
  type State = 'preamble' | 'delimited' | 'head' | 'data' | 'skip' | 'done';
  let state = 'preamble' as State;
  // (Compared through `is`: TypeScript does not see `delimited()` change the state.)
  const is = (wanted: State) => state === wanted;
  let first = true;
  let found: ExtractedPart | null = null;
  let out: WriteStream | null = null;
  let hash: Hash | null = null;
  let bytes = 0;
  let contentType: string | null = null;

  let writeError: Error | null = null;
  const write = async (chunk: Buffer) => {
    if (writeError) throw writeError;
    if (out === null || chunk.length === 0) return;
    hash!.update(chunk);
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  /** Right after a delimiter (`at` is where it ends): `--` ends the body, else its CRLF and the next part follow. */
  const delimited = (at: number) => {
    buffered = buffered.subarray(at);
    state = 'delimited';
  };

  try {
    for await (const chunk of body) {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        if (is('done')) {
          buffered = Buffer.alloc(0);
          break;
        }
        if (is('preamble')) {
          if (first && buffered.length < delimiter.length) break;
          if (first && buffered.subarray(0, delimiter.length).equals(delimiter)) {
            first = false;
            delimited(delimiter.length);
            continue;
          }
          first = false;
          const at = buffered.indexOf(needle);
          if (at === -1) {
            buffered = buffered.subarray(Math.max(0, buffered.length - keep));
            break;
          }
          delimited(at + needle.length);
          continue;
        }
        if (is('delimited')) {
          if (buffered.length < 2) break;
          if (found !== null || buffered.subarray(0, 2).toString('latin1') === '--') {
            state = 'done';
            continue;
          }
          buffered = buffered.subarray(2);
          state = 'head';
          continue;
        }
        if (is('head')) {
          const headerEnd = buffered.indexOf('\r\n\r\n');
          const partEnd = buffered.indexOf(needle);
          if (headerEnd === -1 || (partEnd !== -1 && partEnd < headerEnd) || headerEnd > MAX_HEAD_BYTES) {
            // No header block in this part (yet): wait for more, or skip the part.
            if (partEnd === -1 && headerEnd === -1 && buffered.length <= MAX_HEAD_BYTES) break;
            state = 'skip';
            continue;
          }
          const headers = buffered.subarray(0, headerEnd).toString('utf8');
          const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
          buffered = buffered.subarray(headerEnd + 4);
          if (name === partName && found === null) {
            contentType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim() ?? null;
            out = createWriteStream(outPath);
            // Kept for the next write; a stream destroyed while it opens must not throw unhandled.
            out.on('error', (error) => (writeError ??= error));
            hash = createHash('sha256');
            bytes = 0;
            state = 'data';
          } else state = 'skip';
          continue;
        }
        // 'data' (the wanted part) or 'skip' (any other): up to the next delimiter.
        const at = buffered.indexOf(needle);
        if (at === -1) {
          const safe = Math.max(0, buffered.length - keep);
          if (is('data')) await write(buffered.subarray(0, safe));
          buffered = buffered.subarray(safe);
          break;
        }
        if (is('data')) {
          await write(buffered.subarray(0, at));
          const done = out!;
          out = null;
          await new Promise<void>((resolve, reject) => done.end((error?: Error | null) => (error ? reject(error) : resolve())));
          found = { bytes, sha256: hash!.digest('hex'), contentType };
        }
        delimited(at + needle.length);
      }
    }
  } finally {
    if (out !== null) (out as WriteStream).destroy();
  }
  if (found === null) throw new HttpError(422, `The multipart body has no part named "${partName}"`);
  return found;
}
