/**
 * The sample systems: the bundled Imago and Dougal emulators, run by Corelog itself for someone
 * trying it without an account. They run inside the process that runs the services (Electron main,
 * or the browser-mode server) rather than as a child process, on purpose:
 * - their lifetime is the app's: a crash or kill -9 of Corelog cannot leave an orphan server
 *   holding the ports and writing the state files, and there is no port hand-shake to go wrong;
 * - nothing extra has to ship or start (no second Node runtime, no ELECTRON_RUN_AS_NODE, which the
 *   packaged app's fuses switch off);
 * - the load is a newcomer's: a few requests a minute and the odd photo, streamed to disk.
 *
 * They listen on 127.0.0.1 only, with their `/__admin` and fault endpoints off, and keep their state
 * under the data folder so the sample data survives restarts. The ports of the last run are taken
 * again when free (so addresses and cached links stay the same), otherwise any free ones.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonFile } from '../desktop/json-file';
import { CorelogError } from '../../../common/errors';
import { loadSampleEmulators, type SampleEmulatorsModule } from './load-sample-emulators';

type RunningEmulators = Awaited<ReturnType<SampleEmulatorsModule['startEmulators']>>;

/** Where a newcomer starts: preselected on the Photos and Event log screens of the sample profile. */
export interface SampleStartingPoint {
  workspaceName: string;
  datasetName: string;
  holeName: string;
  imageryTypeName: string;
  imageTypeName: string;
  project: string | null;
}

export interface SampleSystems {
  readonly imagoUrl: string;
  readonly dougalUrl: string;
  /** The emulators themselves. Their admin endpoints are off, so tests read their state here. */
  readonly emulators: RunningEmulators;
  startingPoint(): SampleStartingPoint;
  /** Draws a tray photo of the next free interval of the starting hole, named so Corelog binds it by itself. */
  trayPhoto(): Promise<{ name: string; bytes: Buffer }>;
  /** Saves their state and stops both servers (their ports refuse connections afterwards). */
  close(): Promise<void>;
}

const PORTS_FILE = 'ports.json';

/** Starts both sample systems with their state under `stateDir`. */
export async function startSampleSystems(stateDir: string): Promise<SampleSystems> {
  let module: SampleEmulatorsModule;
  let emulators: RunningEmulators;
  try {
    mkdirSync(stateDir, { recursive: true });
    module = await loadSampleEmulators();
    const previous = readPorts(stateDir);
    const start = (imagoPort: number, dougalPort: number) => module.startEmulators({ imagoPort, dougalPort, dataDir: stateDir, adminEndpoints: false });
    emulators = await start(previous.imago, previous.dougal).catch((error: unknown) => {
      // Last run's ports are taken by something else now: any free ones will do.
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return start(0, 0);
      throw error;
    });
    writePorts(stateDir, { imago: emulators.imago.server.port, dougal: emulators.dougal.server.port });
  } catch (error) {
    throw new CorelogError('unavailable', `The sample systems could not start on this computer: ${(error as Error).message}`, { retryable: true, cause: error });
  }

  const startingPoint = (): SampleStartingPoint => findStartingPoint(emulators);
  let closed = false;
  return {
    imagoUrl: emulators.imago.server.baseUrl,
    dougalUrl: emulators.dougal.server.baseUrl,
    emulators,
    startingPoint,
    async trayPhoto() {
      const point = startingPoint();
      const { from, to } = nextFreeInterval(emulators, point);
      const fixed = (n: number) => n.toFixed(1);
      const bytes = await module.drawTrayPicture({ kind: 'coretray', label: `${point.holeName}  ${fixed(from)}–${fixed(to)} m  ${point.imageTypeName}  (sample)`, wet: point.imageTypeName === 'Wet', format: 'jpeg' });
      // The default filename pattern {hole}_{from}_{to}_{imageType}: intake binds it without questions.
      return { name: `${point.holeName}_${fixed(from)}_${fixed(to)}_${point.imageTypeName}.jpg`, bytes };
    },
    async close() {
      if (closed) return;
      closed = true;
      await emulators.close();
    },
  };
}

function readPorts(stateDir: string): { imago: number; dougal: number } {
  try {
    const saved = JSON.parse(readFileSync(join(stateDir, PORTS_FILE), 'utf8')) as { imago?: unknown; dougal?: unknown };
    const port = (value: unknown) => (Number.isInteger(value) && (value as number) > 1023 && (value as number) < 65536 ? (value as number) : 0);
    return { imago: port(saved.imago), dougal: port(saved.dougal) };
  } catch {
    return { imago: 0, dougal: 0 };
  }
}

function writePorts(stateDir: string, ports: { imago: number; dougal: number }): void {
  writeJsonFile(join(stateDir, PORTS_FILE), ports);
}

/** The first writable workspace's first hole with core-tray imagery (the seed's FF-DD-0012), and the first Dougal project. */
function findStartingPoint(emulators: RunningEmulators): SampleStartingPoint {
  const world = emulators.imago.world;
  for (const workspace of world.workspaces.filter((w) => !w.readonly)) {
    for (const dataset of world.datasets.filter((d) => d.workspaceId === workspace.id)) {
      const imageryType = world.imageryTypes.find((t) => t.datasetId === dataset.id && t.contentType === 'coretray' && t.imageTypes.length > 0);
      if (!imageryType) continue;
      const holes = world.collections.filter((c) => c.datasetId === dataset.id).sort((a, b) => a.name.localeCompare(b.name));
      const hole = holes.find((c) => world.imageries.some((i) => i.collectionId === c.id && i.imageryTypeId === imageryType.id)) ?? holes[0];
      if (!hole) continue;
      const imageType = imageryType.imageTypes.find((t) => t.name === 'Wet') ?? imageryType.imageTypes[0]!;
      return {
        workspaceName: workspace.name,
        datasetName: dataset.name,
        holeName: hole.name,
        imageryTypeName: imageryType.name,
        imageTypeName: imageType.name,
        project: emulators.dougal.state.projects[0]?.pid ?? null,
      };
    }
  }
  throw new CorelogError('not-found', 'The sample Imago has no writable hole to start with.', { retryable: false });
}

/** The interval just below the deepest one Imago holds for the starting hole (4.7 m, a tray's length). */
function nextFreeInterval(emulators: RunningEmulators, point: SampleStartingPoint): { from: number; to: number } {
  const world = emulators.imago.world;
  const dataset = world.datasets.find((d) => d.name === point.datasetName && world.workspaces.some((w) => w.id === d.workspaceId && w.name === point.workspaceName));
  const hole = world.collections.find((c) => c.datasetId === dataset?.id && c.name === point.holeName);
  const deepest = Math.max(0, ...world.imageries.filter((i) => i.collectionId === hole?.id).map((i) => i.endDepth ?? 0));
  const from = Math.round(deepest * 10) / 10;
  return { from, to: Math.round((from + 4.7) * 10) / 10 };
}
