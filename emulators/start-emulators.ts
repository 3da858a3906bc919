/** Starts both emulators together: used by the CLI, `npm run demo`, tests and benchmarks. */
import type { FaultSettings } from './kit/faults';
import type { DougalBehaviour } from './dougal/behaviour';
import { createDougalEmulator, type DougalEmulator } from './dougal/index';
import { createImagoEmulator, type ImagoBehaviour, type ImagoEmulator } from './imago/index';

export interface StartEmulatorsOptions {
  imagoPort?: number;
  dougalPort?: number;
  dataDir?: string | null;
  faults?: Partial<FaultSettings>;
  imagoTokenLifetimeSeconds?: number | undefined;
  dougalTokenLifetimeSeconds?: number | undefined;
  implicitLoginAddresses?: string[] | undefined;
  /** Imago dialect switches (emulators/imago/BEHAVIOUR.md); unknown keys or values refuse to start. */
  imagoOptions?: Partial<ImagoBehaviour> | Record<string, unknown> | undefined;
  /** Dougal dialect switches (emulators/dougal/BEHAVIOUR.md); unknown keys or values refuse to start. */
  dougalOptions?: Partial<DougalBehaviour> | Record<string, unknown> | undefined;
  /**
   * The `/__admin` endpoints and fault injection (default on: tests and `npm run emulators` use
   * them). The app's sample systems turn them off, so nothing but the documented API answers.
   */
  adminEndpoints?: boolean;
}

export interface RunningEmulators {
  imago: ImagoEmulator;
  dougal: DougalEmulator;
  close(): Promise<void>;
}

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<RunningEmulators> {
  const [imago, dougal] = await Promise.all([
    createImagoEmulator({
      ...(options.imagoOptions as Partial<ImagoBehaviour> | undefined),
      dataDir: options.dataDir ?? null,
      ...(options.adminEndpoints === false && { adminEndpoints: false }),
      ...(options.imagoTokenLifetimeSeconds !== undefined && { tokenLifetimeSeconds: options.imagoTokenLifetimeSeconds }),
    }),
    createDougalEmulator({
      ...(options.dougalOptions as Partial<DougalBehaviour> | undefined),
      dataDir: options.dataDir ?? null,
      ...(options.adminEndpoints === false && { adminEndpoints: false }),
      ...(options.dougalTokenLifetimeSeconds !== undefined && { tokenLifetimeSeconds: options.dougalTokenLifetimeSeconds }),
      ...(options.implicitLoginAddresses && { implicitLoginAddresses: options.implicitLoginAddresses }),
    }),
  ]);
  for (const emulator of [imago, dougal]) emulator.server.faults = { ...emulator.server.faults, ...options.faults };
  try {
    await imago.server.listen(options.imagoPort ?? 0);
    await dougal.server.listen(options.dougalPort ?? 0);
  } catch (error) {
    await Promise.all([imago.close(), dougal.close()]);
    throw error;
  }
  return {
    imago,
    dougal,
    async close() {
      await Promise.all([imago.close(), dougal.close()]);
    },
  };
}
