#!/usr/bin/env node
// The `corelog` command (`npx corelog import …` in the repository). Runs the bundle scripts/build.mjs
// makes (dist/electron/corelog-cli.mjs); in a checkout that has not been built, or with
// CORELOG_CLI_FROM_SOURCE=1, the TypeScript source through tsx (a dev dependency).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/electron/corelog-cli.mjs', import.meta.url);
if (existsSync(fileURLToPath(built)) && process.env.CORELOG_CLI_FROM_SOURCE !== '1') {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/services/archive-import/cli-entry.ts', import.meta.url).href);
}
