/**
 * Photos for the soak: real JPEGs generated with sharp, each one distinct (random pixels), named
 * `<hole>_<from>_<to>_<imageType>.jpg` so Corelog's default filename pattern binds them. Upright
 * baseline JPEGs are stored by Corelog byte for byte, so the SHA-256 of the file we wrote is the
 * checksum Imago must end up holding: the soak's truth does not come from the app.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export interface SoakPhoto {
  path: string;
  name: string;
  from: number;
  to: number;
  imageType: 'Wet' | 'Dry';
  bytes: number;
  sha256: string;
}

/** `small` photos of about 0.1 MB and `large` ones of several MB (so an upload is really in flight). */
export async function writeSoakPhotos(dir: string, hole: string, counts: { small: number; large: number }): Promise<SoakPhoto[]> {
  const sizes = [...Array.from({ length: counts.large }, () => ({ width: 2600, height: 1800 })), ...Array.from({ length: counts.small }, () => ({ width: 420, height: 300 }))];
  const photos: SoakPhoto[] = [];
  for (const [index, size] of sizes.entries()) {
    const from = index * 1.5;
    const to = from + 1.5;
    const imageType = index % 2 === 0 ? 'Wet' : 'Dry';
    const name = `${hole}_${from.toFixed(1)}_${to.toFixed(1)}_${imageType}.jpg`;
    const path = join(dir, name);
    const pixels = randomBytes(size.width * size.height * 3);
    await sharp(pixels, { raw: { width: size.width, height: size.height, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
    const file = await readFile(path);
    photos.push({ path, name, from, to, imageType, bytes: file.length, sha256: createHash('sha256').update(file).digest('hex') });
  }
  return photos;
}
