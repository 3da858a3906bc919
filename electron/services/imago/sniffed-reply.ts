/**
 * A `GET /image` reply whose Content-Type says "message" (JSON, text) may still carry the image:
 * blob storage with a wrong content type on the object, a gateway that stamps every reply
 * `text/plain`. The first bytes decide, not the header: an image signature makes it the image
 * (with the type its bytes show), anything else is read as the message it claims to be.
 */
import { Readable } from 'node:stream';
import { CorelogError } from '../../../common/errors';
import type { HttpResponse } from '../http/http-request';
import { sniffContentType } from '../images/content-type';

/** Enough for every signature Imago's image types (JPEG, PNG, TIFF) begin with. */
const HEAD_BYTES = 16;
const IMAGE_TYPES: Record<string, string> = { jpeg: 'image/jpeg', png: 'image/png', tiff: 'image/tiff' };

export type SniffedReply = { image: HttpResponse } | { message: string };

/**
 * Reads the reply's first bytes: the image (its body intact; `bytes()` holds at most
 * `maxImageBytes` in memory, as `HttpResponse.bytes` does) or the message text (at most `maxMessageBytes`).
 */
export async function sniffReply(response: HttpResponse, maxMessageBytes: number, maxImageBytes: number): Promise<SniffedReply> {
  const body = response.stream();
  const chunks: Buffer[] = [];
  let length = 0;
  // Leaving this loop early must not end the stream: the image's remaining bytes are read on.
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= HEAD_BYTES) break;
  }
  const head = Buffer.concat(chunks);
  const type = IMAGE_TYPES[sniffContentType(head)];
  if (!type) {
    // A message: read the rest of it, bounded, and drop whatever follows.
    for await (const chunk of body) {
      if (length >= maxMessageBytes) break;
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
    body.destroy();
    return { message: Buffer.concat(chunks).subarray(0, maxMessageBytes).toString('utf8') };
  }
  return { image: withBody(response, head, body, type, maxImageBytes) };
}

/** The reply with its body as `head` + the rest of `rest`, and the content type the bytes show. */
function withBody(response: HttpResponse, head: Buffer, rest: Readable, contentType: string, maxImageBytes: number): HttpResponse {
  const headers = new Headers(response.headers);
  headers.set('content-type', contentType);
  let used = false;
  const stream = (): Readable => {
    if (used) throw new Error('the image body was read twice');
    used = true;
    return Readable.from(
      (async function* () {
        yield head;
        // Limits and deadline are those of the original stream: its errors pass through.
        for await (const chunk of rest) yield chunk as Buffer;
      })(),
    );
  };
  const bytes = async (options: { maxBytes?: number } = {}): Promise<Buffer> => {
    const cap = options.maxBytes ?? maxImageBytes;
    const parts: Buffer[] = [];
    let length = 0;
    for await (const chunk of stream()) {
      length += (chunk as Buffer).length;
      if (length > cap) {
        rest.destroy();
        throw new CorelogError('malformed-response', `Imago's image is larger than ${Math.round(cap / 1024 / 1024)} MB, more than Corelog reads into memory.`, { system: 'imago' });
      }
      parts.push(chunk as Buffer);
    }
    return Buffer.concat(parts);
  };
  return {
    ...response,
    headers,
    stream,
    bytes,
    text: async () => (await bytes()).toString('utf8'),
    json: async () => JSON.parse((await bytes()).toString('utf8')) as unknown,
    drain: async () => void (await bytes()),
    discard: async () => void rest.destroy(),
  };
}
