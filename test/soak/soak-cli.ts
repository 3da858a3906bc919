/**
 * `npm run soak -- --runs N [--seed S] [--only a,b] [--drain-timeout SECONDS] [--json FILE] [--keep]`
 *
 * Runs N rounds. A round is a fresh world (emulators, service process, browser profile) in which
 * each chosen scenario (scenarios.ts; default a–e; the intake kills k–p of intake-scenarios.ts by
 * --only) runs once, with sizes, latencies and kill moments drawn from the round's seed. Prints, per scenario, per round and in total, how many items
 * were lost and duplicated (both must be 0) and how long things took; exits 1 on any loss,
 * duplicate, stray item, timeout or error. Round r uses seed S + r − 1: replay one round with
 * `--seed <its seed> --runs 1` (add `--only x` for one scenario: a scenario's draws depend only on
 * the round seed and its letter). The emulators' own failure picks (scenario e) are not seeded.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lossCounts, runScenario, SCENARIO_IDS, SCENARIOS, scenarioSeed, type ScenarioId, type ScenarioOutcome } from './scenarios';
import { INTAKE_SCENARIO_IDS, INTAKE_SCENARIOS, isIntakeScenario, runIntakeScenario, type IntakeScenarioId } from './intake-scenarios';
import { newSeed, seededRandom } from './seeded-random';
import { SoakRig } from './soak-rig';

const DEFAULT_SCENARIOS: ScenarioId[] = ['a', 'b', 'c', 'd', 'e'];
/** The kills while photos are taken in and queued (intake-scenarios.ts), by --only. */
type AnyScenarioId = ScenarioId | IntakeScenarioId;
const titleOf = (id: AnyScenarioId) => (isIntakeScenario(id) ? INTAKE_SCENARIOS[id] : SCENARIOS[id]).title;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface RoundResult {
  round: number;
  seed: number;
  ms: number;
  workDir: string;
  outcomes: ScenarioOutcome[];
  /** The world could not be set up. */
  setupError: string | null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describe(out: ScenarioOutcome): string {
  const { lost, duplicated, stray } = lossCounts(out);
  const parts = [
    out.events.expected ? `events ${out.events.once}/${out.events.expected} once` : null,
    out.photos.expected ? `photos ${out.photos.once}/${out.photos.expected} once` : null,
    out.changes.expected ? `changes ${out.changes.once}/${out.changes.expected} once` : null,
    `lost ${lost}`,
    `duplicated ${duplicated}`,
    stray ? `stray ${stray}` : null,
    `prepare ${seconds(out.prepareMs)}`,
    `sync ${seconds(out.syncMs)}`,
    out.failure ? null : `recover ${seconds(out.recoverMs)}`,
  ];
  return parts.filter(Boolean).join(' · ');
}

function failed(out: ScenarioOutcome): boolean {
  const { lost, duplicated, stray } = lossCounts(out);
  return lost + duplicated + stray > 0 || out.failure !== null;
}

/** What the servers saw, next to the service and browser logs, for whoever analyses a failure. */
async function keepEvidence(rig: SoakRig, workDir: string, out: ScenarioOutcome): Promise<void> {
  const evidence = {
    outcome: out,
    requests: { imago: rig.emulators.imago.server.log.list(), dougal: rig.emulators.dougal.server.log.list() },
  };
  await writeFile(join(workDir, `scenario-${out.id}.json`), JSON.stringify(evidence, null, 2));
}

/** The world of the round under way, stopped on Ctrl+C (its browser runs in its own process group). */
let current: SoakRig | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the round's browser, service process and emulators`);
    void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

async function runRound(round: number, seed: number, ids: AnyScenarioId[], options: { drainTimeoutMs: number; keep: boolean; root: string }): Promise<RoundResult> {
  const started = Date.now();
  const workDir = join(options.root, `round-${round}-seed-${seed}`);
  const result: RoundResult = { round, seed, ms: 0, workDir, outcomes: [], setupError: null };
  let rig: SoakRig | null = null;
  try {
    rig = current = await SoakRig.start({ workDir, cwd: repoRoot });
    console.log(`  world ready in ${seconds(Date.now() - started)} (service pid ${rig.service.pid}, logs in ${workDir})`);
    for (const id of ids) {
      console.log(`  ${id}  ${titleOf(id)}`);
      const context = { rig, rng: seededRandom(scenarioSeed(seed, id)), tag: `r${round}`, drainTimeoutMs: options.drainTimeoutMs, log: (line: string) => console.log(line) };
      const out = isIntakeScenario(id) ? await runIntakeScenario(id, context) : await runScenario(id, context);
      if ('intake' in out) console.log(`      intake: ${JSON.stringify(out.intake)}`);
      result.outcomes.push(out);
      console.log(`  ${failed(out) ? '✘' : '✔'} ${id}  ${describe(out)}`);
      if (out.failure) console.log(`      failure: ${out.failure}`);
      if (out.outbox) console.log(`      app outboxes: events ${JSON.stringify(out.outbox.events)}, photos ${JSON.stringify(out.outbox.photos)}${out.outbox.errors.length ? `; last errors: ${out.outbox.errors.join(' | ')}` : ''}`);
      const tallies = [out.events, out.photos, out.changes];
      for (const line of tallies.flatMap((t) => t.lost).slice(0, 10)) console.log(`      LOST ${line}`);
      for (const line of tallies.flatMap((t) => t.duplicated).slice(0, 10)) console.log(`      DUPLICATED ${line}`);
      for (const line of tallies.flatMap((t) => t.stray).slice(0, 10)) console.log(`      STRAY ${line}`);
      // With --keep, also what the servers saw in a round that passed (to read where the time went).
      if (failed(out) || options.keep) await keepEvidence(rig, workDir, out);
    }
  } catch (error) {
    result.setupError = (error as Error).message;
    console.log(`  ✘ the round could not be set up: ${result.setupError}`);
  } finally {
    await rig?.close();
    current = null;
  }
  result.ms = Date.now() - started;
  const bad = result.setupError !== null || result.outcomes.some(failed);
  if (!bad && !options.keep) await rm(workDir, { recursive: true, force: true });
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      seed: { type: 'string' },
      only: { type: 'string' },
      'drain-timeout': { type: 'string', default: '120' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error(`--runs takes a whole number from 1 to 1000, not "${values.runs}"`);
  const seed = values.seed === undefined ? newSeed() : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed takes a whole number ≥ 0, not "${values.seed}"`);
  const ids = values.only ? (values.only.split(',').map((s) => s.trim()) as AnyScenarioId[]) : DEFAULT_SCENARIOS;
  const known: AnyScenarioId[] = [...SCENARIO_IDS, ...INTAKE_SCENARIO_IDS];
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; there are ${known.map((id) => `${id} (${titleOf(id)})`).join(', ')}`);
  const drainTimeoutMs = Number(values['drain-timeout']) * 1000;
  if (!(drainTimeoutMs > 0)) throw new Error('--drain-timeout takes a number of seconds');

  const root = await mkdtemp(join(tmpdir(), 'corelog-soak-'));
  console.log(`Corelog kill -9 soak: ${runs} round(s) of ${ids.join(', ')}; seed ${seed} (replay: --seed ${seed})`);
  const results: RoundResult[] = [];
  for (let round = 1; round <= runs; round++) {
    const roundSeed = (seed + round - 1) >>> 0;
    console.log(`\nround ${round}/${runs} (seed ${roundSeed})`);
    const result = await runRound(round, roundSeed, ids, { drainTimeoutMs, keep: values.keep, root });
    results.push(result);
    const sums = result.outcomes.map(lossCounts).reduce((a, b) => ({ lost: a.lost + b.lost, duplicated: a.duplicated + b.duplicated, stray: a.stray + b.stray }), { lost: 0, duplicated: 0, stray: 0 });
    const timeouts = result.outcomes.filter((o) => o.failure).length;
    console.log(`round ${round}: lost ${sums.lost}, duplicated ${sums.duplicated}${sums.stray ? `, stray ${sums.stray}` : ''}, ${timeouts} not finished, ${seconds(result.ms)}`);
  }

  const all = results.flatMap((r) => r.outcomes);
  const totals = all.map(lossCounts).reduce((a, b) => ({ lost: a.lost + b.lost, duplicated: a.duplicated + b.duplicated, stray: a.stray + b.stray }), { lost: 0, duplicated: 0, stray: 0 });
  const unfinished = all.filter((o) => o.failure).length + results.filter((r) => r.setupError).length;
  const kills = all.flatMap((o) => o.kills);
  const roundTimes = results.map((r) => r.ms).sort((a, b) => a - b);
  const recover = all.filter((o) => !o.failure).map((o) => o.recoverMs).sort((a, b) => a - b);
  console.log('\n━━ soak summary ━━');
  for (const id of ids) {
    const mine = all.filter((o) => o.id === id);
    const t = mine.map(lossCounts).reduce((a, b) => ({ lost: a.lost + b.lost, duplicated: a.duplicated + b.duplicated, stray: a.stray + b.stray }), { lost: 0, duplicated: 0, stray: 0 });
    const items = mine.reduce((n, o) => n + o.events.expected + o.photos.expected + o.changes.expected, 0);
    console.log(`${id}  ${titleOf(id).padEnd(44)} runs ${mine.length}, items ${items}, lost ${t.lost}, duplicated ${t.duplicated}${t.stray ? `, stray ${t.stray}` : ''}, not finished ${mine.filter((o) => o.failure).length}`);
  }
  console.log(`rounds ${results.length}, scenarios ${all.length}, kills ${kills.length} (service ${kills.filter((k) => k.victim === 'service').length}, browser ${kills.filter((k) => k.victim === 'browser').length})`);
  if (roundTimes.length) console.log(`time per round: min ${seconds(roundTimes[0]!)}, median ${seconds(roundTimes[Math.floor(roundTimes.length / 2)]!)}, max ${seconds(roundTimes.at(-1)!)}`);
  if (recover.length) console.log(`restart → drained: median ${seconds(recover[Math.floor(recover.length / 2)]!)}, max ${seconds(recover.at(-1)!)}`);
  console.log(`TOTAL lost ${totals.lost}, duplicated ${totals.duplicated}${totals.stray ? `, stray ${totals.stray}` : ''}, not finished ${unfinished}  (seed ${seed})`);
  if (values.json) await writeFile(values.json, JSON.stringify({ seed, runs, scenarios: ids, totals: { ...totals, unfinished }, rounds: results }, null, 2));
  if (totals.lost + totals.duplicated + totals.stray + unfinished === 0 && !values.keep) await rm(root, { recursive: true, force: true });
  else console.log(`Logs of the ${values.keep ? '' : 'failed '}rounds are kept in ${root}`);
  process.exit(totals.lost + totals.duplicated + totals.stray + unfinished === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`The soak could not run: ${(error as Error).message}`);
  process.exit(2);
});
