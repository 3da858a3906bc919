/**
 * The renderer's half of the originals sweep (main's half: electron/services/settings). Main
 * names the originals its own record lets go (Imago confirmed them more than N days ago); this
 * releases only those every photo record here agrees on: each record holding those bytes is
 * uploaded, with the image id Imago answered, and no outbox item still points at it. Bytes no
 * record here knows (another profile's, or records cleared) are kept: not knowing is not agreeing.
 * Runs shortly after start and then daily while the app is open.
 */
import { useEffect } from 'react';
import type { SweepReport } from '../../../common/bridge/settings-contract';
import type { BridgeError } from '../../../common/errors';
import { bridge } from '../bridge/bridge';
import { photosDb } from '../photos/photos-db';
import { mayRelease } from './originals-release';

export const FIRST_SWEEP_DELAY_MS = 20_000;
export const SWEEP_EVERY_MS = 24 * 60 * 60 * 1000;

/** Asks main for candidates, releases those this window agrees on, and has main delete them. */
export async function runOriginalsSweep(): Promise<SweepReport | { error: BridgeError }> {
  const offered = await bridge.originalsToSweep();
  if (!offered.ok) return { error: offered.error };
  const release: string[] = [];
  for (const sha of offered.value.candidates) {
    const records = await photosDb.photos.where('sha256').equals(sha).toArray();
    if (records.length === 0) continue;
    const outbox = await photosDb.outbox
      .where('photoId')
      .anyOf(records.map((r) => r.id))
      .toArray();
    if (mayRelease(records, outbox)) release.push(sha);
  }
  const swept = await bridge.sweepOriginals({ release });
  return swept.ok ? swept.value : { error: swept.error };
}

/** Sweeps shortly after start and then daily; main logs what each run freed. */
export function useOriginalsSweepSchedule(): void {
  useEffect(() => {
    let stopped = false;
    const run = () => {
      if (!stopped) void runOriginalsSweep().catch(() => undefined);
    };
    const first = setTimeout(run, FIRST_SWEEP_DELAY_MS);
    const daily = setInterval(run, SWEEP_EVERY_MS);
    return () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(daily);
    };
  }, []);
}
