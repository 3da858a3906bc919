#!/usr/bin/env node
// Builds everything `npm start`, `npm run web` and packaging need into dist/:
//   dist/renderer/          the React UI (Vite)
//   dist/electron/main.cjs  Electron main process      (esbuild; electron and sharp stay external)
//   dist/electron/preload.cjs  sandboxed preload        (esbuild; only `electron` may be required)
//   dist/electron/web.mjs   browser-mode server        (esbuild)
//   dist/electron/corelog-cli.mjs  the `corelog` command (`corelog import …`; bin/corelog.mjs runs it)
//   dist/electron/decode-worker.cjs  child process for heavy photo decodes (esbuild; sharp stays external)
//   dist/electron/structure-thread.cjs  worker thread walking JPEG/PNG structure (esbuild)
//   dist/electron/sample-emulators.cjs  the Imago and Dougal emulators the app runs as its sample
//                                       systems, loaded only when they are used (esbuild; sharp stays external)
import { build as esbuild } from 'esbuild';
import { readFileSync } from 'node:fs';
import { build as viteBuild } from 'vite';
import { sampleEmulatorsBuild } from './sample-emulators-bundle.mjs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const only = process.argv[2];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  define: { __APP_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
};

const started = Date.now();
const jobs = [];
if (!only || only === 'renderer') jobs.push(viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' }));
if (!only || only === 'electron') {
  jobs.push(
    esbuild({
      ...common,
      entryPoints: ['electron/main/index.main.ts'],
      outfile: 'dist/electron/main.cjs',
      format: 'cjs',
      external: ['electron', 'sharp'],
      // CommonJS has no import.meta; code that needs its own path checks __filename first.
      define: { ...common.define, 'import.meta.url': 'undefined' },
    }),
    // Photo checks off the main thread: the decode worker (a child process) and the structure-check thread.
    esbuild({
      ...common,
      entryPoints: ['electron/services/images/decode-worker.ts'],
      outfile: 'dist/electron/decode-worker.cjs',
      format: 'cjs',
      external: ['sharp'],
      define: { ...common.define, 'import.meta.url': 'undefined' },
    }),
    esbuild({ ...common, entryPoints: ['electron/services/images/structure-thread.ts'], outfile: 'dist/electron/structure-thread.cjs', format: 'cjs' }),
    // The sample systems: the emulators, so the desktop app and browser mode run them without tsx.
    esbuild(sampleEmulatorsBuild('dist/electron/sample-emulators.cjs')),
    esbuild({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] }),
    esbuild({
      ...common,
      entryPoints: ['electron/browser-mode/web-entry.ts'],
      outfile: 'dist/electron/web.mjs',
      format: 'esm',
      external: ['sharp'],
      // Bundled CommonJS dependencies (ws) still call require() for Node built-ins.
      banner: { js: "import { createRequire as __corelogRequire } from 'node:module'; const require = __corelogRequire(import.meta.url);" },
    }),
    // Next to structure-thread.cjs and decode-worker.cjs, which the image checks start from their own folder.
    esbuild({
      ...common,
      entryPoints: ['electron/services/archive-import/cli-entry.ts'],
      outfile: 'dist/electron/corelog-cli.mjs',
      format: 'esm',
      external: ['sharp'],
      banner: { js: "import { createRequire as __corelogRequire } from 'node:module'; const require = __corelogRequire(import.meta.url);" },
    }),
  );
}
await Promise.all(jobs);
console.log(`[corelog] built ${only ?? 'renderer and electron bundles'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
