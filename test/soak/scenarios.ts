/**
 * The soak's scenarios. Each does real work through the UI with the servers away (events logged,
 * photos queued), lets the servers come back, kills a Corelog process at a random moment while
 * that work is being sent, starts it again, waits until everything is on the servers and the
 * app's outboxes are empty, and then counts what the servers hold: 0 lost, 0 duplicated.
 *
 *   a  kill -9 the service process during event pushes
 *   b  kill -9 the service process during photo uploads
 *   c  kill -9 the browser during event pushes
 *   d  kill -9 the browser during photo uploads
 *   e  30 % injected 500/503/resets plus lost replies on both servers while pushing and uploading, and one kill
 *   f  kill -9 the service process while events are pushed and photos uploaded at once
 *   g  kill -9 the browser while events are pushed and photos uploaded at once
 *   h–j, q  changes rather than creates (event edits and deletes, QC ticks, plan changes): change-scenarios.ts
 *   k–p  photo intake and queueing (picked, watch folder, drafts queued): intake-scenarios.ts
 *
 * Every random choice (sizes, latencies, kill moments, downtimes) comes from the scenario's seed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { logEvent, openEventLog, openPhotos, newHole, pendingOnStrip, takeInAndQueue, waitUntil, type OutboxReport } from './corelog-ui';
import type { IntakeScenarioId } from './intake-scenarios';
import { CHANGE_SCENARIOS, type ChangeScenarioId } from './change-scenarios';
import { untilDrained } from './until-drained';
import { addTally, emptyTally, eventsArrived, photosArrived, tallyEvents, tallyPhotos, type Tally } from './exactly-once';
import { seededRandom, type SeededRandom } from './seeded-random';
import { writeSoakPhotos, type SoakPhoto } from './soak-photos';
import type { SoakRig, SystemName, Victim } from './soak-rig';

export type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | ChangeScenarioId;

export interface KillRecord {
  victim: Victim;
  /** When (ISO), to line up with the emulators' request logs. */
  at: string;
  /** Since the servers came back. */
  atMs: number;
  /** From the kill until the process was started again. */
  downMs: number;
  /** What the servers held at the kill. */
  progress: string;
}

export interface ScenarioOutcome {
  id: ScenarioId | IntakeScenarioId;
  title: string;
  seed: number;
  events: Tally;
  photos: Tally;
  /** Edits, deletes and plan changes (scenarios h–j, q): each on Dougal exactly once. */
  changes: Tally;
  kills: KillRecord[];
  /** Logging and queueing through the UI. */
  prepareMs: number;
  /** From the servers coming back until everything is on them and the outboxes are empty. */
  syncMs: number;
  /** From the last restart until drained. */
  recoverMs: number;
  /** Injected faults the servers really applied (scenario e). */
  faultsApplied: number;
  /** Why the scenario did not finish: a timeout or an error (the counts are still taken). */
  failure: string | null;
  /** The app's outboxes when it did not finish. */
  outbox: OutboxReport | null;
}

export interface ScenarioContext {
  rig: SoakRig;
  rng: SeededRandom;
  /** Unique per round, e.g. "r3": names events and holes. */
  tag: string;
  /** How long the servers and outboxes may take to drain after the last restart. */
  drainTimeoutMs: number;
  log: (line: string) => void;
}

interface Scenario {
  title: string;
  run(ctx: ScenarioContext, out: ScenarioOutcome): Promise<void>;
}

interface EventBatch {
  prefix: string;
  remarks: string[];
}

interface PhotoBatch {
  hole: string;
  photos: SoakPhoto[];
}

/** What one scenario sent, and how much of it the servers hold right now. */
class Work {
  readonly events: EventBatch[] = [];
  readonly photos: PhotoBatch[] = [];

  constructor(private readonly rig: SoakRig) {}

  async progress(): Promise<{ events: number; eventsOf: number; photos: number; photosOf: number }> {
    let events = 0;
    let photos = 0;
    for (const batch of this.events) events += eventsArrived(this.rig.emulators, batch.prefix);
    for (const batch of this.photos) photos += await photosArrived(this.rig.emulators, batch.hole, batch.photos);
    return { events, eventsOf: this.events.reduce((n, b) => n + b.remarks.length, 0), photos, photosOf: this.photos.reduce((n, b) => n + b.photos.length, 0) };
  }

  async describe(): Promise<string> {
    const p = await this.progress();
    return [p.eventsOf ? `events ${p.events}/${p.eventsOf}` : '', p.photosOf ? `photos ${p.photos}/${p.photosOf}` : ''].filter(Boolean).join(', ');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (n: number) => String(n).padStart(2, '0');

/** Logs `n` events through the entry line while Dougal is away; they wait in the outbox. */
async function logEventsOffline(ctx: ScenarioContext, work: Work, name: string, n: number): Promise<void> {
  const { rig } = ctx;
  rig.faults('dougal', { down: true });
  await openEventLog(rig.page);
  const prefix = `soak ${ctx.tag} ${name}`;
  const remarks = Array.from({ length: n }, (_, i) => `${prefix} #${pad(i + 1)}`);
  for (const text of remarks) await logEvent(rig.page, text);
  work.events.push({ prefix, remarks });
  await waitUntil('the logged events waiting in the outbox', () => pendingOnStrip(rig.page, 'dougal'), (pending) => pending >= n, { timeoutMs: 20_000, intervalMs: 100 });
}

/** Generates photos, takes them in and queues them on a new hole while Imago is away. */
async function queuePhotosOffline(ctx: ScenarioContext, work: Work, name: string, counts: { small: number; large: number }): Promise<void> {
  const { rig } = ctx;
  const hole = `SOAK-${ctx.tag}-${name}`.toUpperCase();
  const dir = join(rig.workDir, 'photos', hole);
  await mkdir(dir, { recursive: true });
  const photos = await writeSoakPhotos(dir, hole, counts);
  rig.faults('imago', { down: true });
  await openPhotos(rig.page);
  await newHole(rig.page, hole);
  await takeInAndQueue(rig.page, photos.map((p) => p.path));
  work.photos.push({ hole, photos });
}

/** The server comes back (with some latency, so requests really are in flight for a while). */
function serverBack(ctx: ScenarioContext, system: SystemName, latencyMs: number): void {
  ctx.rig.faults(system, { down: false, latencyMs });
}

/**
 * Waits for `reached`, then a random moment up to `jitterMs` more, then SIGKILLs the victim, keeps
 * it down for a random while and starts it again.
 */
async function killWhen(ctx: ScenarioContext, work: Work, out: ScenarioOutcome, startedAt: number, victim: Victim, what: string, reached: () => Promise<boolean> | boolean, jitterMs: number): Promise<void> {
  await waitUntil(`before the kill: ${what}`, reached, Boolean, { timeoutMs: 60_000, intervalMs: 5 });
  await sleep(ctx.rng.between(0, jitterMs));
  await killNow(ctx, work, out, startedAt, victim);
}

async function killNow(ctx: ScenarioContext, work: Work, out: ScenarioOutcome, startedAt: number, victim: Victim): Promise<void> {
  const downFor = ctx.rng.int(100, 3000);
  const progress = await work.describe();
  const atMs = Date.now() - startedAt;
  const at = new Date().toISOString();
  await ctx.rig.kill(victim);
  const killedAt = Date.now();
  ctx.log(`    kill -9 ${victim} at ${(atMs / 1000).toFixed(2)} s (${progress} on the servers)`);
  await sleep(downFor);
  await ctx.rig.restart(victim);
  out.kills.push({ victim, at, atMs, downMs: Date.now() - killedAt, progress });
}

/**
 * Until everything is on the servers and both outboxes are empty, and still so a moment later (a
 * page that has just loaded may show its strip before it has read its outbox).
 */
async function drain(ctx: ScenarioContext, work: Work): Promise<void> {
  const deadline = Date.now() + ctx.drainTimeoutMs;
  const state = async () => {
    const page = ctx.rig.page;
    return { ...(await work.progress()), dougalPending: await pendingOnStrip(page, 'dougal'), imagoPending: await pendingOnStrip(page, 'imago') };
  };
  const done = (p: Awaited<ReturnType<typeof state>>) => p.events === p.eventsOf && p.photos === p.photosOf && p.dougalPending === 0 && p.imagoPending === 0;
  for (;;) {
    await waitUntil('every item on the servers and the outboxes empty', state, done, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 250 });
    await sleep(1_000);
    if (done(await state())) return;
  }
}

/** Back to a well-behaved link for the next scenario. */
function calm(ctx: ScenarioContext): void {
  ctx.rig.faults('both', { down: false, latencyMs: 0, failureRate: 0, failNext: 0, dropResponseNext: 0, failurePathIncludes: '' });
}

/** One batch of events, one kill while they are pushed. */
function eventPushKill(victim: Victim): Scenario['run'] {
  return async (ctx, out) => {
    const { rng } = ctx;
    const work = new Work(ctx.rig);
    const n = rng.int(20, 36);
    const latency = rng.int(80, 350);
    const k = rng.int(1, n - 6);
    const prepared = Date.now();
    await logEventsOffline(ctx, work, `${out.id}`, n);
    out.prepareMs = Date.now() - prepared;
    ctx.log(`    ${n} events logged offline; Dougal back with ${latency} ms latency; kill after ${k}`);
    await runToDrain(ctx, work, out, async (startedAt) => {
      serverBack(ctx, 'dougal', latency);
      const prefix = work.events[0]!.prefix;
      await killWhen(ctx, work, out, startedAt, victim, `${k} of ${n} events on Dougal`, () => eventsArrived(ctx.rig.emulators, prefix) >= k, latency);
    });
  };
}

/** One batch of photos, one kill while they are uploaded. */
function photoUploadKill(victim: Victim): Scenario['run'] {
  return async (ctx, out) => {
    const { rng } = ctx;
    const work = new Work(ctx.rig);
    const counts = { large: rng.int(1, 3), small: rng.int(4, 7) };
    const m = counts.large + counts.small;
    const latency = rng.int(150, 600);
    const k = rng.int(0, m - 2);
    const prepared = Date.now();
    await queuePhotosOffline(ctx, work, out.id, counts);
    out.prepareMs = Date.now() - prepared;
    const batch = work.photos[0]!;
    ctx.log(`    ${m} photos queued offline (${counts.large} of several MB, ${(batch.photos.reduce((s, p) => s + p.bytes, 0) / 1e6).toFixed(1)} MB in all); Imago back with ${latency} ms latency; kill after ${k}`);
    await runToDrain(ctx, work, out, async (startedAt) => {
      serverBack(ctx, 'imago', latency);
      const reached = async () =>
        k === 0 ? ctx.rig.emulators.imago.world.collections.some((c) => c.name === batch.hole) : (await photosArrived(ctx.rig.emulators, batch.hole, batch.photos)) >= k;
      await killWhen(ctx, work, out, startedAt, victim, k === 0 ? 'the hole created on Imago' : `${k} of ${m} photos on Imago`, reached, latency + 300);
    });
  };
}

/**
 * Events and photos at once. Imago comes back first with a slow link (each hole, interval and
 * upload request takes about a second, so the uploads run for several seconds); once the first
 * photo is on Imago, Dougal comes back, and the kill falls when the first events are on Dougal
 * (or, should the pushes be slow to start, when one upload is left), so both are under way.
 */
function mixedKill(victim: Victim): Scenario['run'] {
  return async (ctx, out) => {
    const { rng } = ctx;
    const work = new Work(ctx.rig);
    const n = rng.int(12, 18);
    const counts = { large: 1, small: rng.int(3, 5) };
    const m = counts.large + counts.small;
    const imagoLatency = rng.int(700, 1100);
    const dougalLatency = rng.int(200, 400);
    const k = rng.int(1, 4);
    const prepared = Date.now();
    await logEventsOffline(ctx, work, out.id, n);
    await queuePhotosOffline(ctx, work, out.id, counts);
    out.prepareMs = Date.now() - prepared;
    ctx.log(`    ${n} events and ${m} photos waiting; Imago back (${imagoLatency} ms), then Dougal (${dougalLatency} ms); kill after ${k} events`);
    await runToDrain(ctx, work, out, async (startedAt) => {
      const batch = work.photos[0]!;
      const photos = () => photosArrived(ctx.rig.emulators, batch.hole, batch.photos);
      serverBack(ctx, 'imago', imagoLatency);
      await waitUntil('a first photo on Imago', photos, (p) => p >= 1, { timeoutMs: 60_000, intervalMs: 10 });
      serverBack(ctx, 'dougal', dougalLatency);
      const prefix = work.events[0]!.prefix;
      const reached = async () => eventsArrived(ctx.rig.emulators, prefix) >= k || (await photos()) >= m - 1;
      await killWhen(ctx, work, out, startedAt, victim, `${k} of ${n} events on Dougal, or ${m - 1} of ${m} photos on Imago`, reached, dougalLatency);
    });
  };
}

/** 30 % injected failures and lost replies on both servers for a while, one kill in the middle, then a calm link. */
const flakyLinkKill: Scenario['run'] = async (ctx, out) => {
  const { rng, rig } = ctx;
  const work = new Work(rig);
  const n = rng.int(12, 20);
  const counts = { large: 1, small: rng.int(3, 5) };
  const victim = rng.pick<Victim>(['service', 'browser']);
  const phaseMs = rng.int(12_000, 20_000);
  const killAtMs = rng.int(2_000, phaseMs - 3_000);
  const latency = rng.int(20, 120);
  // Its own stream for the lost replies, drawn from alongside the kill: a replay draws the same.
  const dropRng = seededRandom(rng.int(0, 2 ** 31 - 1));
  const prepared = Date.now();
  await logEventsOffline(ctx, work, out.id, n);
  await queuePhotosOffline(ctx, work, out.id, counts);
  out.prepareMs = Date.now() - prepared;
  ctx.log(`    ${n} events and ${counts.large + counts.small} photos waiting; ${(phaseMs / 1000).toFixed(1)} s of 30 % failures and lost replies, kill -9 ${victim} at ${(killAtMs / 1000).toFixed(1)} s`);
  const marks = { imago: rig.emulators.imago.server.log.lastSeq, dougal: rig.emulators.dougal.server.log.lastSeq };
  await runToDrain(ctx, work, out, async (startedAt) => {
    rig.faults('both', { down: false, latencyMs: latency, failureRate: 0.3, failureKinds: ['500', '503', 'reset'] });
    const phaseEnds = startedAt + phaseMs;
    const drops = (async () => {
      while (Date.now() < phaseEnds) {
        await sleep(dropRng.int(800, 2_500));
        if (Date.now() < phaseEnds) rig.faults(dropRng.pick<SystemName>(['imago', 'dougal']), { dropResponseNext: 1 });
      }
    })();
    await sleep(killAtMs);
    await killNow(ctx, work, out, startedAt, victim);
    await drops;
    await sleep(Math.max(0, phaseEnds - Date.now()));
    calm(ctx);
    out.faultsApplied = (['imago', 'dougal'] as const).reduce((sum, s) => sum + rig.emulators[s].server.log.list(marks[s]).filter((r) => r.fault && r.fault !== 'down').length, 0);
    ctx.log(`    link calm again at ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${out.faultsApplied} injected failures and lost replies applied; ${await work.describe()} on the servers)`);
  });
};

/**
 * Starts the servers' side of the scenario (`act`: bring servers back, kill, restart), waits until
 * drained and takes the counts, whatever happened: a timeout is recorded with the counts as they
 * stand and the app's outboxes, never hidden.
 */
async function runToDrain(ctx: ScenarioContext, work: Work, out: ScenarioOutcome, act: (startedAt: number) => Promise<void>): Promise<void> {
  await untilDrained(ctx, out, {
    act,
    drain: () => drain(ctx, work),
    async count() {
      for (const batch of work.events) out.events = addTally(out.events, tallyEvents(ctx.rig.emulators, batch.prefix, batch.remarks));
      for (const batch of work.photos) out.photos = addTally(out.photos, await tallyPhotos(ctx.rig.emulators, batch.hole, batch.photos));
      calm(ctx);
    },
  });
}

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  a: { title: 'kill -9 service during event pushes', run: eventPushKill('service') },
  b: { title: 'kill -9 service during photo uploads', run: photoUploadKill('service') },
  c: { title: 'kill -9 browser during event pushes', run: eventPushKill('browser') },
  d: { title: 'kill -9 browser during photo uploads', run: photoUploadKill('browser') },
  e: { title: '30 % failures + lost replies, one kill', run: flakyLinkKill },
  f: { title: 'kill -9 service during pushes and uploads', run: mixedKill('service') },
  g: { title: 'kill -9 browser during pushes and uploads', run: mixedKill('browser') },
  ...CHANGE_SCENARIOS,
};

export const SCENARIO_IDS = Object.keys(SCENARIOS) as ScenarioId[];

/** A scenario's own seed: depends only on the round seed and its letter, so `--only` replays it. */
export function scenarioSeed(roundSeed: number, id: ScenarioId | IntakeScenarioId): number {
  // Each input goes through a full 32-bit mix, so nearby round seeds and letters never collide.
  const mix = (x: number) => {
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
    return (x ^ (x >>> 16)) >>> 0;
  };
  return mix((mix(roundSeed >>> 0) + Math.imul(id.charCodeAt(0), 0x9e3779b9)) >>> 0);
}

/** A scenario's outcome before it ran: nothing counted, nothing failed. */
export function emptyOutcome(id: ScenarioOutcome['id'], title: string, seed: number): ScenarioOutcome {
  return { id, title, seed, events: emptyTally(), photos: emptyTally(), changes: emptyTally(), kills: [], prepareMs: 0, syncMs: 0, recoverMs: 0, faultsApplied: 0, failure: null, outbox: null };
}

/** Runs one scenario; never throws for what it finds (that is in the outcome). */
export async function runScenario(id: ScenarioId, ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const scenario = SCENARIOS[id];
  const out = emptyOutcome(id, scenario.title, ctx.rng.seed);
  try {
    await scenario.run(ctx, out);
  } catch (error) {
    // Preparing through the UI failed (before anything was sent): recorded, not thrown.
    out.failure ??= `while preparing: ${(error as Error).message}`;
    calm(ctx);
  }
  // A process killed and not started again (a failed restart) would leave the next scenario blind.
  if (!ctx.rig.service.pid) await ctx.rig.restart('service').catch((error: Error) => ctx.log(`    the service process did not start again: ${error.message}`));
  if (!ctx.rig.browser.page) await ctx.rig.restart('browser').catch((error: Error) => ctx.log(`    the browser did not start again: ${error.message}`));
  return out;
}

/** Lost and duplicated in an outcome (what must be 0). */
export function lossCounts(out: ScenarioOutcome): { lost: number; duplicated: number; stray: number } {
  const tallies = [out.events, out.photos, out.changes];
  return {
    lost: tallies.reduce((n, t) => n + t.lost.length, 0),
    duplicated: tallies.reduce((n, t) => n + t.duplicated.length, 0),
    stray: tallies.reduce((n, t) => n + t.stray.length, 0),
  };
}
