/**
 * The password is kept in memory only (the default in browser mode and on Linux without a
 * keyring), the tokens expire in the middle of a sync, and the re-login inside each client meets
 * one failure of the path: a 503, a connection reset, or a reply later than the client waits.
 * The event log and the photo queue must carry on by themselves, every item exactly once, with
 * no sign-in by the user.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemId } from '../../../common/errors';
import { pendingOnStrip } from '../event-log/event-log-helpers';
import { writeGoodPhotos } from '../photos/photo-files';
import { CLIENT_TIMEOUT_MS, corelogEventsByKey, expect, imagesInHole, queueWhileBothDown, setFaults, test } from './recovery-fixtures';
import { removeTestFolder } from '../../support/temp-folder';

test.use({ systems: 'emulators' });

type Fault = '503' | 'reset' | 'timeout';
const SIGN_IN_PATH: Record<SystemId, string> = { imago: '/session', dougal: '/login' };
const EXPIRE_MS: Record<SystemId, number> = { imago: 25 * 3600_000, dougal: 16 * 60_000 };
const EVENTS = 12;
const PHOTOS = 4;

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-recovery-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

// Each run pairs one fault for Dougal's re-login with another for Imago's, so three runs cover all six.
const RUNS: { dougal: Fault; imago: Fault }[] = [
  { dougal: '503', imago: 'reset' },
  { dougal: 'reset', imago: 'timeout' },
  { dougal: 'timeout', imago: '503' },
];

for (const run of RUNS) {
  test(`tokens expire mid-sync; Dougal's re-login meets a ${run.dougal}, Imago's a ${run.imago}: both queues carry on by themselves`, async ({ app, corelog, emulators, links }) => {
    test.setTimeout(120_000);
    const em = emulators!;
    const hole = `FF-RC-${run.dougal}-${run.imago}`.toUpperCase();
    const { connections } = corelog.services;
    for (const system of ['imago', 'dougal'] as const) await connections.signIn(system, { username: 'demo', password: 'demo' }, false);
    expect(connections.status('dougal')).toMatchObject({ passwordStored: false, credentialAvailable: true });

    // Queue photos and events while both systems are down.
    const photos = await writeGoodPhotos(dir, hole, PHOTOS);
    await queueWhileBothDown(app, em, hole, photos.map((p) => p.path), Array.from({ length: EVENTS }, (_, i) => `Recovery ${hole} ${i}`));

    // Back up but slow, and down again as soon as something of each queue got through (below).
    setFaults(em, 'imago', { down: false, latencyMs: 400 });
    setFaults(em, 'dougal', { down: false, latencyMs: 400 });
    // The link drops again with work still queued; meanwhile both tokens expire. Imago's probe is
    // `GET /session`: it is held for the moment, so it cannot take the failure meant for the sign-in.
    const arrived = { dougal: () => corelogEventsByKey(em).size, imago: () => imagesInHole(em, hole).length };
    await Promise.all(
      (['imago', 'dougal'] as const).map(async (system) => {
        await expect.poll(arrived[system], { timeout: 30_000, intervals: [20] }).toBeGreaterThanOrEqual(1);
        setFaults(em, system, { down: true, latencyMs: 0 });
      }),
    );
    expect(corelogEventsByKey(em).size).toBeLessThan(EVENTS);
    expect(imagesInHole(em, hole).length).toBeLessThan(PHOTOS);
    await links.holdProbes();
    const marks = { imago: em.imago.server.log.lastSeq, dougal: em.dougal.server.log.lastSeq };
    const faultUsed: Partial<Record<SystemId, true>> = {};
    for (const system of ['imago', 'dougal'] as const) {
      // The moment the client drops the expired session, its own re-login is the next request to meet the fault.
      links.onceSignedOut(system, () => {
        const fault = run[system];
        if (fault === 'timeout') {
          setFaults(em, system, { latencyMs: CLIENT_TIMEOUT_MS * 2 });
          const seen = links.outcomes.length;
          const poll = setInterval(() => {
            if (!links.outcomes.slice(seen).some((o) => o.system === system && o.kind === 'timeout')) return;
            clearInterval(poll);
            setFaults(em, system, { latencyMs: 0 });
            faultUsed[system] = true;
          }, 20);
        } else {
          setFaults(em, system, { latencyMs: 0, failNext: 1, failureKinds: [fault], failurePathIncludes: SIGN_IN_PATH[system] });
          const poll = setInterval(() => {
            if (em[system].server.faults.failNext > 0) return;
            clearInterval(poll);
            setFaults(em, system, { failurePathIncludes: '' });
            faultUsed[system] = true;
          }, 20);
        }
      });
      em[system].server.clock.advance(EXPIRE_MS[system]);
      setFaults(em, system, { down: false });
    }

    await expect.poll(() => ({ ...faultUsed }), { timeout: 30_000 }).toEqual({ imago: true, dougal: true });
    links.releaseProbes();
    for (const system of ['imago', 'dougal'] as const) setFaults(em, system, { latencyMs: 0 });

    // Everything arrives, once, without anyone signing in.
    await expect.poll(() => corelogEventsByKey(em).size, { timeout: 60_000 }).toBe(EVENTS);
    await expect.poll(() => imagesInHole(em, hole).length, { timeout: 60_000 }).toBe(PHOTOS);
    await expect.poll(() => pendingOnStrip(app), { timeout: 15_000 }).toBe(0);
    await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 15_000 });
    for (const [, entry] of corelogEventsByKey(em)) expect(entry.ids.size).toBe(1);
    expect(imagesInHole(em, hole).filter((i) => i.deleted)).toHaveLength(0);
    expect(new Set(imagesInHole(em, hole).map((i) => i.checksum)).size).toBe(PHOTOS);

    for (const system of ['imago', 'dougal'] as const) {
      const signIns = em[system].server.log.list(marks[system]).filter((r) => r.method === 'POST' && r.path === SIGN_IN_PATH[system]);
      if (run[system] !== 'timeout') expect(signIns[0]?.fault, `${system}'s first re-login`).toBe(run[system] === 'reset' ? 'reset' : 'injected 503');
      expect(signIns.some((r) => r.fault === null && r.status >= 200 && r.status < 300), `${system} signed in again`).toBe(true);
      expect(connections.status(system)).toMatchObject({ session: 'signed-in', credentialAvailable: true });
    }
    await expect(app.getByTestId('sync-dougal')).not.toContainText('need attention');
    await expect(app.getByTestId('sync-imago')).not.toContainText('need attention');
  });
}
