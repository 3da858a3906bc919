/**
 * One soak world: the Imago and Dougal emulators in this process (the servers: never killed, their
 * state is the truth), Corelog's service in its own process, and our own Chromium on a persistent
 * profile. Either Corelog process can be SIGKILLed and started again on the same port, data folder,
 * page key and profile.
 */
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { FaultSettings } from '../../emulators/kit/faults';
import { startEmulators, type RunningEmulators } from '../../emulators/start-emulators';
import { appReady, openEventLog, openPhotos } from './corelog-ui';
import { SoakBrowser } from './soak-browser';
import { SoakService } from './soak-service';

export type Victim = 'service' | 'browser';
export type SystemName = 'imago' | 'dougal';

export interface RigOptions {
  /** A fresh folder for this world: service data, browser profile, photos, logs. */
  workDir: string;
  /** The repository root. */
  cwd: string;
}

/**
 * A private copy of the built renderer for the round: dist/ is shared with other work that may
 * rebuild it at any moment, and a page reopened after a kill must find the same files. Copied
 * only when index.html and every file it names are there (retried while a build is under way).
 */
async function snapshotRenderer(from: string, to: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const html = await readFile(join(from, 'index.html'), 'utf8').catch(() => '');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
    const present = html !== '' && assets.length > 0 && (await Promise.all(assets.map((a) => stat(join(from, a)).then(() => true, () => false)))).every(Boolean);
    if (present) {
      await cp(from, to, { recursive: true });
      const copied = await readFile(join(to, 'index.html'), 'utf8');
      if (copied === html) return to;
    }
    if (attempt === 20) throw new Error(`no complete renderer build in ${from}: run \`npm run build\` (or \`node scripts/build.mjs renderer\`) first`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export class SoakRig {
  private constructor(
    readonly emulators: RunningEmulators,
    readonly service: SoakService,
    readonly browser: SoakBrowser,
    readonly workDir: string,
  ) {}

  static async start(options: RigOptions): Promise<SoakRig> {
    const { workDir, cwd } = options;
    await mkdir(join(workDir, 'photos'), { recursive: true });
    const rendererDir = await snapshotRenderer(join(cwd, 'dist', 'renderer'), join(workDir, 'renderer'));
    const emulators = await startEmulators();
    const service = new SoakService({
      dataDir: join(workDir, 'service-data'),
      rendererDir,
      imagoUrl: emulators.imago.server.baseUrl,
      dougalUrl: emulators.dougal.server.baseUrl,
      logFile: join(workDir, 'service.log'),
      cwd,
    });
    const browser = new SoakBrowser({ profileDir: join(workDir, 'chromium-profile'), logFile: join(workDir, 'chromium.log'), bridgeTraceFile: join(workDir, 'bridge-trace.log') });
    const rig = new SoakRig(emulators, service, browser, workDir);
    try {
      await service.start();
      await browser.start(service.url);
      await appReady(rig.page);
      // Loaded once while both systems answer; from then on both screens work offline.
      await openEventLog(rig.page);
      await openPhotos(rig.page);
    } catch (error) {
      await rig.close();
      throw error;
    }
    return rig;
  }

  get page(): Page {
    if (!this.browser.page) throw new Error('the browser is not running');
    return this.browser.page;
  }

  /** Changes the fault knobs of one or both emulators (as PATCH /__admin/faults would). */
  faults(system: SystemName | 'both', patch: Partial<FaultSettings>): void {
    for (const name of system === 'both' ? (['imago', 'dougal'] as const) : [system]) {
      const server = this.emulators[name].server;
      server.faults = { ...server.faults, ...patch };
    }
  }

  async kill(victim: Victim): Promise<void> {
    if (victim === 'service') await this.service.kill();
    else await this.browser.kill();
  }

  /** Starts the killed process again; a browser reopens the same address (same origin, same profile). */
  async restart(victim: Victim): Promise<void> {
    if (victim === 'service') return this.service.start();
    await this.browser.start(this.service.url);
    await appReady(this.page);
  }

  async close(): Promise<void> {
    await this.browser.stop().catch(() => undefined);
    await this.service.stop().catch(() => undefined);
    await this.emulators.close().catch(() => undefined);
  }
}
