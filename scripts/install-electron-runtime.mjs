#!/usr/bin/env node
// Fetches the Electron runtime after `npm install`, tolerating failure.
//
// Why this exists: electron's own postinstall downloads the runtime from GitHub and exits 1
// when it cannot, which fails the whole `npm install`/`npm ci` on machines without internet
// (our CI and dev machines). package.json's `allowScripts` denies that script, and this one
// runs it instead: on a machine with internet the runtime is fetched as usual; without, the
// install still succeeds and `npm start` falls back to browser mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { lookup } from 'node:dns/promises';

const require = createRequire(import.meta.url);

function findElectronInstaller() {
  try {
    return require.resolve('electron/install.js');
  } catch {
    return null;
  }
}

async function canReachDownloadHost() {
  // A quick DNS look-up saves ~45 s of @electron/get retries on a closed network.
  if (process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror) return true;
  try {
    await Promise.race([
      lookup('github.com'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('dns timeout')), 3000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

function explainSkip(reason) {
  console.log(
    `[corelog] Electron runtime not installed (${reason}). ` +
      'Everything installs and tests run without it; `npm start` opens Corelog in your browser instead. ' +
      'To get the desktop app, run `npm run electron:fetch` on a machine that can reach github.com ' +
      '(or set ELECTRON_MIRROR to a mirror).',
  );
}

async function main() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return explainSkip('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  const installer = findElectronInstaller();
  if (!installer) return explainSkip('the electron package is not installed');
  if (!(await canReachDownloadHost())) return explainSkip('github.com cannot be reached from this machine');
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], { stdio: 'inherit' });
    child.on('exit', (status) => resolve(status ?? 1));
    child.on('error', () => resolve(1));
  });
  if (code !== 0) explainSkip(`the download failed with exit code ${code}`);
  else if (existsSync(installer)) console.log('[corelog] Electron runtime installed.');
}

main().catch((error) => explainSkip(String(error?.message ?? error)));
