/**
 * Loads the emulators for the sample systems. In the built app (dist/electron/main.cjs or web.mjs)
 * they are their own bundle beside this one, so they run without tsx and stay out of memory until
 * someone uses them; from source (tests, tsx) the TypeScript entry is imported directly.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as SampleEmulators from './sample-emulators-entry';

export type SampleEmulatorsModule = typeof SampleEmulators;

/** The bundle's file name in dist/electron (scripts/build.mjs writes it, electron-builder ships it). */
export const SAMPLE_EMULATORS_BUNDLE = 'sample-emulators.cjs';

let loaded: Promise<SampleEmulatorsModule> | null = null;

export function loadSampleEmulators(): Promise<SampleEmulatorsModule> {
  loaded ??= load();
  loaded.catch(() => (loaded = null));
  return loaded;
}

async function load(): Promise<SampleEmulatorsModule> {
  // In the CommonJS bundle (Electron main) `__filename` is the bundle; everywhere else this is ESM.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  if (/\.[cm]?js$/.test(here)) {
    return createRequire(here)(join(dirname(here), SAMPLE_EMULATORS_BUNDLE)) as SampleEmulatorsModule;
  }
  // A computed specifier, so the bundler leaves this branch (source only) alone.
  const source = pathToFileURL(join(dirname(here), 'sample-emulators-entry.ts')).href;
  return (await import(/* @vite-ignore */ source)) as SampleEmulatorsModule;
}
