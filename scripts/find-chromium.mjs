#!/usr/bin/env node
// The Chromium the browser tests drive, found on a fresh machine without any set-up:
//   1. CHROMIUM_PATH, when set (and then it must be right: a wrong one fails, it is not skipped);
//   2. Playwright's own browser (`npx playwright install chromium` puts it in its cache);
//   3. the system's Chromium or Chrome (chromium, chromium-browser, google-chrome… on PATH, and the
//      usual install folders on macOS and Windows).
// Where none is found, `ensureChromium` installs one the way the platform allows — Debian's
// `apt-get install -y chromium` when running as root with apt, Playwright's installer otherwise —
// or fails at once with the one command to run. `npm test` (scripts/test-all.mjs) calls it first;
// playwright.config.ts uses `findChromium` (no installing there).
//
//   node scripts/find-chromium.mjs            prints the path (installing if needed) or the command
//   node scripts/find-chromium.mjs --no-install
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Names of a system Chromium or Chrome on PATH, per platform. */
export const SYSTEM_BROWSER_NAMES = {
  linux: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'],
  darwin: ['chromium', 'google-chrome', 'google-chrome-stable'],
  win32: ['chrome.exe', 'chromium.exe', 'msedge.exe'],
};

/** Where the browsers install themselves outside PATH. */
export function systemBrowserFolders(platform, env) {
  if (platform === 'darwin') {
    return ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(Boolean);
    return roots.flatMap((root) => [join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(root, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return [];
}

/** A regular file we may execute (on Windows: one that exists). */
export function isExecutableFile(path, platform = process.platform) {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where Playwright keeps (or would keep) its own Chromium; null when Playwright cannot say. */
export function playwrightChromiumPath() {
  try {
    return require('playwright-core').chromium.executablePath() || null;
  } catch {
    return null;
  }
}

/**
 * Finds a Chromium without installing anything.
 * @param {{ env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, isExecutable?: (path: string) => boolean, playwrightPath?: () => string | null }} [options]
 * @returns {{ path: string, source: 'CHROMIUM_PATH' | 'playwright' | 'system' } | { path: null, problem: string }}
 */
export function findChromium(options = {}) {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const isExecutable = options.isExecutable ?? ((path) => isExecutableFile(path, platform));
  const playwrightPath = options.playwrightPath ?? playwrightChromiumPath;

  if (env.CHROMIUM_PATH) {
    if (isExecutable(env.CHROMIUM_PATH)) return { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
    // Someone chose this browser on purpose: using another one instead would hide the mistake.
    return { path: null, problem: `CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, which is not a program that can be run. Point it at a Chromium or Chrome, or unset it.` };
  }
  const own = playwrightPath();
  if (own && isExecutable(own)) return { path: own, source: 'playwright' };
  const names = SYSTEM_BROWSER_NAMES[platform] ?? SYSTEM_BROWSER_NAMES.linux;
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return { path: candidate, source: 'system' };
    }
  }
  for (const candidate of systemBrowserFolders(platform, env)) if (isExecutable(candidate)) return { path: candidate, source: 'system' };
  return { path: null, problem: 'No Chromium or Chrome was found (CHROMIUM_PATH, Playwright’s browsers, or chromium / chromium-browser / google-chrome on PATH).' };
}

const onPath = (name, env) => (env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutableFile(join(dir, name)));

/**
 * How this machine can get a Chromium, in the order tried: Debian's package when we are root and
 * apt is there (it brings the libraries Chromium needs), else Playwright's installer (no root
 * needed: it downloads into the user's cache).
 */
export function installPlans({ env = process.env, platform = process.platform, isRoot = process.getuid?.() === 0, hasApt = platform === 'linux' && onPath('apt-get', env), playwrightCli = defaultPlaywrightCli() } = {}) {
  const plans = [];
  if (platform === 'linux' && isRoot && hasApt) {
    plans.push({
      label: "Debian's chromium package",
      steps: [
        ['apt-get', ['update', '-qq']],
        ['apt-get', ['install', '-y', '-qq', 'chromium']],
      ],
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (playwrightCli) plans.push({ label: "Playwright's Chromium", steps: [[process.execPath, [playwrightCli, 'install', 'chromium']]], env: {} });
  return plans;
}

/** The one command that gets a Chromium here, for the message when nothing could be installed. */
export function installCommand({ env = process.env, platform = process.platform, isRoot = process.getuid?.() === 0, hasApt = platform === 'linux' && onPath('apt-get', env) } = {}) {
  if (platform === 'linux' && hasApt) return `${isRoot ? '' : 'sudo '}apt-get install -y chromium`;
  return 'npx playwright install chromium';
}

function defaultPlaywrightCli() {
  for (const id of ['playwright/cli.js', '@playwright/test/cli.js']) {
    try {
      return require.resolve(id);
    } catch {
      // not installed under this name
    }
  }
  return null;
}

function runStep([command, args], extraEnv) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv }, timeout: 15 * 60_000 });
  return result.status === 0;
}

/**
 * Finds a Chromium, installing one when there is none (unless `install` is false or
 * CORELOG_NO_BROWSER_INSTALL=1). Never throws: answers the path, or the problem and the command.
 * @returns {{ path: string, source: string, installed: boolean } | { path: null, problem: string, command: string }}
 */
export function ensureChromium(options = {}) {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => console.log(line));
  const found = findChromium(options);
  if (found.path) return { ...found, installed: false };
  const command = options.command ?? installCommand(options);
  if (env.CHROMIUM_PATH) return { path: null, problem: found.problem, command: 'unset CHROMIUM_PATH, or set it to a Chromium or Chrome' };
  const install = options.install ?? env.CORELOG_NO_BROWSER_INSTALL !== '1';
  if (!install) return { path: null, problem: found.problem, command };
  const run = options.run ?? runStep;
  for (const plan of options.plans ?? installPlans(options)) {
    log(`No Chromium found; installing ${plan.label} for the browser tests…`);
    if (!plan.steps.every((step) => run(step, plan.env))) {
      log(`Installing ${plan.label} did not work.`);
      continue;
    }
    const after = findChromium(options);
    if (after.path) return { ...after, installed: true };
  }
  return { path: null, problem: found.problem, command };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = ensureChromium({ install: !process.argv.includes('--no-install'), log: (line) => console.error(line) });
  if (result.path) {
    console.log(result.path);
  } else {
    console.error(`${result.problem}\nRun: ${result.command}`);
    process.exit(1);
  }
}
