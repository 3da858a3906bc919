/**
 * Kill -9 while photos are taken in, and while drafts are queued. The soak's other scenarios
 * (scenarios.ts) start from photos already queued; these cover the step before:
 *
 *   k  kill -9 the service process while picked files are taken in
 *   l  kill -9 the browser while picked files are taken in
 *   m  kill -9 the service process while watch-folder finds are taken in
 *   n  kill -9 the browser while watch-folder finds are taken in
 *   o  kill -9 the service process while drafts are queued
 *   p  kill -9 the browser while drafts are queued
 *
 * What must hold afterwards, read from the page's IndexedDB, the service's data folder and the files:
 * every picked file is a draft or a refusal with a plain reason (the browser's own kill may also
 * forget a pick in flight: picking again must then work); picking everything again gives each file
 * exactly one draft; every watch-folder find ends up exactly one draft and is remembered as done;
 * no draft lacks its thumbnail or its stored original; nothing is left in the staging folder;
 * queueing is all or nothing per photo (no upload without its photo, no hole or interval job
 * without a queued photo), and queueing again leaves each photo queued once.
 */
import { access, mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DATASET, openPhotos, waitUntil, WORKSPACE } from './corelog-ui';
import { emptyTally } from './exactly-once';
import { emptyOutcome, type KillRecord, type ScenarioContext, type ScenarioOutcome } from './scenarios';
import { writeSoakPhotos, type SoakPhoto } from './soak-photos';
import type { Victim } from './soak-rig';

export type IntakeScenarioId = 'k' | 'l' | 'm' | 'n' | 'o' | 'p';

type Source = 'picker' | 'watch-folder' | 'queue';

interface IntakeScenario {
  title: string;
  victim: Victim;
  source: Source;
}

export const INTAKE_SCENARIOS: Record<IntakeScenarioId, IntakeScenario> = {
  k: { title: 'kill -9 service while picked photos are taken in', victim: 'service', source: 'picker' },
  l: { title: 'kill -9 browser while picked photos are taken in', victim: 'browser', source: 'picker' },
  m: { title: 'kill -9 service while watch-folder finds are taken in', victim: 'service', source: 'watch-folder' },
  n: { title: 'kill -9 browser while watch-folder finds are taken in', victim: 'browser', source: 'watch-folder' },
  o: { title: 'kill -9 service while drafts are queued', victim: 'service', source: 'queue' },
  p: { title: 'kill -9 browser while drafts are queued', victim: 'browser', source: 'queue' },
};

export const INTAKE_SCENARIO_IDS = Object.keys(INTAKE_SCENARIOS) as IntakeScenarioId[];

export const isIntakeScenario = (id: string): id is IntakeScenarioId => (INTAKE_SCENARIO_IDS as string[]).includes(id);

/** What an intake scenario saw, beyond the tally (`photos`: each file one draft, or queued once). */
export interface IntakeDetails {
  files: number;
  /** Drafts (or queued photos) when the victim was killed: below `files` means the kill was mid-way. */
  doneAtKill: number;
  /** After the restart, before anything was done again. */
  draftsAfterKill: number;
  refusedAfterKill: number;
  /** Picked files neither a draft nor a refusal after the restart (allowed only when the browser was killed). */
  forgotten: string[];
  /** Refusal reasons as the user reads them. */
  reasons: string[];
  /** Files left in the service's staging folder and the photo store's temp folder at the end. */
  stagingLeft: number;
  storeTempLeft: number;
}

export type IntakeScenarioOutcome = ScenarioOutcome & { intake: IntakeDetails };

interface PageRecords {
  photos: { id: string; originalName: string; sha256: string; state: string; source: string; thumbBytes: number; intervalId: string | null; holeName: string }[];
  rejections: { name: string; reason: string }[];
  outbox: { kind: string; photoId: string | null; holeId: string; intervalId: string | null }[];
  intervals: { id: string; holeId: string }[];
}

/** The Photos screen's records, straight from the page's IndexedDB. */
async function readRecords(page: Page): Promise<PageRecords> {
  // No named functions inside: the CLI's transpiler would wrap them in a helper the page does not have.
  return page.evaluate(async (stores) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('corelog-photos');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error as Error);
    });
    const lists = await Promise.all(
      stores.map(
        (store) =>
          new Promise<unknown[]>((resolve) => {
            const request = db.transaction(store).objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result as unknown[]);
            request.onerror = () => resolve([]);
          }),
      ),
    );
    db.close();
    type Photo = { id: string; originalName: string; sha256: string; state: string; source: string; thumbnail?: Blob | null; intervalId: string | null; binding: { hole: string } };
    const [photos, rejections, outbox, intervals] = lists as [Photo[], { name: string; reason: string }[], PageRecords['outbox'], PageRecords['intervals']];
    return {
      photos: photos.map((p) => ({ id: p.id, originalName: p.originalName, sha256: p.sha256, state: p.state, source: p.source, thumbBytes: p.thumbnail?.size ?? 0, intervalId: p.intervalId, holeName: p.binding.hole })),
      rejections: rejections.map((r) => ({ name: r.name, reason: r.reason })),
      outbox: outbox.map((o) => ({ kind: o.kind, photoId: o.photoId, holeId: o.holeId, intervalId: o.intervalId })),
      intervals: intervals.map((i) => ({ id: i.id, holeId: i.holeId })),
    };
  }, ['photos', 'rejections', 'outbox', 'intervals']);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const countBy = (names: string[]) => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function filesIn(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [] as string[])).length;
}

/** Waits until `settled` holds for the page's records and still does a moment later (nothing more arriving). */
async function settle(page: () => Page, what: string, settled: (r: PageRecords) => boolean, timeoutMs: number): Promise<PageRecords> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await waitUntil(what, () => readRecords(page()), settled, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 100 });
    await sleep(1_200);
    const again = await readRecords(page());
    if (settled(again) && again.photos.length === seen.photos.length && again.rejections.length === seen.rejections.length) return again;
  }
}

class IntakeRun {
  readonly hole: string;
  readonly dataDir: string;
  photos: SoakPhoto[] = [];

  constructor(
    readonly ctx: ScenarioContext,
    readonly out: IntakeScenarioOutcome,
    private readonly size: IntakeSize | undefined,
  ) {
    this.hole = `INTAKE-${ctx.tag}-${out.id}`.toUpperCase();
    this.dataDir = join(ctx.rig.workDir, 'service-data');
  }

  get page(): Page {
    return this.ctx.rig.page;
  }

  get names(): string[] {
    return this.photos.map((p) => p.name);
  }

  /** This scenario's photos among the page's records. */
  mine(records: PageRecords): PageRecords {
    const names = new Set(this.names);
    const photos = records.photos.filter((p) => names.has(p.originalName));
    const ids = new Set(photos.map((p) => p.id));
    const holeKey = `${WORKSPACE}/${DATASET}/${this.hole}`;
    return {
      photos,
      rejections: records.rejections.filter((r) => names.has(r.name)),
      outbox: records.outbox.filter((o) => (o.photoId !== null && ids.has(o.photoId)) || o.holeId === holeKey),
      intervals: records.intervals.filter((i) => i.holeId === holeKey),
    };
  }

  async write(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const n = this.size?.files ?? this.ctx.rng.int(20, 32);
    // A few large photos keep the intake busy long enough for the kill to land in the middle.
    const large = this.size?.large ?? this.ctx.rng.int(2, 4);
    this.photos = await writeSoakPhotos(dir, this.hole, { small: n - large, large });
    this.out.intake.files = this.photos.length;
  }

  /** Kills the victim once `count` reaches `at`, keeps it down a while, starts it again. */
  async killWhen(what: string, count: () => Promise<number>, at: number, startedAt: number): Promise<void> {
    const victim = INTAKE_SCENARIOS[this.out.id as IntakeScenarioId].victim;
    const reached = await waitUntil(`before the kill: ${at} ${what}`, count, (n) => n >= at, { timeoutMs: 60_000, intervalMs: 5 });
    const atMs = Date.now() - startedAt;
    await this.ctx.rig.kill(victim);
    const killedAt = Date.now();
    this.out.intake.doneAtKill = reached;
    const progress = `${reached}/${this.photos.length} ${what}`;
    this.ctx.log(`    kill -9 ${victim} at ${(atMs / 1000).toFixed(2)} s (${progress})`);
    await sleep(this.ctx.rng.int(100, 1500));
    await this.ctx.rig.restart(victim);
    if (victim === 'browser') await openPhotos(this.page);
    const record: KillRecord = { victim, at: new Date(killedAt).toISOString(), atMs, downMs: Date.now() - killedAt, progress };
    this.out.kills.push(record);
  }

  /** Each photo must have exactly one draft: the tally, and the half records among them. */
  tallyDrafts(records: PageRecords, states: string[] = ['draft']): void {
    const mine = this.mine(records).photos.filter((p) => states.includes(p.state));
    const counts = countBy(mine.map((p) => p.originalName));
    const tally = { ...emptyTally(), expected: this.photos.length };
    for (const name of this.names) {
      const n = counts.get(name) ?? 0;
      if (n === 1) tally.once += 1;
      else if (n === 0) tally.lost.push(`${name}: no ${states.join(' or ')}`);
      else tally.duplicated.push(`${name}: ${n} ${states.join('/')} records`);
    }
    this.out.photos = tally;
  }

  /** Drafts without a thumbnail or whose original is not in the photo store. */
  async halfRecords(records: PageRecords): Promise<string[]> {
    const half: string[] = [];
    for (const photo of this.mine(records).photos) {
      if (photo.thumbBytes === 0) half.push(`${photo.originalName}: a draft without its thumbnail`);
      const stored = join(this.dataDir, 'photos', photo.sha256.slice(0, 2), `${photo.sha256}.jpg`);
      if (!(await exists(stored))) half.push(`${photo.originalName}: a ${photo.state} photo whose original is not in the photo store`);
    }
    return half;
  }

  /** Photos in the service's photo store (files under its shard folders). */
  async storedCount(): Promise<number> {
    const root = join(this.dataDir, 'photos');
    const shards = (await readdir(root).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{2}$/.test(name));
    const counts = await Promise.all(shards.map((shard) => filesIn(join(root, shard))));
    return counts.reduce((a, b) => a + b, 0);
  }

  async stagingCount(): Promise<number> {
    return filesIn(join(this.dataDir, 'staging'));
  }

  /** Picks the files in the Photos screen and waits until that intake has finished (its status says so). */
  async pick(paths: string[]): Promise<void> {
    const status = this.page.getByTestId('intake-status');
    await this.page.getByLabel('Add photos').setInputFiles(paths);
    await waitUntil('the intake under way', () => status.textContent({ timeout: 1_000 }).catch(() => ''), (t) => t?.startsWith('Taking in') === true, { timeoutMs: 10_000, intervalMs: 20 });
    await waitUntil('the intake finished', () => status.textContent({ timeout: 1_000 }).catch(() => 'Taking in'), (t) => t?.startsWith('Taking in') !== true, { timeoutMs: 90_000, intervalMs: 100 });
  }

  async leftovers(): Promise<void> {
    this.out.intake.stagingLeft = await filesIn(join(this.dataDir, 'staging'));
    this.out.intake.storeTempLeft = await filesIn(join(this.dataDir, 'photos', '.tmp'));
    // A page killed mid-pick leaves what it handed over to a service that lives on: those copies go
    // at the service's next start (or after a week); reported, not counted.
    if (this.out.intake.stagingLeft && this.out.kills[0]?.victim !== 'browser') this.out.photos.stray.push(`${this.out.intake.stagingLeft} file(s) left in the service's staging folder`);
  }

  async clearScreen(): Promise<void> {
    const page = this.page;
    const discard = page.getByRole('button', { name: 'Discard all' });
    if (await discard.isVisible()) await discard.click();
    const clear = page.getByRole('region', { name: 'Refused files' }).getByRole('button', { name: 'Clear' });
    if (await clear.isVisible()) await clear.click();
    await waitUntil('the review and refused lists empty', () => readRecords(page), (r) => r.photos.every((p) => p.state !== 'draft') && r.rejections.length === 0, { timeoutMs: 10_000 });
  }
}

/** What a refusal says must be plain and true: no promise of a retry nobody makes. */
function unclearReason(reason: string): boolean {
  return reason.trim() === '' || /retrying|internal|\bHTTP\b|undefined|\[object/i.test(reason);
}

async function pickedIntake(run: IntakeRun): Promise<void> {
  const { ctx, out } = run;
  await run.write(join(ctx.rig.workDir, 'photos', run.hole));
  await openPhotos(run.page);
  // Two moments: while the page hands the files over (one by one) or while main takes them in.
  const phase = ctx.rng.pick(['handed over', 'stored'] as const);
  const at = ctx.rng.int(1, run.photos.length - 4);
  ctx.log(`    ${run.photos.length} files picked; kill after ${at} ${phase}`);
  const base = await run.storedCount();
  const startedAt = Date.now();
  await run.page.getByLabel('Add photos').setInputFiles(run.photos.map((p) => p.path));
  await run.killWhen(phase, async () => (phase === 'handed over' ? run.stagingCount() : (await run.storedCount()) - base), at, startedAt);

  // After the restart: each file a draft or a refusal; the browser's own kill may forget the pick in flight.
  const victim = out.kills[0]!.victim;
  const accounted = (r: PageRecords) => new Set([...run.mine(r).photos.map((p) => p.originalName), ...run.mine(r).rejections.map((x) => x.name)]).size;
  const settled = await settle(() => run.page, 'each picked file a draft or a refusal', (r) => victim === 'browser' || accounted(r) === run.photos.length, 30_000);
  const mine = run.mine(settled);
  const drafted = new Set(mine.photos.map((p) => p.originalName));
  const refused = new Set(mine.rejections.map((r) => r.name));
  out.intake.draftsAfterKill = mine.photos.length;
  out.intake.refusedAfterKill = mine.rejections.length;
  out.intake.forgotten = run.names.filter((n) => !drafted.has(n) && !refused.has(n));
  out.intake.reasons = [...new Set(mine.rejections.map((r) => r.reason))];
  const stray = [...(await run.halfRecords(settled))];
  for (const reason of out.intake.reasons.filter(unclearReason)) stray.push(`a refusal the user cannot act on: “${reason}”`);
  const silentlyGone = victim === 'service' ? out.intake.forgotten.map((n) => `${n}: neither a draft nor a refusal after the restart`) : [];
  ctx.log(`    after the restart: ${drafted.size} drafts, ${refused.size} refused, ${out.intake.forgotten.length} forgotten; reasons: ${out.intake.reasons.join(' | ') || '—'}`);

  // Picking everything again: each file exactly one draft.
  await run.pick(run.photos.map((p) => p.path));
  const again = await settle(() => run.page, 'each picked file a draft after picking again', (r) => new Set(run.mine(r).photos.map((p) => p.originalName)).size === run.photos.length, 30_000);
  run.tallyDrafts(again);
  out.photos.lost.push(...silentlyGone);
  out.photos.stray.push(...stray, ...(await run.halfRecords(again)).filter((s) => !stray.includes(s)));
  await run.leftovers();
  await run.clearScreen();
}

async function watchFolderIntake(run: IntakeRun): Promise<void> {
  const { ctx, out } = run;
  const watched = join(ctx.rig.workDir, 'watched', run.hole);
  const writing = join(ctx.rig.workDir, 'photos', run.hole);
  await mkdir(watched, { recursive: true });
  await run.write(writing);
  await openPhotos(run.page);
  const settings = await openWatchFolderSettings(run.page);
  await settings.getByLabel('Folder the camera writes to (full path)').fill(watched);
  await settings.getByRole('button', { name: 'Save' }).click();
  await waitUntil('the watch folder watched', () => run.page.getByTestId('watch-state').textContent(), (t) => t?.startsWith('watching') === true, { timeoutMs: 10_000 });
  const at = ctx.rng.int(1, run.photos.length - 4);
  ctx.log(`    ${run.photos.length} files into the watch folder; kill after ${at} stored`);
  const base = await run.storedCount();
  const startedAt = Date.now();
  // Moved in whole, as a camera's software finishes its files.
  for (const photo of run.photos) await rename(photo.path, join(watched, photo.name));
  await run.killWhen('stored', async () => (await run.storedCount()) - base, at, startedAt);

  const settled = await settle(() => run.page, 'each watch-folder find a draft', (r) => new Set(run.mine(r).photos.map((p) => p.originalName)).size === run.photos.length, 45_000).catch(async (error: Error) => {
    out.failure = error.message;
    return readRecords(run.page);
  });
  const mine = run.mine(settled);
  out.intake.draftsAfterKill = mine.photos.length;
  out.intake.refusedAfterKill = mine.rejections.length;
  out.intake.reasons = [...new Set(mine.rejections.map((r) => r.reason))];
  run.tallyDrafts(settled);
  out.photos.stray.push(...(await run.halfRecords(settled)));
  // A find is taken in by the watch folder, not added again by hand: a refusal saying otherwise of one that is a draft misleads.
  const drafted = new Set(mine.photos.map((p) => p.originalName));
  for (const r of mine.rejections.filter((x) => drafted.has(x.name))) out.photos.stray.push(`${r.name}: a draft, and also refused (“${r.reason}”)`);
  // Each find remembered as dealt with, so it is not offered again at the next start.
  const remembered = JSON.parse(await readFile(join(run.dataDir, 'watch-folder.json'), 'utf8').catch(() => '{}')) as { done?: string[] };
  const done = new Set((remembered.done ?? []).map((key) => key.split('|')[0]));
  const notDone = run.names.filter((n) => !done.has(n));
  if (notDone.length && !out.failure) out.failure = `${notDone.length} find(s) with a draft but not remembered as done (offered again at the next start): ${notDone.slice(0, 3).join(', ')}`;
  ctx.log(`    ${new Set(mine.photos.map((p) => p.originalName)).size}/${run.photos.length} finds are drafts; ${run.photos.length - notDone.length} remembered as done`);
  // The page may be another one since (the browser was killed).
  await (await openWatchFolderSettings(run.page)).getByRole('button', { name: 'Stop watching' }).click();
  await run.leftovers();
  await run.clearScreen();
}

async function openWatchFolderSettings(page: Page) {
  const settings = page.locator('details.watch-folder');
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click();
  return settings;
}

async function queueKill(run: IntakeRun): Promise<void> {
  const { ctx, out } = run;
  await run.write(join(ctx.rig.workDir, 'photos', run.hole));
  // Imago away: what is queued stays in the outbox, to be read as it was written.
  ctx.rig.faults('imago', { down: true });
  await openPhotos(run.page);
  await run.pick(run.photos.map((p) => p.path));
  await settle(() => run.page, 'every photo a draft', (r) => run.mine(r).photos.filter((p) => p.state === 'draft').length === run.photos.length, 60_000);
  const at = ctx.rng.int(1, run.photos.length - 4);
  ctx.log(`    ${run.photos.length} drafts; queue them, kill after ${at} queued`);
  const startedAt = Date.now();
  await run.page.getByTestId('queue-drafts').click();
  await run.killWhen('queued', async () => run.mine(await readRecords(run.page)).photos.filter((p) => p.state === 'queued').length, at, startedAt);

  // A killed service does not stop the page's queueing (it is the page's own): wait until it is over.
  const queuedNow = async () => run.mine(await readRecords(run.page)).photos.filter((p) => p.state === 'queued').length;
  let seen = -1;
  for (let now = await queuedNow(); now !== seen; now = await queuedNow()) {
    seen = now;
    await sleep(1_000);
  }
  const afterKill = run.mine(await readRecords(run.page));
  out.intake.draftsAfterKill = afterKill.photos.filter((p) => p.state === 'draft').length;
  out.photos.stray.push(...queueingHoles(afterKill));
  ctx.log(`    after the restart: ${afterKill.photos.filter((p) => p.state === 'queued').length} queued, ${out.intake.draftsAfterKill} drafts`);
  // Queue what is left: each photo queued once.
  // The button goes with the last draft; whether every photo ends queued is checked next.
  const button = run.page.getByTestId('queue-drafts');
  if (await button.isVisible()) await button.click({ timeout: 5_000 }).catch(() => undefined);
  const queued = await settle(() => run.page, 'every photo queued', (r) => run.mine(r).photos.every((p) => p.state === 'queued'), 20_000);
  run.tallyDrafts(queued, ['queued']);
  const mine = run.mine(queued);
  out.photos.stray.push(...queueingHoles(mine).filter((s) => !out.photos.stray.includes(s)));
  for (const [photoId, n] of countBy(mine.outbox.filter((o) => o.kind === 'upload').map((o) => o.photoId ?? '?'))) {
    if (n > 1) out.photos.duplicated.push(`photo ${photoId}: ${n} uploads queued`);
  }
  ctx.rig.faults('imago', { down: false });
  await run.leftovers();
}

/** Queueing is all or nothing per photo: what a half-done queueing would leave. */
function queueingHoles(records: PageRecords): string[] {
  const found: string[] = [];
  const queued = records.photos.filter((p) => p.state === 'queued');
  for (const photo of records.photos) {
    const uploads = records.outbox.filter((o) => o.kind === 'upload' && o.photoId === photo.id);
    if (photo.state === 'draft' && uploads.length) found.push(`${photo.originalName}: a draft with ${uploads.length} upload(s) queued`);
    if (photo.state === 'queued' && uploads.length !== 1) found.push(`${photo.originalName}: queued with ${uploads.length} uploads`);
    if (photo.state === 'queued' && !records.intervals.some((i) => i.id === photo.intervalId)) found.push(`${photo.originalName}: queued for an interval that is not there`);
  }
  for (const item of records.outbox.filter((o) => o.kind === 'upload' && !records.photos.some((p) => p.id === o.photoId))) found.push(`an upload of photo ${item.photoId} that is not there`);
  if (records.outbox.some((o) => o.kind === 'hole') && queued.length === 0) found.push('a hole job with no photo queued for the hole');
  for (const interval of records.intervals) if (!queued.some((p) => p.intervalId === interval.id)) found.push(`interval ${interval.id}: made by queueing, with no photo queued for it`);
  return found;
}

/** How many photos, of which large (default: 20–32, 2–4 large, from the seed). */
export interface IntakeSize {
  files: number;
  large: number;
}

/** Runs one intake scenario; never throws for what it finds (that is in the outcome). */
export async function runIntakeScenario(id: IntakeScenarioId, ctx: ScenarioContext, size?: IntakeSize): Promise<IntakeScenarioOutcome> {
  const scenario = INTAKE_SCENARIOS[id];
  const out: IntakeScenarioOutcome = {
    ...emptyOutcome(id, scenario.title, ctx.rng.seed),
    intake: { files: 0, doneAtKill: 0, draftsAfterKill: 0, refusedAfterKill: 0, forgotten: [], reasons: [], stagingLeft: 0, storeTempLeft: 0 },
  };
  const run = new IntakeRun(ctx, out, size);
  const started = Date.now();
  try {
    if (scenario.source === 'picker') await pickedIntake(run);
    else if (scenario.source === 'watch-folder') await watchFolderIntake(run);
    else await queueKill(run);
  } catch (error) {
    out.failure ??= (error as Error).message.split('\n')[0]!;
  }
  out.syncMs = Date.now() - started;
  ctx.rig.faults('both', { down: false, latencyMs: 0 });
  if (!ctx.rig.service.pid) await ctx.rig.restart('service').catch((error: Error) => ctx.log(`    the service process did not start again: ${error.message}`));
  if (!ctx.rig.browser.page) await ctx.rig.restart('browser').catch((error: Error) => ctx.log(`    the browser did not start again: ${error.message}`));
  return out;
}
