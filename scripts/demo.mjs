#!/usr/bin/env node
// `npm run demo`: the emulators plus Corelog already pointed at them and signed in with the demo
// accounts, so a newcomer sees a working app with data in one command. Demo data lives in its own
// folder (.demo-data/ here), never in your real Corelog data.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const dataRoot = resolve(process.env.CORELOG_DEMO_DIR ?? '.demo-data');
mkdirSync(dataRoot, { recursive: true });
const children = [];
const stopAll = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);

const emulators = spawn(process.execPath, ['--import', 'tsx', 'emulators/cli.ts', '--imago-port', '4010', '--dougal-port', '4020', '--data', resolve(dataRoot, 'emulators')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(emulators);
emulators.on('exit', (code) => {
  if (code) console.error(`The emulators stopped (exit ${code}); stopping the demo.`);
  stopAll();
  process.exit(code ?? 0);
});

let output = '';
emulators.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk;
  if (!output.includes('Dougal emulator:') || children.length > 1) return;
  const app = spawn(process.execPath, ['scripts/start.mjs'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      CORELOG_DATA_DIR: resolve(dataRoot, 'app'),
      CORELOG_IMAGO_URL: 'http://127.0.0.1:4010/integrate/2',
      CORELOG_DOUGAL_URL: 'http://127.0.0.1:4020/api',
      CORELOG_DEMO_LOGINS: '1',
    },
  });
  children.push(app);
  app.on('exit', (code) => {
    stopAll();
    process.exit(code ?? 0);
  });
});
