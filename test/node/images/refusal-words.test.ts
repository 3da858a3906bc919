/**
 * What a photographer reads when a photo is refused for something other than plain damage: limits
 * and unsupported kinds of JPEG known from Corelog's own header walk (not the decoder's words),
 * file-system problems in words instead of codes, decoder text without paths and with separators.
 */
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPhoto } from '../../../electron/services/images/inspect-photo';
import { describeDecoderProblem, plainDecoderText, unreadableFile } from '../../../electron/services/images/photo-check';
import { grainyJpeg, makeTempDir } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let jpeg444: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-words-'));
  jpeg444 = await sharp(await grainyJpeg(64, 48)).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer();
});
afterAll(() => cleanup());

/** The JPEG with its SOF0 segment changed by `edit` (given the segment's offset, at its 0xFF). */
function patchFrame(jpeg: Buffer, edit: (copy: Buffer, sof: number) => void): Buffer {
  const copy = Buffer.from(jpeg);
  const sof = copy.indexOf(Buffer.from([0xff, 0xc0]));
  edit(copy, sof);
  return copy;
}

async function refusal(name: string, content: Buffer | null): Promise<string> {
  const path = join(dir, name);
  if (content !== null) await writeFile(path, content);
  try {
    await inspectPhoto(path);
  } catch (error) {
    expect((error as { kind?: string }).kind).toBe('rejected');
    return (error as Error).message;
  }
  throw new Error(`${name} was accepted`);
}

/** No errno codes, no decoder prefixes, no long numbers without separators. */
function expectPlainWords(message: string): void {
  expect(message).not.toMatch(/\bE[A-Z]{3,}\b|Vips|RangeError|\d{5,}/);
}

describe('refusals known from the header walk', () => {
  it('a 65,535 × 65,535 px JPEG is over Imago’s limit, not damaged', async () => {
    const message = await refusal('huge.jpg', patchFrame(jpeg444, (b, sof) => (b.writeUInt16BE(65535, sof + 5), b.writeUInt16BE(65535, sof + 7))));
    expect(message).toBe('the image is 65,535 × 65,535 px; Imago accepts at most 65,500 px on each side');
  });

  it('a 12-bit JPEG cannot be read here, and says what to export instead', async () => {
    const message = await refusal('12bit.jpg', patchFrame(jpeg444, (b, sof) => (b[sof + 4] = 12)));
    expect(message).toMatch(/^it is a 12-bit JPEG, which cannot be read here; export the photo as an 8-bit baseline or progressive JPEG$/);
  });

  it('a hierarchical JPEG (SOF5) cannot be read here', async () => {
    const message = await refusal('sof5.jpg', patchFrame(jpeg444, (b, sof) => (b[sof + 1] = 0xc5)));
    expect(message).toMatch(/^it is a hierarchical JPEG, which cannot be read here; export the photo as/);
  });

  it('12 blocks in an MCU is refused from the header in plain words', async () => {
    // Three components sampled 2×2 each: 12 blocks per MCU, JPEG allows 10.
    const patched = patchFrame(jpeg444, (b, sof) => {
      for (let c = 0; c < 3; c++) b[sof + 11 + 3 * c] = 0x22;
    });
    const message = await refusal('mcu12.jpg', patched);
    expect(message).toBe('the JPEG is damaged: its header is corrupt (a scan needs 12 blocks per unit of coded data; JPEG allows at most 10)');
  });
});

describe('files the file system will not give', () => {
  it('a dangling link, a link loop and a system file say what they are', async () => {
    await symlink(join(dir, 'nowhere.jpg'), join(dir, 'dangling.jpg'));
    await symlink(join(dir, 'loop-b.jpg'), join(dir, 'loop-a.jpg'));
    await symlink(join(dir, 'loop-a.jpg'), join(dir, 'loop-b.jpg'));
    await symlink('/proc/version', join(dir, 'version.jpg'));
    const dangling = await refusal('dangling.jpg', null);
    const loop = await refusal('loop-a.jpg', null);
    const system = await refusal('version.jpg', null);
    expect(dangling).toBe('the file is gone (a broken link: what it points to does not exist)');
    expect(loop).toMatch(/link loop/);
    expect(system).toBe('it is not a regular photo file (a system file that reports no size)');
    for (const message of [dangling, loop, system]) expectPlainWords(message);
    expect(await refusal('empty.jpg', Buffer.alloc(0))).toBe('the file is empty');
  });

  it('permission denied in words (tests run as root here, so from the error itself)', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES' });
    expect(await unreadableFile(denied, join(dir, 'x.jpg'))).toBe('the file cannot be read: permission denied');
    expect(await unreadableFile(Object.assign(new Error('?'), { code: 'EWHATEVER' }), '/x')).toBe('the file cannot be read');
  });
});

describe('decoder text', () => {
  it('has no paths, no unsigned -1 rows, and separators in its numbers', () => {
    expect(plainDecoderText('/tmp/in/avif-trunc.avif: bad seek to 84931')).toBe('bad seek to 84,931');
    expect(plainDecoderText('Read error at scanline 4294967295; got 10 bytes, expected 60000')).toBe('Read error; got 10 bytes, expected 60,000');
    expect(describeDecoderProblem('Corrupt JPEG data: 62914558 extraneous bytes before marker 0xd9')).toBe('its image data is corrupt (62,914,558 extraneous bytes before marker 0xd9)');
    expect(describeDecoderProblem('Read error at scanline 4294967295; got 10 bytes, expected 60000')).toMatch(/^the file ends before the image does/);
    for (const vague of ['libpng read error', 'Unknown error']) {
      expect(describeDecoderProblem(vague)).toBe('its image data is corrupt or ends early (the decoder could not read it)');
    }
  });

  it('names WebP as WebP', async () => {
    const webp = await sharp(await grainyJpeg(200, 150)).webp().toBuffer();
    const message = await refusal('cut.webp', webp.subarray(0, 40));
    expect(message).toMatch(/\bWebP\b/);
    expect(message).not.toMatch(/WEBP/);
  });
});
