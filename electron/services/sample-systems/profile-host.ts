/**
 * The service set the app runs (Electron main and browser mode): the services of the profile in
 * use, behind one stable face for the transports. Switching profile (the first screen's choice, or
 * the one action in Connections) stops that profile's services — and the sample systems, when
 * leaving them — then starts the other profile's services on its own folder. The transports keep
 * the same handlers and event bus throughout; calls that arrive mid-switch wait for it to finish.
 *
 * The log, busy-work registry and update settings are the app's, not a profile's: one set is
 * created here and lent to each profile's services.
 */
import { mkdirSync } from 'node:fs';
import type { ProfileInfo, ProfileName } from '../../../common/bridge/connection-contract';
import { BRIDGE_METHOD_NAMES, type BridgeHandlers, type BridgeMethodName } from '../../../common/bridge/contract';
import { BridgeEventBus } from '../../../common/bridge/event-bus';
import { CorelogError } from '../../../common/errors';
import { createAppServices, type AppServices, type AppServicesOptions } from '../app-services';
import { createDesktopServices } from '../desktop/desktop-services';
import type { ProfileControl } from './profile-handlers';
import { pointSampleSettingsAt, profileDataDir, readProfileChoice, sampleServersDir, writeProfileChoice } from './profiles';
import { startSampleSystems, type SampleSystems } from './sample-systems';

export interface CorelogServices extends AppServices {
  /** The profile in use, as the first screen and Connections see it. */
  profile(): ProfileInfo;
  /** The running sample systems while the sample profile is in use (tests read their state here). */
  sampleSystems(): SampleSystems | null;
  /** Switches profile, as the bridge's `chooseProfile` does. */
  chooseProfile(profile: ProfileName): Promise<ProfileInfo>;
}

interface ActiveProfile {
  name: ProfileName;
  services: AppServices;
  sample: SampleSystems | null;
  unsubscribe: () => void;
}

/** Builds the services of the profile chosen in `options.dataDir` (starting the sample systems if that is the one). */
export async function createCorelogServices(options: AppServicesOptions): Promise<CorelogServices> {
  const env = options.env ?? process.env;
  const root = options.dataDir;
  const events = new BridgeEventBus();
  const desktop = createDesktopServices({ ...options, env });
  const saved = readProfileChoice(root, env);
  let chosen = saved.chosen;
  /** Why the profile in use is not the one chosen (the sample systems could not start), for the first screen. */
  let notice: string | null = null;
  let started = false;
  let disposed = false;
  /** The switch under way; calls wait for it. */
  let switching: Promise<unknown> | null = null;

  const describe = (): ProfileInfo => ({
    active: active.name,
    chosen,
    canSwitch: true,
    notice,
    sample: active.sample ? { imagoUrl: active.sample.imagoUrl, dougalUrl: active.sample.dougalUrl, start: active.sample.startingPoint() } : null,
  });

  const control: ProfileControl = {
    describe: () => describe(),
    choose: (profile) => chooseProfile(profile),
    sampleSystems: () => active.sample,
  };

  /** The services of one profile, on its own folder; the sample profile signs in to the demo accounts by itself. */
  const open = (name: ProfileName, sample: SampleSystems | null): ActiveProfile => {
    const dataDir = profileDataDir(root, name);
    mkdirSync(dataDir, { recursive: true });
    let profileEnv = env;
    if (sample) {
      pointSampleSettingsAt(dataDir, { imago: sample.imagoUrl, dougal: sample.dougalUrl });
      // The demo logins are held in memory for this run, as `npm run demo` does; nothing is stored.
      profileEnv = { ...env, CORELOG_IMAGO_URL: sample.imagoUrl, CORELOG_DOUGAL_URL: sample.dougalUrl, CORELOG_DEMO_LOGINS: '1' };
    }
    const services = createAppServices({ ...options, dataDir, env: profileEnv, profile: control, sharedDesktop: desktop });
    const unsubscribe = services.events.subscribe((event, payload) => events.emit(event, payload as never));
    return { name, services, sample, unsubscribe };
  };

  let first = saved.active;
  let firstSample: SampleSystems | null = null;
  if (first === 'sample') {
    try {
      firstSample = await startSampleSystems(sampleServersDir(root));
    } catch (error) {
      // Never the real systems in their place, unasked: the first screen says what happened and asks again.
      desktop.log.error('the sample systems could not start', error);
      notice = (error as Error).message;
      [first, chosen] = ['real', false];
    }
  }
  let active: ActiveProfile = open(first, firstSample);
  if (firstSample) desktop.log.info(`sample systems running: Imago ${firstSample.imagoUrl}, Dougal ${firstSample.dougalUrl}`);

  async function chooseProfile(profile: ProfileName): Promise<ProfileInfo> {
    while (switching) await switching.catch(() => undefined);
    if (disposed) throw new CorelogError('unavailable', 'Corelog is closing.', { retryable: false });
    if (profile === active.name) {
      if (!chosen) {
        writeProfileChoice(root, profile);
        chosen = true;
        notice = null;
      }
      return describe();
    }
    const work = switchTo(profile);
    switching = work;
    try {
      await work;
    } finally {
      switching = null;
    }
    const info = describe();
    events.emit('profileChanged', info);
    return info;
  }

  async function switchTo(profile: ProfileName): Promise<void> {
    // The sample systems start first: if they cannot, nothing has changed.
    const sample = profile === 'sample' ? await startSampleSystems(sampleServersDir(root)) : null;
    const old = active;
    desktop.log.info(`switching from the ${old.name} to the ${profile} profile`);
    await old.services.dispose();
    old.unsubscribe();
    await old.sample?.close();
    active = open(profile, sample);
    writeProfileChoice(root, profile);
    chosen = true;
    notice = null;
    if (started) active.services.start();
    if (sample) desktop.log.info(`sample systems running: Imago ${sample.imagoUrl}, Dougal ${sample.dougalUrl}`);
  }

  /** Every bridge method, sent to the profile in use (after a switch under way). */
  const handlers = Object.fromEntries(
    BRIDGE_METHOD_NAMES.map((method) => [
      method,
      async (input: unknown) => {
        while (switching) await switching.catch(() => undefined);
        if (method === 'setServerUrl' && active.name === 'sample') {
          throw new CorelogError('validation', 'The sample systems’ addresses are set by Corelog. To use your own Imago or Dougal, choose “Use my own Imago and Dougal” at the top of Connections.', {
            retryable: false,
          });
        }
        const handler = active.services.handlers[method as BridgeMethodName] as (input: unknown) => Promise<unknown>;
        return handler(input);
      },
    ]),
  ) as BridgeHandlers;

  // The transports and main read these once; each getter answers for the profile in use now.
  const host: CorelogServices = {
    handlers,
    events,
    desktop,
    get options() {
      return active.services.options;
    },
    get dataDir() {
      return active.services.dataDir;
    },
    get connections() {
      return active.services.connections;
    },
    get cipher() {
      return active.services.cipher;
    },
    get stagedFiles() {
      return active.services.stagedFiles;
    },
    get clients() {
      return active.services.clients;
    },
    profile: describe,
    sampleSystems: () => active.sample,
    chooseProfile,
    start() {
      started = true;
      active.services.start();
    },
    async dispose() {
      disposed = true;
      // Synchronously first: Electron may end the process before the awaits below come back.
      active.sample?.emulators.imago.flush();
      active.sample?.emulators.dougal.flush();
      while (switching) await switching.catch(() => undefined);
      await active.services.dispose();
      active.unsubscribe();
      await active.sample?.close();
    },
  };
  return host;
}
