/**
 * Real tray-photo files for the browser tests, generated with sharp in a temp folder and named
 * `<hole>_<from>_<to>_<imageType>.<ext>` so the default filename pattern binds each one. Every
 * good photo is distinct (its own background) and carries a red marker in its upright top-left
 * corner, so a test can tell from stored pixels that it arrived upright.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeOrientedJpeg } from '../../node/images/photo-fixtures';

export interface GoodPhoto {
  path: string;
  from: number;
  to: number;
  imageType: 'Wet' | 'Dry';
  /** What makes it interesting. */
  kind: string;
}

export interface PhotoSet {
  good: GoodPhoto[];
  bad: { path: string; reason: RegExp }[];
}

/** An upright picture: background varies with `seed`, red block top-left. */
export async function markedPicture(seed: number, width = 360, height = 240): Promise<Buffer> {
  const background = { r: 90 + ((seed * 37) % 120), g: 110 + ((seed * 53) % 100), b: 120 + ((seed * 29) % 90) };
  return sharp({ create: { width, height, channels: 3, background } })
    .composite([{ input: { create: { width: Math.round(width / 5), height: Math.round(height / 5), channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
    .removeAlpha()
    .png()
    .toBuffer();
}

const KINDS: { kind: string; ext: string }[] = [
  ...Array.from({ length: 8 }, () => ({ kind: 'jpeg', ext: 'jpg' })),
  { kind: 'jpeg-orientation-6', ext: 'jpg' },
  { kind: 'jpeg-orientation-6', ext: 'jpg' },
  { kind: 'jpeg-orientation-3', ext: 'jpg' },
  { kind: 'jpeg-orientation-8', ext: 'jpg' },
  { kind: 'jpeg-progressive', ext: 'jpg' },
  ...Array.from({ length: 8 }, () => ({ kind: 'png', ext: 'png' })),
  ...Array.from({ length: 5 }, () => ({ kind: 'tiff', ext: 'tif' })),
];

/** `count` good photos of `hole` (default: the 26 of the issue's mix), one interval each, 1.5 m long. */
export async function writeGoodPhotos(dir: string, hole: string, count = KINDS.length, firstIndex = 0): Promise<GoodPhoto[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const index = firstIndex + n;
      const { kind, ext } = KINDS[n % KINDS.length]!;
      const from = index * 1.5;
      const to = from + 1.5;
      const imageType = index % 2 === 0 ? 'Wet' : 'Dry';
      const path = join(dir, `${hole}_${from.toFixed(1)}_${to.toFixed(1)}_${imageType}.${ext}`);
      const picture = await markedPicture(index);
      if (kind === 'png') await sharp(picture).png().toFile(path);
      else if (kind === 'tiff') await sharp(picture).tiff({ compression: 'lzw' }).toFile(path);
      else if (kind === 'jpeg-progressive') await writeOrientedJpeg(path, picture, 1, true);
      else await writeOrientedJpeg(path, picture, kind.startsWith('jpeg-orientation-') ? (Number(kind.slice(-1)) as 3 | 6 | 8) : 1);
      return { path, from, to, imageType, kind };
    }),
  );
}

/** The issue's 30: 26 good (JPEG, PNG, TIFF, rotated EXIF, progressive) and 4 that must be refused. */
export async function writeIssuePhotoSet(dir: string, hole: string): Promise<PhotoSet> {
  const good = await writeGoodPhotos(dir, hole);
  const corrupt = join(dir, `${hole}_90.0_91.5_Wet.jpg`);
  const jpeg = await sharp(await markedPicture(99, 800, 600)).jpeg({ quality: 90 }).toBuffer();
  await writeFile(corrupt, jpeg.subarray(0, Math.round(jpeg.length / 2)));
  const empty = join(dir, `${hole}_91.5_93.0_Wet.jpg`);
  await writeFile(empty, '');
  const text = join(dir, `${hole}_93.0_94.5_Wet.jpg`);
  await writeFile(text, 'Tray 14, box 3: photo to follow.\n'.repeat(20));
  const wide = join(dir, `${hole}_94.5_96.0_Wet.png`);
  await sharp({ create: { width: 70_000, height: 4, channels: 3, background: '#888888' } }).png().toFile(wide);
  return {
    good,
    bad: [
      { path: corrupt, reason: /damaged|incomplete/i },
      { path: empty, reason: /empty/i },
      { path: text, reason: /not an image/i },
      { path: wide, reason: /65,?500/ },
    ],
  };
}
