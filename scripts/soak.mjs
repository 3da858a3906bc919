#!/usr/bin/env node
// `npm run soak -- --runs N [--seed S] [--only a,b] [--drain-timeout SECONDS] [--json FILE] [--keep]`:
// the kill -9 soak (test/soak/soak-cli.ts). Builds the renderer first (the service process serves
// dist/renderer), unless CORELOG_SKIP_BUILD is set and a build is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!(process.env.CORELOG_SKIP_BUILD && existsSync('dist/renderer/index.html'))) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const soak = spawnSync(process.execPath, ['--import', 'tsx', 'test/soak/soak-cli.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(soak.status ?? 1);
