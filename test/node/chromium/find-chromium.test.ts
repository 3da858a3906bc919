/**
 * How `npm test` finds (or gets) a Chromium on a fresh machine: real files in a fake PATH, fake
 * environments, and an installer stand-in that "installs" by writing a browser where the real one
 * would land. Nothing is really installed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureChromium, findChromium, installCommand, installPlans, type EnsureChromiumOptions } from '../../../scripts/find-chromium.mjs';

let dir: string;
let bin: string;
let usrBin: string;

/** An executable file (a shell script), as a browser on disk looks to the finder. */
function program(path: string, mode = 0o755): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\necho Chromium 1.0\n');
  chmodSync(path, mode);
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'corelog-chromium-'));
  bin = join(dir, 'bin');
  usrBin = join(dir, 'usr-bin');
  mkdirSync(bin);
  mkdirSync(usrBin);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const linux = (env: NodeJS.ProcessEnv, playwright: string | null = null): EnsureChromiumOptions => ({ env, platform: 'linux', playwrightPath: () => playwright });

describe('finding a Chromium', () => {
  it('takes CHROMIUM_PATH first, when it can be run', () => {
    const chosen = program(join(dir, 'opt', 'my-chromium'));
    program(join(usrBin, 'chromium'));
    expect(findChromium(linux({ CHROMIUM_PATH: chosen, PATH: usrBin }, program(join(dir, 'pw', 'chrome'))))).toEqual({ path: chosen, source: 'CHROMIUM_PATH' });
  });

  it('refuses a CHROMIUM_PATH that is missing or not executable instead of silently using another browser', () => {
    program(join(usrBin, 'chromium'));
    const missing = findChromium(linux({ CHROMIUM_PATH: join(dir, 'nope'), PATH: usrBin }));
    expect(missing).toMatchObject({ path: null, problem: expect.stringContaining(join(dir, 'nope')) });
    const notExecutable = program(join(dir, 'plain-file'), 0o644);
    // (Root too: a file without any execute bit cannot be run by anyone.)
    expect(findChromium(linux({ CHROMIUM_PATH: notExecutable, PATH: usrBin })).path).toBeNull();
    expect(findChromium(linux({ CHROMIUM_PATH: dir, PATH: usrBin })).path).toBeNull(); // a folder
  });

  it('then Playwright’s own browser, when it is installed', () => {
    const own = program(join(dir, 'ms-playwright', 'chromium-1', 'chrome'));
    program(join(usrBin, 'chromium'));
    expect(findChromium(linux({ PATH: usrBin }, own))).toEqual({ path: own, source: 'playwright' });
    // Playwright names a path it has not downloaded yet: not a browser.
    expect(findChromium(linux({ PATH: usrBin }, join(dir, 'ms-playwright', 'chromium-2', 'chrome')))).toEqual({ path: join(usrBin, 'chromium'), source: 'system' });
  });

  it('then the system’s chromium, chromium-browser or google-chrome on PATH, in that order of names', () => {
    program(join(bin, 'google-chrome'));
    expect(findChromium(linux({ PATH: [bin, usrBin].join(delimiter) }))).toEqual({ path: join(bin, 'google-chrome'), source: 'system' });
    program(join(usrBin, 'chromium-browser'));
    expect(findChromium(linux({ PATH: [bin, usrBin].join(delimiter) }))).toEqual({ path: join(usrBin, 'chromium-browser'), source: 'system' });
    program(join(usrBin, 'chromium'));
    expect(findChromium(linux({ PATH: [bin, usrBin].join(delimiter) }))).toEqual({ path: join(usrBin, 'chromium'), source: 'system' });
  });

  it('skips a chromium on PATH that cannot be run, and empty PATH entries', () => {
    program(join(bin, 'chromium'), 0o644);
    program(join(usrBin, 'google-chrome'));
    expect(findChromium(linux({ PATH: `${delimiter}${bin}${delimiter}${usrBin}` }))).toEqual({ path: join(usrBin, 'google-chrome'), source: 'system' });
  });

  it('looks in Chrome’s install folder on Windows', () => {
    const chrome = join(dir, 'Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe');
    const exists = new Set([chrome]);
    expect(findChromium({ env: { PROGRAMFILES: join(dir, 'Program Files'), PATH: '' }, platform: 'win32', playwrightPath: () => null, isExecutable: (p) => exists.has(p) })).toEqual({ path: chrome, source: 'system' });
  });

  it('says plainly when there is none', () => {
    expect(findChromium(linux({ PATH: usrBin }))).toEqual({ path: null, problem: expect.stringMatching(/^No Chromium or Chrome was found/) });
  });

  it('finds this machine’s browser from the command line, as npm test does', () => {
    const printed = execFileSync(process.execPath, ['scripts/find-chromium.mjs', '--no-install'], { encoding: 'utf8' }).trim();
    expect(findChromium()).toMatchObject({ path: printed });
  });
});

describe('getting a Chromium where there is none', () => {
  it('as root with apt: installs Debian’s chromium package, then uses it', () => {
    const ran: string[] = [];
    const result = ensureChromium({
      ...linux({ PATH: usrBin }),
      isRoot: true,
      hasApt: true,
      playwrightCli: '/x/playwright/cli.js',
      log: () => undefined,
      run: ([command, args], env) => {
        ran.push([command, ...args].join(' '));
        expect(env).toMatchObject({ DEBIAN_FRONTEND: 'noninteractive' });
        if (args.includes('install')) program(join(usrBin, 'chromium'));
        return true;
      },
    });
    expect(ran).toEqual(['apt-get update -qq', 'apt-get install -y -qq chromium']);
    expect(result).toEqual({ path: join(usrBin, 'chromium'), source: 'system', installed: true });
  });

  it('without root: uses Playwright’s installer and then its browser', () => {
    const own = join(dir, 'ms-playwright', 'chromium-1', 'chrome');
    const ran: string[][] = [];
    const result = ensureChromium({
      ...linux({ PATH: usrBin }, own),
      isRoot: false,
      hasApt: true,
      playwrightCli: '/x/playwright/cli.js',
      log: () => undefined,
      run: ([command, args]) => {
        ran.push([command, ...args]);
        program(own);
        return true;
      },
    });
    expect(ran).toEqual([[process.execPath, '/x/playwright/cli.js', 'install', 'chromium']]);
    expect(result).toEqual({ path: own, source: 'playwright', installed: true });
  });

  it('falls back to Playwright’s installer when the package install fails', () => {
    const own = join(dir, 'ms-playwright', 'chromium-1', 'chrome');
    const ran: string[] = [];
    const result = ensureChromium({
      ...linux({ PATH: usrBin }, own),
      isRoot: true,
      hasApt: true,
      playwrightCli: '/x/cli.js',
      log: () => undefined,
      run: ([command, args]) => {
        ran.push(command === 'apt-get' ? `apt-get ${args[0]}` : 'playwright');
        if (command === 'apt-get') return false;
        program(own);
        return true;
      },
    });
    expect(ran).toEqual(['apt-get update', 'playwright']);
    expect(result).toMatchObject({ path: own, installed: true });
  });

  it('fails at once with the one command to run when nothing can be installed', () => {
    const result = ensureChromium({ ...linux({ PATH: usrBin }), isRoot: false, hasApt: true, playwrightCli: '/x/cli.js', log: () => undefined, run: () => false });
    expect(result).toEqual({ path: null, problem: expect.stringMatching(/^No Chromium/), command: 'sudo apt-get install -y chromium' });
  });

  it('installs nothing when asked not to (CORELOG_NO_BROWSER_INSTALL=1), and says what to run', () => {
    let ran = 0;
    const result = ensureChromium({
      ...linux({ PATH: usrBin, CORELOG_NO_BROWSER_INSTALL: '1' }),
      platform: 'darwin',
      run: () => {
        ran++;
        return true;
      },
    });
    expect(ran).toBe(0);
    expect(result).toMatchObject({ path: null, command: 'npx playwright install chromium' });
  });

  it('never installs over a wrong CHROMIUM_PATH', () => {
    let ran = 0;
    const result = ensureChromium({ ...linux({ PATH: usrBin, CHROMIUM_PATH: join(dir, 'missing') }), isRoot: true, hasApt: true, run: () => Boolean(++ran) });
    expect(ran).toBe(0);
    expect(result).toMatchObject({ path: null, problem: expect.stringContaining('CHROMIUM_PATH') });
  });

  it('plans per platform: apt only for root on Linux with apt-get; the command names what fits', () => {
    expect(installPlans({ platform: 'linux', isRoot: true, hasApt: true, playwrightCli: '/cli.js' }).map((p) => p.label)).toEqual(["Debian's chromium package", "Playwright's Chromium"]);
    expect(installPlans({ platform: 'linux', isRoot: false, hasApt: true, playwrightCli: '/cli.js' }).map((p) => p.label)).toEqual(["Playwright's Chromium"]);
    expect(installPlans({ platform: 'darwin', isRoot: true, hasApt: false, playwrightCli: '/cli.js' }).map((p) => p.label)).toEqual(["Playwright's Chromium"]);
    expect(installCommand({ platform: 'linux', isRoot: true, hasApt: true })).toBe('apt-get install -y chromium');
    expect(installCommand({ platform: 'linux', isRoot: false, hasApt: false })).toBe('npx playwright install chromium');
    expect(installCommand({ platform: 'win32', isRoot: false })).toBe('npx playwright install chromium');
  });
});
