/**
 * The Imago emulator takes the file part out of a multipart body as it streams in (one pass). The
 * same answers whatever the chunking: a delimiter split across chunks, a preamble, other parts
 * before the file, a part without headers, a body cut off before the closing delimiter.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFilePart } from '../../../emulators/imago/multipart';

const dir = mkdtempSync(join(tmpdir(), 'corelog-multipart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BOUNDARY = 'XyZ--corelog-7';
let n = 0;

function body(parts: string[], closing = true, preamble = ''): Buffer {
  return Buffer.from(`${preamble}${parts.map((p) => `--${BOUNDARY}\r\n${p}\r\n`).join('')}${closing ? `--${BOUNDARY}--\r\n` : ''}`, 'latin1');
}

async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function extract(bytes: Buffer, sizes: number[], name = 'file') {
  const out = join(dir, `part-${n++}`);
  const part = await extractFilePart(chunked(bytes, sizes), BOUNDARY, out, name);
  return { part, content: readFileSync(out) };
}

describe('the emulator’s streaming multipart reader', () => {
  const photo = randomBytes(200_000);
  // The photo may contain CR LF and dashes; a needle-like run must not end the part early.
  photo.write(`\r\n--${BOUNDARY.slice(0, 8)}`, 5_000, 'latin1');
  const text = photo.toString('latin1');

  it.each([[[1]], [[7, 13]], [[65_536]], [[3, 1_000_000]], [[BOUNDARY.length + 3]]])('finds the file part whatever the chunking (%j)', async (sizes) => {
    const bytes = body(['Content-Disposition: form-data; name="mimeType"\r\n\r\nimage/jpeg', `Content-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${text}`], true, 'preamble to ignore\r\n');
    const { part, content } = await extract(bytes, sizes);
    expect(content.equals(photo)).toBe(true);
    expect(part).toEqual({ bytes: photo.length, sha256: createHash('sha256').update(photo).digest('hex'), contentType: 'image/jpeg' });
  });

  it('takes the part named as the server is set to, skipping a part without headers', async () => {
    const bytes = body(['no header block here', 'Content-Disposition: form-data; name="file"\r\n\r\nnot this one', 'Content-Disposition: form-data; name="image"\r\n\r\nthis one']);
    const { part, content } = await extract(bytes, [5], 'image');
    expect(content.toString()).toBe('this one');
    expect(part.contentType).toBeNull();
  });

  it('refuses a body cut off before the file part’s closing delimiter, and one without the part', async () => {
    const cut = body([`Content-Disposition: form-data; name="file"\r\n\r\n${text}`], false).subarray(0, 150_000);
    await expect(extract(cut, [4096])).rejects.toMatchObject({ status: 422 });
    await expect(extract(body(['Content-Disposition: form-data; name="other"\r\n\r\nx']), [10])).rejects.toMatchObject({ status: 422 });
  });

  it('keeps an empty file part empty', async () => {
    const { part, content } = await extract(body(['Content-Disposition: form-data; name="file"\r\n\r\n']), [3]);
    expect([part.bytes, content.length]).toEqual([0, 0]);
  });
});
