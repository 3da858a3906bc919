/**
 * The desktop shell's part of the service layer: the log file, the busy-work registry, update
 * settings, sync notifications and diagnostics export, plus their bridge handlers. Plain Node: the
 * Electron-only pieces (native notifications, the folder dialog) come in through `DesktopHost`.
 */
import { join } from 'node:path';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { SyncOutcome } from '../../../common/bridge/desktop-contract';
import { CorelogError } from '../../../common/errors';
import { BusyWork } from './busy-work';
import { writeDiagnostics } from './diagnostics';
import { RotatingLogFile } from './log-file';
import { UpdateSettingsStore } from './update-settings';

export interface DesktopNotice {
  title: string;
  body: string;
}

/** What electron/main provides; browser mode and tests leave it out. */
export interface DesktopHost {
  /** Shows a native notification; false when the OS offers none. */
  notify?(notice: DesktopNotice): boolean;
  /** Asks where to put a diagnostics export; null when the user cancels. */
  chooseFolder?(title: string, defaultDir: string): Promise<string | null>;
  /** Where exports go by default (Documents in the desktop app). */
  defaultExportDir?: string;
}

export interface DesktopServicesOptions {
  dataDir: string;
  appVersion: string;
  transport: 'electron' | 'browser';
  env?: NodeJS.ProcessEnv;
  desktop?: DesktopHost;
}

type DesktopHandlerName = 'exportDiagnostics' | 'getUpdateSettings' | 'setUpdateSettings' | 'notifySyncOutcome' | 'beginBusyWork' | 'endBusyWork';

export interface DesktopServices {
  log: RotatingLogFile;
  busyWork: BusyWork;
  updates: UpdateSettingsStore;
  /** Call when a sync run ends: logs it and shows a native notification where there is one. */
  notifySyncOutcome(outcome: SyncOutcome): boolean;
  handlers: Pick<BridgeHandlers, DesktopHandlerName>;
}

const SYSTEM_NAMES = { imago: 'Imago', dougal: 'Dougal' } as const;

export function syncNotice({ system, ok, message }: SyncOutcome): DesktopNotice {
  return { title: `${SYSTEM_NAMES[system]} sync ${ok ? 'finished' : 'failed'}`, body: message };
}

export function createDesktopServices(options: DesktopServicesOptions): DesktopServices {
  const host = options.desktop ?? {};
  const log = new RotatingLogFile(join(options.dataDir, 'logs'));
  const busyWork = new BusyWork();
  const updates = new UpdateSettingsStore(join(options.dataDir, 'update-settings.json'), options.env);

  const notifySyncOutcome = (outcome: SyncOutcome): boolean => {
    (outcome.ok ? log.info : log.warn).call(log, `sync ${outcome.system} ${outcome.ok ? 'finished' : 'failed'}: ${outcome.message}`);
    return host.notify?.(syncNotice(outcome)) ?? false;
  };

  const handlers: DesktopServices['handlers'] = {
    async exportDiagnostics({ outbox, askWhere }) {
      const defaultDir = host.defaultExportDir ?? join(options.dataDir, 'diagnostics');
      const destinationDir = askWhere && host.chooseFolder ? await host.chooseFolder('Export diagnostics to…', defaultDir) : defaultDir;
      if (!destinationDir) throw new CorelogError('cancelled', 'Diagnostics were not exported.', { retryable: false });
      log.info('exporting diagnostics');
      const result = await writeDiagnostics({
        destinationDir,
        dataDir: options.dataDir,
        logFiles: log.files(),
        appVersion: options.appVersion,
        transport: options.transport,
        outbox,
        busyWork: busyWork.active(),
      });
      log.info(`diagnostics written to ${result.folder}`);
      return result;
    },
    getUpdateSettings: async () => updates.current,
    setUpdateSettings: async (settings) => updates.set(settings),
    notifySyncOutcome: async (outcome) => ({ shown: notifySyncOutcome(outcome) }),
    beginBusyWork: async ({ label }) => ({ token: busyWork.begin(label) }),
    endBusyWork: async ({ token }) => ({ remaining: busyWork.end(token) }),
  };

  return { log, busyWork, updates, notifySyncOutcome, handlers };
}
