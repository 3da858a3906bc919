/**
 * Everything the main process does for the renderer, assembled once and shared by both
 * transports (Electron IPC and browser mode). Runs in plain Node: nothing here imports Electron,
 * so the whole service layer is tested without the Electron runtime.
 *
 * Each feature contributes a `ServiceModule` (its bridge handlers, plus start/dispose if it runs
 * anything in the background); this file only puts them together.
 */
import { join } from 'node:path';
import type { BridgeHandlers } from '../../common/bridge/contract';
import { BridgeEventBus } from '../../common/bridge/event-bus';
import { ConnectionSettingsStore } from './connections/connection-settings';
import { ConnectionService, type SystemLinkFactory } from './connections/connection-service';
import { createConnectionModule } from './connections/connection-handlers';
import { createSystemLink, type DougalLink, type ImagoLink } from './connections/system-links';
import { CredentialVault } from './credentials/credential-vault';
import { FileKeyCipher } from './credentials/file-key-cipher';
import type { SecretCipher } from './credentials/secret-cipher';
import type { DougalClient } from './dougal/dougal-client';
import type { ImagoClient } from './imago/imago-client';
import { createAppInfoModule } from './app-info-handlers';
import { createArchiveModule } from './archive-import/archive-handlers';
import { StagedFiles } from './files/staged-files';
import { createEventLogModule } from './event-log/event-log-handlers';
import { createSurveyModule } from './event-log/survey-handlers';
import { createHoleReportPdfModule } from './photos/hole-report-pdf';
import { createPhotoModule } from './photos/photo-handlers';
import { createSettingsModule } from './settings/settings-handlers';
import { createDesktopServices, type DesktopHost, type DesktopServices } from './desktop/desktop-services';
import { createProfileModule, type ProfileControl } from './sample-systems/profile-handlers';

export interface AppServicesOptions {
  /** Where settings, credentials and photos live (Electron's userData, or `--data` in browser mode). */
  dataDir: string;
  appVersion: string;
  transport: 'electron' | 'browser';
  /** Electron passes its safeStorage cipher; plain Node falls back to a key file. */
  cipher?: SecretCipher;
  createLink?: SystemLinkFactory;
  /** Shorter probe intervals for tests. */
  reachability?: { firstRetryMs?: number; maxRetryMs?: number; quietProbeMs?: number };
  env?: NodeJS.ProcessEnv;
  /** Native notifications and dialogs from electron/main; absent in browser mode. */
  desktop?: DesktopHost;
  /** Set by the profile host (sample-systems/profile-host.ts): which profile this is, and the switch. */
  profile?: ProfileControl;
  /** The app's one log, busy-work registry and update settings, kept across profile switches by the host. */
  sharedDesktop?: DesktopServices;
}

/** What a feature's service module gets to work with. */
export interface ServiceContext {
  options: AppServicesOptions;
  dataDir: string;
  events: BridgeEventBus;
  connections: ConnectionService;
  cipher: SecretCipher;
  /** Files handed over by the renderer, by reference. */
  stagedFiles: StagedFiles;
  /** The current API client of each system (a new one after the server address changes). */
  clients: { imago(): ImagoClient; dougal(): DougalClient };
  /** Log file, busy-work registry (the quit guard waits for it) and sync notifications. */
  desktop: DesktopServices;
}

export interface ServiceModule {
  handlers: Partial<BridgeHandlers>;
  start?(): void;
  dispose?(): Promise<void> | void;
}

export interface AppServices extends ServiceContext {
  handlers: BridgeHandlers;
  start(): void;
  dispose(): Promise<void>;
}

/** How often the copies of a page that died mid-pick are looked for (StagedFiles.releaseForgottenCopies). */
const FORGOTTEN_COPY_CHECK_MS = 10 * 60_000;

export function createAppServices(options: AppServicesOptions): AppServices {
  const env = options.env ?? process.env;
  const events = new BridgeEventBus();
  const cipher = options.cipher ?? new FileKeyCipher(join(options.dataDir, 'credential.key'));
  const vault = new CredentialVault(join(options.dataDir, 'credentials.json'), cipher);
  const settings = new ConnectionSettingsStore(join(options.dataDir, 'connections.json'), env);
  const desktop = options.sharedDesktop ?? createDesktopServices({ ...options, env });
  const connections = new ConnectionService({
    vault,
    settings,
    createLink: options.createLink ?? createSystemLink,
    onStatus: (status) => events.emit('connectionChanged', status),
    onReplyProblem: (system, problem) => desktop.log.warn(`${system}: odd reply to "${problem.action}": ${problem.detail}`),
    ...(options.reachability ? { reachability: options.reachability } : {}),
  });

  // `npm run demo` signs in to the emulators' demo accounts for this run only (nothing is stored).
  if (env.CORELOG_DEMO_LOGINS === '1') {
    for (const system of ['imago', 'dougal'] as const) {
      if (!vault.load(system)) vault.save(system, { username: 'demo', password: 'demo' }, false);
    }
  }

  const context: ServiceContext = {
    options,
    dataDir: options.dataDir,
    events,
    connections,
    cipher,
    stagedFiles: new StagedFiles(options.dataDir),
    clients: {
      imago: () => (connections.link('imago') as ImagoLink).client,
      dougal: () => (connections.link('dougal') as DougalLink).client,
    },
    desktop,
  };

  const appSettings = createSettingsModule(context);
  // Intake and upload go through the settings module's originals ledger (the sweep's evidence).
  const photos = appSettings.watchUploads(createPhotoModule(context));
  const modules: ServiceModule[] = [createAppInfoModule(context), createProfileModule(context), createConnectionModule(context), desktop, createEventLogModule(context), createSurveyModule(context), photos, createHoleReportPdfModule(context), createArchiveModule(context), appSettings];
  const handlers = Object.assign({}, ...modules.map((m) => m.handlers)) as BridgeHandlers;

  let forgottenCopies: ReturnType<typeof setInterval> | undefined;
  return {
    ...context,
    handlers,
    start() {
      connections.start();
      void context.stagedFiles.sweepStaleCopies();
      forgottenCopies = setInterval(() => void context.stagedFiles.releaseForgottenCopies().catch(() => undefined), FORGOTTEN_COPY_CHECK_MS);
      forgottenCopies.unref?.();
      for (const module of modules) module.start?.();
    },
    async dispose() {
      clearInterval(forgottenCopies);
      for (const module of modules) await module.dispose?.();
      connections.dispose();
    },
  };
}
