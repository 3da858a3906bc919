#!/usr/bin/env node
// `npm start`: build, then open the desktop app; where the Electron runtime is missing, say so
// once, clearly, and run Corelog in browser mode instead so the work can still be done. Either way
// a fresh data folder opens on the first screen: try Corelog on the sample systems it runs itself
// (no second command, no account), or connect to your own Imago and Dougal.
import { spawn } from 'node:child_process';
import { findElectronRuntime } from './electron-runtime.mjs';

const passThrough = process.argv.slice(2);
const run = (command, args, env = process.env) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });

if ((await run(process.execPath, ['scripts/build.mjs'])) !== 0) process.exit(1);

const runtime = findElectronRuntime();
if (runtime.available) {
  process.exit(await run(runtime.path, ['.', ...passThrough]));
}

console.log(`
The Corelog desktop app needs the Electron runtime, which is not installed on this machine
(${runtime.reason}). It is normally downloaded from GitHub during \`npm install\`; this machine
could not reach it. To get it, run \`npm run electron:fetch\` on a machine with internet access
(or set ELECTRON_MIRROR to a reachable mirror first). Until then, Corelog runs in browser mode:
the same app and services, served on this computer only, opened in your web browser. On a first
run it offers to try Corelog with sample systems, started by Corelog itself on this computer.
`);
process.exit(await run(process.execPath, ['dist/electron/web.mjs', ...passThrough]));
