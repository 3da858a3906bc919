/**
 * The desktop shell's part of the service layer: the log file, the busy-work registry, update
 * settings, sync notifications and diagnostics export, plus their bridge handlers. Plain Node: the
 * Electron-only pieces (native notifications, the folder dialog) come in through `DesktopHost`.
 */
import { join } from 'node:path';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { ScreenFailure, SyncOutcome } from '../../../common/bridge/desktop-contract';
import { CorelogError } from '../../../common/errors';
import type { ReportPdfHost } from '../photos/hole-report-pdf';
import { BusyWork } from './busy-work';
import { writeDiagnostics } from './diagnostics';
import { RotatingLogFile } from './log-file';
import { PendingWork } from './pending-work';
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
  /** Prints the page to PDF and asks where to save it (the hole report); browser mode prints from the page. */
  reportPdf?: ReportPdfHost;
}

export interface DesktopServicesOptions {
  dataDir: string;
  appVersion: string;
  transport: 'electron' | 'browser';
  env?: NodeJS.ProcessEnv;
  desktop?: DesktopHost;
}

type DesktopHandlerName =
  | 'exportDiagnostics'
  | 'getUpdateSettings'
  | 'setUpdateSettings'
  | 'notifySyncOutcome'
  | 'beginBusyWork'
  | 'endBusyWork'
  | 'reportPendingWork'
  | 'reportScreenFailure';

/** How many screen failures of this run diagnostics list (each is in the log as well). */
const SCREEN_FAILURES_KEPT = 20;

export interface DesktopServices {
  log: RotatingLogFile;
  busyWork: BusyWork;
  updates: UpdateSettingsStore;
  /** The renderer's outbox counts, for the close dialog and the background icon. */
  pendingWork: PendingWork;
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
  const pendingWork = new PendingWork();
  const screenFailures: (Pick<ScreenFailure, 'screen' | 'message'> & { at: string })[] = [];

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
        screenFailures,
      });
      log.info(`diagnostics written to ${result.folder}`);
      return result;
    },
    getUpdateSettings: async () => updates.current,
    setUpdateSettings: async (settings) => updates.set(settings),
    notifySyncOutcome: async (outcome) => ({ shown: notifySyncOutcome(outcome) }),
    beginBusyWork: async ({ label }) => ({ token: busyWork.begin(label) }),
    endBusyWork: async ({ token }) => ({ remaining: busyWork.end(token) }),
    reportPendingWork: async (counts) => {
      pendingWork.update(counts);
      return { total: pendingWork.total };
    },
    reportScreenFailure: async ({ screen, message, stack, componentStack }) => {
      log.error(`screen failed: ${screen}: ${message}`, [stack, componentStack && `in component:${componentStack}`].filter(Boolean).join('\n') || undefined);
      screenFailures.push({ at: new Date().toISOString(), screen, message });
      screenFailures.splice(0, screenFailures.length - SCREEN_FAILURES_KEPT);
      return { logged: true };
    },
  };

  return { log, busyWork, updates, pendingWork, notifySyncOutcome, handlers };
}
