/**
 * Two profiles keep the sample systems' data and the real systems' data apart, never mixed:
 * - `real`: the data folder itself, exactly as before profiles existed, so an existing user's
 *   settings, credentials and photos are the real profile with no migration;
 * - `sample`: everything under `<data>/sample-systems/`: Corelog's own files in `app/` (its
 *   connections, credentials, photo store, staging, caches) and the emulators' state in `servers/`.
 * The renderer keeps its IndexedDB databases apart by name in the same way (renderer/src/first-run).
 *
 * `<data>/profile.json` says which one is in use. Without it, a data folder that already has
 * connection settings or credentials (or an environment that names the servers, as tests and
 * `npm run demo` do) is the real profile, chosen; an empty one is a first run, and the first
 * screen asks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonFile } from '../desktop/json-file';
import type { ProfileName } from '../../../common/bridge/connection-contract';

export type { ProfileName };

export const PROFILE_FILE = 'profile.json';
const SAMPLE_ROOT = 'sample-systems';

/** Corelog's own data folder for a profile. */
export function profileDataDir(dataDir: string, profile: ProfileName): string {
  return profile === 'real' ? dataDir : join(dataDir, SAMPLE_ROOT, 'app');
}

/** Where the sample Imago and Dougal keep their state. */
export function sampleServersDir(dataDir: string): string {
  return join(dataDir, SAMPLE_ROOT, 'servers');
}

export interface ProfileChoice {
  active: ProfileName;
  /** False on a first run: nobody has chosen yet, and the first screen asks. */
  chosen: boolean;
}

/** Files whose presence means someone set this data folder up for their own servers. */
const REAL_SETUP_FILES = ['connections.json', 'credentials.json'];

export function readProfileChoice(dataDir: string, env: NodeJS.ProcessEnv = process.env): ProfileChoice {
  try {
    const saved = JSON.parse(readFileSync(join(dataDir, PROFILE_FILE), 'utf8')) as { active?: unknown };
    if (saved.active === 'real' || saved.active === 'sample') return { active: saved.active, chosen: true };
  } catch {
    // None yet (or unreadable): decide from what the folder holds.
  }
  const configured = Boolean(env.CORELOG_IMAGO_URL || env.CORELOG_DOUGAL_URL) || REAL_SETUP_FILES.some((file) => existsSync(join(dataDir, file)));
  return { active: 'real', chosen: configured };
}

export function writeProfileChoice(dataDir: string, active: ProfileName): void {
  writeJsonFile(join(dataDir, PROFILE_FILE), { active });
}

/**
 * Points the sample profile's saved connection settings at this run's sample systems: their ports
 * change when last run's are taken, and a saved address would otherwise win over the new one.
 */
export function pointSampleSettingsAt(sampleAppDir: string, urls: { imago: string; dougal: string }): void {
  const file = join(sampleAppDir, 'connections.json');
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return; // nothing saved: the addresses come from this run's environment
  }
  const entry = (system: 'imago' | 'dougal') => (saved[system] && typeof saved[system] === 'object' && !Array.isArray(saved[system]) ? (saved[system] as Record<string, unknown>) : {});
  const next = { ...saved, imago: { ...entry('imago'), serverUrl: urls.imago }, dougal: { ...entry('dougal'), serverUrl: urls.dougal } };
  if (JSON.stringify(next) === JSON.stringify(saved)) return;
  writeJsonFile(file, next);
}
