import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Browser tests load the built renderer; build it once per run (about a second). */
export default function globalSetup(): void {
  if (process.env.CORELOG_SKIP_BUILD && existsSync('dist/renderer/index.html')) return;
  execFileSync(process.execPath, ['scripts/build.mjs', 'renderer'], { stdio: 'inherit' });
}
