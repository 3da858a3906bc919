/**
 * A flaky link: 30 % of all requests to both systems fail (500, 503, connection reset) and, on
 * top, bursts of replies are lost after the server did the work. 100 items queued while the link was down
 * (70 events, 30 photos) must all arrive exactly once within 4 minutes of the link coming back,
 * by themselves. The time it took is printed (the target is well under 90 s).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pendingOnStrip } from '../event-log/event-log-helpers';
import { writeGoodPhotos } from '../photos/photo-files';
import { corelogEventsByKey, expect, imagesInHole, queueWhileBothDown, setFaults, test } from './recovery-fixtures';
import { removeTestFolder } from '../../support/temp-folder';

test.use({ systems: 'emulators' });

const EVENTS = 70;
const PHOTOS = 30;
const HOLE = 'FF-FL-0100';
const DEADLINE_MS = 4 * 60_000;

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-flaky-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

test('30 % failures with lost replies: 70 events and 30 photos all arrive exactly once, by themselves, within 4 minutes', async ({ app, corelog, emulators }) => {
  test.setTimeout(DEADLINE_MS + 150_000);
  const em = emulators!;
  for (const system of ['imago', 'dougal'] as const) await corelog.services.connections.signIn(system, { username: 'demo', password: 'demo' }, false);

  const photos = await writeGoodPhotos(dir, HOLE, PHOTOS);
  const remarks = Array.from({ length: EVENTS }, (_, i) => `Flaky link event ${i}`);
  await queueWhileBothDown(app, em, HOLE, photos.map((p) => p.path), remarks);
  // The photos, and the new hole unless it went before Imago went down.
  await expect(app.getByTestId('sync-imago-pending')).toHaveText(new RegExp(`^(${PHOTOS}|${PHOTOS + 1}) pending$`));

  // The link comes back, but flaky.
  const flaky = { down: false, failureRate: 0.3, failureKinds: ['500', '503', 'reset'] as ('500' | '503' | 'reset')[], failurePathIncludes: '' };
  const started = Date.now();
  setFaults(em, 'imago', flaky);
  setFaults(em, 'dougal', flaky);
  let done = false;
  // Bursts of lost replies on top: every 2 s, the next replies of each system — one for every six
  // requests it had meanwhile, at most three — are cut off after the server did the work. Tied to
  // the traffic, so an idle client's reachability probe is not the only thing they ever hit.
  const timeline: string[] = [];
  const seen = { imago: em.imago.server.log.lastSeq, dougal: em.dougal.server.log.lastSeq };
  const bursts = setInterval(() => {
    for (const system of ['imago', 'dougal'] as const) {
      const log = em[system].server.log;
      const recent = log.lastSeq - seen[system];
      seen[system] = log.lastSeq;
      setFaults(em, system, { dropResponseNext: Math.min(3, Math.floor(recent / 6)) });
    }
    timeline.push(`${Math.round((Date.now() - started) / 1000)}s:${corelogEventsByKey(em).size}/${imagesInHole(em, HOLE).filter((i) => !i.deleted).length}`);
  }, 2_000);
  const finished: { events?: number; photos?: number } = {};
  try {
    await expect
      .poll(
        () => {
          const events = corelogEventsByKey(em).size;
          const images = imagesInHole(em, HOLE).filter((i) => !i.deleted).length;
          if (events === EVENTS) finished.events ??= Date.now() - started;
          if (images === PHOTOS) finished.photos ??= Date.now() - started;
          return events + images;
        },
        { timeout: DEADLINE_MS, intervals: [250] },
      )
      .toBe(EVENTS + PHOTOS);
    done = true;
  } finally {
    clearInterval(bursts);
    console.log(`[flaky link] events/photos arrived: ${timeline.join(' ')}`);
    const elapsed = Date.now() - started;
    const counts = {
      events: corelogEventsByKey(em).size,
      photos: imagesInHole(em, HOLE).filter((i) => !i.deleted).length,
      lostReplies: em.imago.server.log.list().filter((r) => r.fault === 'response dropped').length + em.dougal.server.log.list().filter((r) => r.fault === 'response dropped').length,
      injected: em.imago.server.log.list().filter((r) => r.fault?.startsWith('injected') || r.fault === 'reset').length + em.dougal.server.log.list().filter((r) => r.fault?.startsWith('injected') || r.fault === 'reset').length,
    };
    const seconds = (ms?: number) => (ms === undefined ? 'not all' : `${(ms / 1000).toFixed(1)} s`);
    console.log(
      `[flaky link] ${done ? 'all' : 'NOT all'} ${EVENTS + PHOTOS} items arrived after ${(elapsed / 1000).toFixed(1)} s of a link failing 30 % ` +
        `(events ${seconds(finished.events)}, photos ${seconds(finished.photos)}; ${JSON.stringify(counts)})`,
    );
  }
  expect(Date.now() - started).toBeLessThan(DEADLINE_MS);

  // Exactly once: one Dougal event per client key, every remark there; one live image per photo, none replaced.
  setFaults(em, 'imago', { failureRate: 0, dropResponseNext: 0 });
  setFaults(em, 'dougal', { failureRate: 0, dropResponseNext: 0 });
  const events = corelogEventsByKey(em);
  expect([...events.values()].filter((e) => e.ids.size !== 1)).toEqual([]);
  expect(new Set([...events.values()].map((e) => e.remarks))).toEqual(new Set(remarks));
  const images = imagesInHole(em, HOLE);
  expect(images.filter((i) => i.deleted)).toHaveLength(0);
  expect(images).toHaveLength(PHOTOS);
  expect(new Set(images.map((i) => i.checksum)).size).toBe(PHOTOS);
  await expect.poll(() => pendingOnStrip(app), { timeout: 30_000 }).toBe(0);
  await expect(app.getByTestId('sync-imago-pending')).toHaveText('0 pending', { timeout: 30_000 });
});
