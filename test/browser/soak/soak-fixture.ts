/**
 * The soak world as a Playwright fixture for the short kill -9 specs: a real service process and
 * our own Chromium on a persistent profile (test/soak/soak-rig.ts), stopped even when the test
 * times out. A failed test keeps its folder and attaches the service log and bridge trace.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { SoakRig } from '../../soak/soak-rig';
import { removeTestFolder } from '../../support/temp-folder';

export { expect } from '@playwright/test';

/** `name` names the temp folder and the line saying where a failed run's logs are. */
export function soakTest(name: string) {
  return base.extend<{ rig: SoakRig }>({
    rig: async ({}, use, testInfo) => {
      const workDir = await mkdtemp(join(tmpdir(), `corelog-${name}-`));
      const rig = await SoakRig.start({ workDir, cwd: process.cwd() });
      await use(rig);
      await rig.close();
      if (testInfo.status === testInfo.expectedStatus) {
        await removeTestFolder(workDir);
      } else {
        for (const file of ['service.log', 'bridge-trace.log']) await testInfo.attach(file, { path: join(workDir, file) }).catch(() => undefined);
        console.log(`${name}: logs kept in ${workDir}`);
      }
    },
  });
}
