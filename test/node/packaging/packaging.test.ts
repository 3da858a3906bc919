/**
 * Packages the app the way `npm run dist` does, but with the `dir` target and a placeholder Electron
 * runtime (real targets download tools from GitHub, which these machines cannot reach), then checks
 * what would ship: the asar's file list, sharp unpacked and loadable, no tests, no source maps, no
 * TypeScript, and the fuses flipped in the packaged binary.
 */
import { listPackage, extractAll } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corelogBuilderConfig, electronFuses, RUNTIME_NODE_MODULES } from '../../../build/electron-builder.config.mjs';
import { renderIcons } from '../../../scripts/icons.mjs';
import { writePlaceholderElectron } from './placeholder-electron';
import { build as esbuild } from 'esbuild';
import { sampleEmulatorsBuild } from '../../../scripts/sample-emulators-bundle.mjs';

const repo = resolve(import.meta.dirname, '../../..');
let work: string;
let appOut: string;
let asarFiles: string[];

/** A throw-away project: the real package.json and node_modules, the built app (or stand-ins), and planted strays. */
async function stageProject(project: string): Promise<void> {
  await mkdir(join(project, 'dist', 'electron'), { recursive: true });
  await mkdir(join(project, 'dist', 'renderer', 'assets'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(project, 'package.json'));
  // electron-builder asks `npm list` for the production dependencies; without the lockfile npm
  // judges the linked tree differently (extraneous/missing packages) and sharp's dependencies get lost.
  cpSync(join(repo, 'package-lock.json'), join(project, 'package-lock.json'));
  await symlink(join(repo, 'node_modules'), join(project, 'node_modules'), 'dir');
  const built = ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/decode-worker.cjs', 'dist/electron/structure-thread.cjs', 'dist/electron/sample-emulators.cjs', 'dist/renderer/index.html'].every((file) =>
    existsSync(join(repo, file)),
  );
  if (built) cpSync(join(repo, 'dist'), join(project, 'dist'), { recursive: true });
  else {
    await writeFile(join(project, 'dist/electron/main.cjs'), '"use strict";');
    await writeFile(join(project, 'dist/electron/preload.cjs'), '"use strict";');
    // The photo checker's process and its structure-walk threads load these beside main.cjs.
    await writeFile(join(project, 'dist/electron/decode-worker.cjs'), '"use strict";');
    await writeFile(join(project, 'dist/electron/structure-thread.cjs'), '"use strict";');
    await writeFile(join(project, 'dist/renderer/index.html'), '<!doctype html>');
  }
  // The sample systems' bundle is built from source into the package, however dist/ stands, so the
  // check below runs what this source produces from the packaged layout.
  await esbuild({ ...sampleEmulatorsBuild(join(project, 'dist/electron/sample-emulators.cjs')), absWorkingDir: repo });
  // Things a careless build could leave lying around; none of them may ship.
  await writeFile(join(project, 'dist/electron/main.cjs.map'), '{}');
  await writeFile(join(project, 'dist/renderer/assets/index.js.map'), '{}');
  await writeFile(join(project, 'dist/electron/leftover.ts'), 'export {};');
  await writeFile(join(project, 'dist/electron/web.mjs'), '// browser-mode server');
  await mkdir(join(project, 'test'), { recursive: true });
  await writeFile(join(project, 'test/app.test.ts'), 'export {};');
  await renderIcons(join(repo, 'build/icon.svg'), join(project, 'build/icons'));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'corelog-packaging-'));
  const project = join(work, 'project');
  await stageProject(project);
  const electronDist = await writePlaceholderElectron(join(work, 'electron-dist'));
  const { build, Platform, Arch } = await import('electron-builder');
  await build({
    projectDir: project,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: { ...corelogBuilderConfig(), electronDist, directories: { output: join(work, 'release'), buildResources: 'build' } } as never,
  });
  appOut = join(work, 'release', 'linux-unpacked');
  asarFiles = listPackage(join(appOut, 'resources', 'app.asar'), { isPack: false }).map((file) => file.replaceAll('\\', '/'));
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('packaged app (linux --dir against a placeholder Electron)', () => {
  it('contains the built app and package.json', () => {
    for (const file of [
      '/package.json',
      '/dist/electron/main.cjs',
      '/dist/electron/preload.cjs',
      '/dist/electron/decode-worker.cjs',
      '/dist/electron/structure-thread.cjs',
      '/dist/electron/sample-emulators.cjs',
      '/dist/renderer/index.html',
    ]) {
      expect(asarFiles).toContain(file);
    }
  });

  it('ships no tests, no source maps, no TypeScript and no browser-mode server', () => {
    expect(asarFiles.filter((file) => /\.map$/.test(file))).toEqual([]);
    expect(asarFiles.filter((file) => /\.(ts|tsx|mts|cts)$/.test(file))).toEqual([]);
    expect(asarFiles.filter((file) => /(^|\/)(test|tests|__tests__)(\/|$)|\.test\.|\.spec\./.test(file))).toEqual([]);
    expect(asarFiles).not.toContain('/dist/electron/web.mjs');
    expect(asarFiles.filter((file) => /^\/(electron|common|renderer|emulators|scripts)\//.test(file))).toEqual([]);
  });

  it('carries only sharp and its runtime dependencies in node_modules', () => {
    const topLevel = new Set(asarFiles.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/')[2]!));
    expect([...topLevel].sort()).toEqual([...RUNTIME_NODE_MODULES].sort());
  });

  it('unpacks sharp and its native files from the asar, and sharp loads from the packaged layout', async () => {
    const unpacked = join(appOut, 'resources', 'app.asar.unpacked', 'node_modules');
    expect(existsSync(join(unpacked, 'sharp', 'package.json'))).toBe(true);
    const native = readdirSync(join(unpacked, '@img'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.node'));
    expect(native.length).toBeGreaterThan(0);
    // What Electron's asar support does at run time: the archive, with unpacked files beside it.
    const extracted = join(work, 'extracted');
    extractAll(join(appOut, 'resources', 'app.asar'), extracted);
    cpSync(unpacked, join(extracted, 'node_modules'), { recursive: true });
    const version = execFileSync(process.execPath, ['-e', "process.stdout.write(require('./node_modules/sharp').versions.sharp)"], { cwd: extracted, encoding: 'utf8' });
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs the sample systems from the packaged layout: no tsx, no sources, admin endpoints off', async () => {
    const extracted = join(work, 'extracted-sample');
    extractAll(join(appOut, 'resources', 'app.asar'), extracted);
    cpSync(join(appOut, 'resources', 'app.asar.unpacked', 'node_modules'), join(extracted, 'node_modules'), { recursive: true });
    const state = join(work, 'sample-state');
    // What main.cjs does when someone chooses "Try it with sample systems" (load-sample-emulators.ts).
    const script = `
      const { startEmulators } = require('./dist/electron/sample-emulators.cjs');
      (async () => {
        const running = await startEmulators({ dataDir: ${JSON.stringify(state)}, adminEndpoints: false });
        const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const result = {
          imagoUrl: running.imago.server.baseUrl,
          session: (await post(running.imago.server.baseUrl + '/session', { username: 'demo', password: 'demo' })).status,
          login: (await post(running.dougal.server.baseUrl + '/login', { user: 'demo', password: 'demo' })).status,
          admin: [(await fetch(running.imago.server.origin + '/__admin/faults')).status, (await fetch(running.dougal.server.origin + '/__admin/faults')).status],
        };
        await running.close();
        process.stdout.write(JSON.stringify(result));
      })().catch((error) => { console.error(error); process.exit(1); });`;
    const output = execFileSync(process.execPath, ['-e', script], { cwd: extracted, encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(output)).toEqual({ imagoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/integrate\/2$/), session: 200, login: 204, admin: [404, 404] });
    // Seeded with its tray photos, kept where the app asked.
    expect(readdirSync(join(state, 'imago', 'images')).length).toBeGreaterThan(5);
  });

  it('flips the fuses in the packaged binary', async () => {
    const wire = await getCurrentFuseWire(join(appOut, 'corelog'));
    const expected = electronFuses();
    const state = (on: boolean) => (on ? 49 : 48);
    expect(wire[FuseV1Options.RunAsNode]).toBe(state(expected.runAsNode));
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(state(true));
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(state(false));
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(state(false));
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(state(true));
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(state(true));
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(state(false));
  });
});

describe('packaging configuration', () => {
  it('builds installers for every platform with versioned names', () => {
    const config = corelogBuilderConfig();
    expect(config).toMatchObject({ appId: 'com.corelog.desktop', productName: 'Corelog', asar: true });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.artifactName).toContain('${version}');
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/sharp/**', '**/node_modules/@img/**']));
  });
});
