/**
 * The short kill -9 soak of changes (the long one is `npm run soak -- --only h,i,j,q`): events
 * logged and sent, then edited and deleted through the UI while Dougal is away; once Dougal is back
 * (slow, with a lost reply or two) the service process is SIGKILLed and restarted mid-push
 * (scenario h). The browser kill of the same work (i) runs in the long soak only: the suite must
 * stay within its time, and a killed browser's resend takes the path kill-nine.spec.ts's g covers. Every edit must be one version of its event on
 * Dougal, the newest unless a delete follows; every delete must close the event; the outbox must
 * empty (a false conflict or refusal would stay in it). Timings are random from a printed seed
 * (CORELOG_SOAK_SEED replays one).
 */
import { expect, soakTest } from './soak-fixture';
import { runScenario, scenarioSeed, type ScenarioId } from '../../soak/scenarios';
import { newSeed, seededRandom } from '../../soak/seeded-random';

const test = soakTest('kill-nine-changes');

test.describe.configure({ timeout: 150_000 });

test('kill -9 of the service while edits, deletes and QC ticks are sent: each lands exactly once, none is taken for a conflict', async ({ rig }) => {
  const seed = process.env.CORELOG_SOAK_SEED ? Number(process.env.CORELOG_SOAK_SEED) : newSeed();
  test.info().annotations.push({ type: 'soak seed', description: `${seed} (replay: npm run soak -- --seed ${seed} --runs 1 --only h)` });
  for (const id of ['h'] as ScenarioId[]) {
    const out = await runScenario(id, { rig, rng: seededRandom(scenarioSeed(seed, id)), tag: 'r1', drainTimeoutMs: 60_000, log: (line) => console.log(`[seed ${seed}] ${line}`) });
    console.log(`[seed ${seed}] ${id}: changes ${out.changes.once}/${out.changes.expected} exactly once; sync ${(out.syncMs / 1000).toFixed(1)} s, restart → drained ${(out.recoverMs / 1000).toFixed(1)} s`);
    expect(out.kills.map((k) => k.victim), `${id}: one kill`).toEqual([id === 'h' ? 'service' : 'browser']);
    expect({ failure: out.failure, outbox: out.outbox, lost: out.changes.lost, duplicated: out.changes.duplicated, stray: out.changes.stray }, `${id} (${out.title}), seed ${seed}`).toEqual({
      failure: null,
      outbox: null,
      lost: [],
      duplicated: [],
      stray: [],
    });
    expect(out.changes.expected).toBeGreaterThan(0);
    expect(out.changes.once).toBe(out.changes.expected);
  }
});
