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
    const message = String(error?.message ?? error).split('\n')[0];
    // electron's own message ("failed to install correctly, please delete node_modules…") suggests a
    // broken install; here it only means the runtime download was skipped or failed.
    const reason = /failed to install correctly/i.test(message) ? 'the runtime was never downloaded' : message;
    return { available: false, reason };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { available: false, reason: `the runtime binary is missing (${path})` };
  return { available: true, path };
}
