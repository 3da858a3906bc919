/**
 * The short kill -9 soak for `npm test` (the long one is `npm run soak`): a real service process
 * and our own Chromium on a persistent profile, against the emulators. Events are logged and
 * photos queued through the UI while the servers are away; once they are back and the work is
 * on its way, the service process is SIGKILLed and restarted (scenario f), then the browser
 * (scenario g). Every event must be on Dougal exactly once and every photo on Imago exactly once.
 * Timings are random from a printed seed (CORELOG_SOAK_SEED replays one).
 */
import { expect, soakTest } from './soak-fixture';
import { lossCounts, runScenario, scenarioSeed, type ScenarioId } from '../../soak/scenarios';
import { newSeed, seededRandom } from '../../soak/seeded-random';

const test = soakTest('kill-nine');

test.describe.configure({ timeout: 180_000 });

test('kill -9 of the service, then of the browser, while events are pushed and photos uploaded: everything arrives exactly once', async ({ rig }) => {
  const seed = process.env.CORELOG_SOAK_SEED ? Number(process.env.CORELOG_SOAK_SEED) : newSeed();
  test.info().annotations.push({ type: 'soak seed', description: `${seed} (replay: npm run soak -- --seed ${seed} --runs 1 --only f,g)` });
  for (const id of ['f', 'g'] as ScenarioId[]) {
    const out = await runScenario(id, { rig, rng: seededRandom(scenarioSeed(seed, id)), tag: 'r1', drainTimeoutMs: 75_000, log: (line) => console.log(`[seed ${seed}] ${line}`) });
    console.log(`[seed ${seed}] ${id}: events ${out.events.once}/${out.events.expected}, photos ${out.photos.once}/${out.photos.expected} exactly once; ${JSON.stringify(lossCounts(out))}; sync ${(out.syncMs / 1000).toFixed(1)} s`);
    expect(out.kills.map((k) => k.victim), `${id}: one kill`).toEqual([id === 'f' ? 'service' : 'browser']);
    expect(
      { failure: out.failure, outbox: out.outbox, lost: [...out.events.lost, ...out.photos.lost], duplicated: [...out.events.duplicated, ...out.photos.duplicated], stray: [...out.events.stray, ...out.photos.stray] },
      `${id} (${out.title}), seed ${seed}`,
    ).toEqual({ failure: null, outbox: null, lost: [], duplicated: [], stray: [] });
    expect(out.events.expected).toBeGreaterThan(0);
    expect(out.photos.expected).toBeGreaterThan(0);
    expect({ events: out.events.once, photos: out.photos.once }).toEqual({ events: out.events.expected, photos: out.photos.expected });
  }
});
