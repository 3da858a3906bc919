import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImageDamage } from '../../../electron/services/images/image-damage';
import { readJpegHeader } from '../../../electron/services/images/jpeg-structure';
import { readPngHeader } from '../../../electron/services/images/png-structure';
import { checkStructureBody, useStructureThreads } from '../../../electron/services/images/structure-threads';
import { corruptJpegData, flipPngByte, grainyJpeg, makeTempDir } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let good: string;
let corrupt: string;
let badPng: string;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-threads-'));
  const jpeg = await grainyJpeg(1200, 800);
  good = join(dir, 'good.jpg');
  corrupt = join(dir, 'corrupt.jpg');
  badPng = join(dir, 'bad.png');
  await writeFile(good, jpeg);
  await writeFile(corrupt, corruptJpegData(jpeg, 0.6, 1500));
  await writeFile(badPng, flipPngByte(await sharp({ create: { width: 300, height: 200, channels: 3, background: '#6b5a44' } }).png().toBuffer(), 'IDAT'));
});
afterAll(() => cleanup());
afterEach(() => useStructureThreads(true));

async function outcome(path: string): Promise<string> {
  const structure = path.endsWith('.png') ? ({ kind: 'png', header: await readPngHeader(path) } as const) : ({ kind: 'jpeg', header: await readJpegHeader(path) } as const);
  return checkStructureBody(structure, path).then(
    () => 'intact',
    (error: unknown) => (error instanceof ImageDamage ? error.what : `unexpected: ${String(error)}`),
  );
}

describe('structure walks on worker threads', () => {
  it('give each of many walks side by side its own answer', async () => {
    const paths = [good, corrupt, badPng, good, corrupt, badPng, good];
    const answers = await Promise.all(paths.map(outcome));
    const [intact, damaged, png] = answers;
    expect(intact).toBe('intact');
    expect(damaged).toMatch(/^its image data is corrupt \(.+\)$/);
    expect(png).toBe('its image data is corrupt (IDAT: CRC error)');
    expect(answers).toEqual([intact, damaged, png, intact, damaged, png, intact]);
  });

  it('find the same with the threads off (as in the decode worker)', async () => {
    const threaded = await Promise.all([good, corrupt, badPng].map(outcome));
    useStructureThreads(false);
    expect(await Promise.all([good, corrupt, badPng].map(outcome))).toEqual(threaded);
  });
});
