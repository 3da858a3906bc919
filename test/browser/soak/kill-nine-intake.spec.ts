/**
 * The short kill -9 of photo intake for `npm test` (all six cases: `npm run soak -- --only k,l,m,n,o,p`):
 * the service process SIGKILLed while picked photos are taken in (scenario k), then the browser
 * while watch-folder finds are (scenario n). Every picked file must end a draft or a refusal that
 * says to add it again, picking again must give each file one draft, every find must end one
 * draft remembered as done, no draft may lack its thumbnail or stored original, and nothing may be
 * left in the staging folder. Kill moments are random from a printed seed (CORELOG_SOAK_SEED replays one).
 */
import { expect, soakTest } from './soak-fixture';
import { runIntakeScenario, type IntakeScenarioId } from '../../soak/intake-scenarios';
import { scenarioSeed } from '../../soak/scenarios';
import { newSeed, seededRandom } from '../../soak/seeded-random';

const test = soakTest('kill-nine-intake');

test.describe.configure({ timeout: 120_000 });

test('kill -9 of the service while picked photos are taken in, then of the browser while watch-folder finds are: each file one draft, none half-recorded, none silently gone', async ({ rig }) => {
  const seed = process.env.CORELOG_SOAK_SEED ? Number(process.env.CORELOG_SOAK_SEED) : newSeed();
  test.info().annotations.push({ type: 'soak seed', description: `${seed} (replay: npm run soak -- --seed ${seed} --runs 1 --only k,n)` });
  for (const id of ['k', 'n'] as IntakeScenarioId[]) {
    // Fewer photos than the soak's, to stay within the suite's budget; still killed mid-way.
    const out = await runIntakeScenario(id, { rig, rng: seededRandom(scenarioSeed(seed, id)), tag: 'r1', drainTimeoutMs: 30_000, log: (line) => console.log(`[seed ${seed}] ${line}`) }, { files: 12, large: 1 });
    console.log(`[seed ${seed}] ${id}: ${out.photos.once}/${out.photos.expected} one draft each; ${JSON.stringify(out.intake)}`);
    expect(out.kills.map((k) => k.victim), `${id}: one kill`).toEqual([id === 'k' ? 'service' : 'browser']);
    expect(out.intake.doneAtKill, `${id}: killed mid-way`).toBeLessThan(out.intake.files);
    expect({ failure: out.failure, lost: out.photos.lost, duplicated: out.photos.duplicated, stray: out.photos.stray }, `${id} (${out.title}), seed ${seed}`).toEqual({ failure: null, lost: [], duplicated: [], stray: [] });
    expect(out.photos.once).toBe(out.photos.expected);
  }
});
