#!/usr/bin/env node
// `npm run icons`: renders every app icon from the one source image, build/icon.svg, into
// build/icons/<size>x<size>.png (generated, not checked in). electron-builder turns these into
// the Linux icon set, the Windows .ico (from 256x256) and the macOS .icns (from 1024x1024).
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Renders the PNGs into `outDir`; returns their paths. */
export async function renderIcons(sourceSvg = 'build/icon.svg', outDir = 'build/icons') {
  mkdirSync(outDir, { recursive: true });
  const svg = readFileSync(sourceSvg);
  return Promise.all(
    ICON_SIZES.map(async (size) => {
      const file = `${outDir}/${size}x${size}.png`;
      // Render at a density that gives at least `size` pixels, then downsample for crisp small sizes.
      await sharp(svg, { density: Math.max(72, Math.ceil((72 * size) / 1024) * 2) }).resize(size, size).png({ compressionLevel: 9 }).toFile(file);
      return file;
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const files = await renderIcons();
  console.log(`[corelog] rendered ${files.length} icons into build/icons in ${Date.now() - started} ms`);
}
