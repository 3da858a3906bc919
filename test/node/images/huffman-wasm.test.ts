/**
 * The structure walk's inner loop is WebAssembly compiled from wasm/jpeg-huffman.c and committed as
 * base64 (scripts/build-wasm.mjs), so nobody needs a C compiler to run Corelog. These tests keep the
 * committed module honest: it is what the source builds to, and it runs the walk (the hostile-input
 * tests in walk-thumbnail.test.ts and inspect-photo.test.ts check what it finds).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, findClang, moduleText } from '../../../scripts/build-wasm.mjs';
import { checkJpegBody, readJpegHeader } from '../../../electron/services/images/jpeg-structure';
import { grainyJpeg, makeTempDir } from './photo-fixtures';

const tools = findClang();

describe('the WebAssembly Huffman walker', () => {
  it.skipIf(tools === null)('is exactly what jpeg-huffman.c builds to (skipped where clang-14 and wasm-ld-14 are not installed)', async () => {
    const source = 'electron/services/images/wasm/jpeg-huffman.c';
    const built = moduleText({ source, name: 'JPEG_HUFFMAN_WASM' }, compile(source, tools!));
    expect(await readFile('electron/services/images/wasm/jpeg-huffman-wasm.ts', 'utf8')).toBe(built);
  });

  it('walks a photo and hashes every byte of it, the same whether read from memory or from the file', async () => {
    const jpeg = await grainyJpeg(1200, 800);
    const header = await readJpegHeader(jpeg);
    const fromMemory = await checkJpegBody(jpeg, header, { dcImage: true, hash: true });
    expect(fromMemory.content).toEqual({ sha256: createHash('sha256').update(jpeg).digest('hex'), bytes: jpeg.length });
    expect(fromMemory.dcImage).toMatchObject({ width: 150, height: 100, channels: 3 });
    const { dir, cleanup } = await makeTempDir('corelog-wasm-walk-');
    try {
      const path = join(dir, 'photo.jpg');
      await writeFile(path, jpeg);
      const fromFile = await checkJpegBody(path, header, { dcImage: true, hash: true });
      expect(fromFile.content).toEqual(fromMemory.content);
      expect(Buffer.from(fromFile.dcImage!.pixels).equals(Buffer.from(fromMemory.dcImage!.pixels))).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

if (tools === null) console.warn('huffman-wasm.test.ts: no clang-14/wasm-ld-14 here (apt-get install clang-14 lld-14): the build check is skipped');
