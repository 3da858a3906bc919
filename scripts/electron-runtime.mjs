// Where the Electron runtime is, or why it is not there.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

/** @returns {{ available: true, path: string } | { available: false, reason: string }} */
export function findElectronRuntime() {
  let path;
  try {
    // In plain Node, the electron package exports the binary's path, and throws when the runtime was never downloaded.
    path = require('electron');
  } catch (error) {
    return { available: false, reason: String(error?.message ?? error).split('\n')[0] };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { available: false, reason: `the runtime binary is missing (${path})` };
  return { available: true, path };
}
