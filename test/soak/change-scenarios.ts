/**
 * The soak's scenarios for changes rather than creates: edits and deletes of events Dougal already
 * holds, and changes of the plan, made through the UI while Dougal is away, then sent with a
 * process SIGKILLed in the middle (and a few lost replies on the way).
 *
 *   h  edits and deletes of events (and QC results ticked and un-ticked), kill -9 the service process while they are sent
 *   i  the same, kill -9 the browser
 *   j  planned sequences added, changed, renumbered and removed, kill -9 the service process
 *   k  the same, kill -9 the browser
 *
 * The verdict is read from the emulator's stored state, every version of every event: each edit
 * must be one version of its own (exactly once) and the newest where no delete follows it; each
 * delete must leave the event without an open version; nothing else may have been written. A
 * false conflict or refusal after a lost reply stays in the outbox, so the drain does not finish.
 */
import type { Page } from '@playwright/test';
import type { EventInstance, PlanEntry } from '../../emulators/dougal/model';
import { logEvent, openEventLog, pendingOnStrip, PROJECT, waitUntil } from './corelog-ui';
import { emptyTally, type Tally } from './exactly-once';
import type { SeededRandom } from './seeded-random';
import type { KillRecord, ScenarioContext, ScenarioOutcome } from './scenarios';
import { untilDrained } from './until-drained';
import type { SoakRig, Victim } from './soak-rig';

export type ChangeScenarioId = 'h' | 'i' | 'j' | 'q';

interface ChangeScenario {
  title: string;
  run(ctx: ScenarioContext, out: ScenarioOutcome): Promise<void>;
}

/** What one scenario changed, how far Dougal has got, and the final count. */
interface ChangeWork {
  /** Changes Dougal holds now, of `total`. */
  landed(): number;
  total: number;
  tally(): Tally;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replies Dougal sends after doing the work, then loses: `count` of the requests of `method` whose path holds `path`. */
interface LostReplies {
  method: string;
  path: string;
  count: number;
}

function shuffled<T>(rng: SeededRandom, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function calm(rig: SoakRig): void {
  rig.faults('both', { down: false, latencyMs: 0, failureRate: 0, failNext: 0, dropResponseNext: 0, failurePathIncludes: '', failureMethod: '' });
}

async function killNow(ctx: ScenarioContext, work: ChangeWork, out: ScenarioOutcome, startedAt: number, victim: Victim): Promise<void> {
  const downFor = ctx.rng.int(100, 3000);
  const progress = `changes ${work.landed()}/${work.total}`;
  const atMs = Date.now() - startedAt;
  const at = new Date().toISOString();
  await ctx.rig.kill(victim);
  const killedAt = Date.now();
  ctx.log(`    kill -9 ${victim} at ${(atMs / 1000).toFixed(2)} s (${progress} on Dougal)`);
  await sleep(downFor);
  await ctx.rig.restart(victim);
  const kill: KillRecord = { victim, at, atMs, downMs: Date.now() - killedAt, progress };
  out.kills.push(kill);
}

/** Until every change is on Dougal and the event outbox is empty, and still so a second later. */
async function drain(ctx: ScenarioContext, work: ChangeWork): Promise<void> {
  const deadline = Date.now() + ctx.drainTimeoutMs;
  const state = async () => ({ landed: work.landed(), of: work.total, dougalPending: await pendingOnStrip(ctx.rig.page, 'dougal') });
  const done = (s: Awaited<ReturnType<typeof state>>) => s.landed === s.of && s.dougalPending === 0;
  for (;;) {
    await waitUntil('every change on Dougal and the outbox empty', state, done, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 250 });
    await sleep(1_000);
    if (done(await state())) return;
  }
}

/** Dougal back (slow, with `dropPuts` replies lost), one kill once `killAfter` changes landed, then drained and counted. */
async function sendWithKill(ctx: ScenarioContext, out: ScenarioOutcome, work: ChangeWork, options: { victim: Victim; latencyMs: number; killAfter: number; drop: LostReplies }): Promise<void> {
  const { rig } = ctx;
  await untilDrained(ctx, out, {
    async act(startedAt) {
      // Changes that hold already (a QC result clicked back to where it was) are no sign of progress.
      const already = work.landed();
      const { method, path, count } = options.drop;
      rig.faults('dougal', { down: false, latencyMs: options.latencyMs, failureMethod: method, failurePathIncludes: path, dropResponseNext: count });
      await waitUntil(`before the kill: ${options.killAfter} more of ${work.total} changes on Dougal`, () => work.landed(), (n) => n >= Math.min(work.total, already + options.killAfter), { timeoutMs: 60_000, intervalMs: 5 });
      await sleep(ctx.rng.between(0, options.latencyMs));
      await killNow(ctx, work, out, startedAt, options.victim);
    },
    drain: () => drain(ctx, work),
    count(startedAt) {
      out.changes = work.tally();
      out.faultsApplied = rig.emulators.dougal.server.log.list().filter((r) => r.fault === 'response dropped' && Date.parse(r.at) >= startedAt).length;
      ctx.log(`    ${out.faultsApplied} lost repl${out.faultsApplied === 1 ? 'y' : 'ies'} applied; changes ${work.landed()}/${work.total} on Dougal`);
      calm(rig);
    },
  });
}

// ─── events: edits and deletes ───────────────────────────────────────────────────────────────

type EventPlan = { kind: 'edit'; remarks: string; label: string | null } | { kind: 'delete' } | { kind: 'edit-then-delete'; remarks: string };

interface EventTarget {
  remarks: string;
  id: number;
  plan: EventPlan;
}

const versionsOf = (rig: SoakRig, id: number): EventInstance[] =>
  rig.emulators.dougal
    .project(PROJECT)
    .events.filter((e) => e.id === id)
    .sort((a, b) => a.uid - b.uid);

/** The edits an event must carry, oldest first, and whether it must end deleted. */
function expectedOf(target: EventTarget): { edits: string[]; deleted: boolean } {
  const { plan } = target;
  if (plan.kind === 'edit') return { edits: [plan.remarks], deleted: false };
  if (plan.kind === 'delete') return { edits: [], deleted: true };
  return { edits: [plan.remarks], deleted: true };
}

function changesOf(target: EventTarget): number {
  const { edits, deleted } = expectedOf(target);
  return edits.length + (deleted ? 1 : 0);
}

function landedOf(rig: SoakRig, target: EventTarget): number {
  const versions = versionsOf(rig, target.id);
  const { edits, deleted } = expectedOf(target);
  const edited = edits.filter((remarks) => versions.some((v) => v.remarks === remarks)).length;
  const gone = deleted && !versions.some((v) => v.validity[2] === null) ? 1 : 0;
  return edited + gone;
}

/**
 * One event's verdict from all its versions: the original, then one version per edit (in order),
 * open at the end unless deleted; anything else (a second copy of an edit, a version nobody
 * made, an event open again after its delete) is a duplicate or a stray write.
 */
function tallyEvent(rig: SoakRig, target: EventTarget, tally: Tally): void {
  const versions = versionsOf(rig, target.id);
  const { edits, deleted } = expectedOf(target);
  const name = `event ${target.id} “${target.remarks}”`;
  const open = versions.filter((v) => v.validity[2] === null);
  let ok = true;
  for (const remarks of edits) {
    const copies = versions.filter((v) => v.remarks === remarks).length;
    if (copies === 0) {
      tally.lost.push(`${name}: edit to “${remarks}” not on Dougal`);
      ok = false;
    }
    for (let extra = 1; extra < copies; extra++) tally.duplicated.push(`${name}: edit to “${remarks}” is ${copies} versions (uids ${versions.filter((v) => v.remarks === remarks).map((v) => v.uid).join(', ')})`);
    if (copies > 1) ok = false;
  }
  if (deleted && open.length > 0) {
    tally.lost.push(`${name}: delete not on Dougal (open version “${open[0]!.remarks}”)`);
    ok = false;
  }
  if (!deleted) {
    const newest = versions.at(-1);
    if (open.length !== 1 || newest?.validity[2] !== null || newest.remarks !== edits.at(-1)) {
      tally.stray.push(`${name}: newest version “${newest?.remarks}” (${open.length} open), not the edit “${edits.at(-1)}”`);
      ok = false;
    }
    if (target.plan.kind === 'edit' && target.plan.label && !newest?.labels.includes(target.plan.label)) {
      tally.lost.push(`${name}: label ${target.plan.label} of the edit not on the newest version (${newest?.labels.join(', ')})`);
      ok = false;
    }
  }
  const made = new Set([target.remarks, ...edits]);
  for (const v of versions.filter((v) => !made.has(v.remarks))) {
    tally.stray.push(`${name}: version ${v.uid} “${v.remarks}” that nobody wrote`);
    ok = false;
  }
  if (versions.length > 1 + edits.length) {
    tally.duplicated.push(`${name}: ${versions.length} versions for ${edits.length} edit(s)`);
    ok = false;
  }
  if (ok) tally.once += changesOf(target);
}

/** Opens the event's panel through the remarks search (the log holds thousands of events). */
async function openEvent(page: Page, remarks: string): Promise<void> {
  await page.getByLabel('Search remarks').fill(remarks);
  const row = page.getByTestId('event-row').filter({ has: page.getByTestId('event-remarks').getByText(remarks, { exact: true }) });
  await row.first().click({ timeout: 10_000 });
}

async function changeEvent(page: Page, target: EventTarget): Promise<void> {
  const { plan } = target;
  const panel = page.getByTestId('event-panel');
  await openEvent(page, target.remarks);
  if (plan.kind !== 'delete') {
    await panel.getByLabel('Edit remarks').fill(plan.remarks);
    if (plan.kind === 'edit' && plan.label) {
      await panel.getByLabel('Edit labels').fill(plan.label);
      // Sent from another box: the label suggestions cover the button.
      await panel.getByLabel('Edit sequence').press('Enter');
    } else {
      await panel.getByRole('button', { name: 'Save changes' }).click();
    }
    await openEvent(page, plan.remarks);
  }
  if (plan.kind !== 'edit') {
    await panel.getByRole('button', { name: 'Delete event' }).click();
    await waitUntil(`“${target.remarks}” deleted here`, () => panel.getByRole('button', { name: 'Undelete' }).count(), (n) => n > 0, { timeoutMs: 10_000, intervalMs: 50 });
  }
  await page.getByLabel('Search remarks').fill('');
}

/** A QC result ticked or un-ticked `toggles` times while Dougal is away; Dougal must end as the last click left it. */
interface QcTarget {
  eventId: number;
  toggles: number;
  accepted: boolean;
}

const qcAcceptedOn = (rig: SoakRig, eventId: number) => rig.emulators.dougal.project(PROJECT).qcAccepted.includes(eventId);

/** The QC view's results (read while Dougal answers, so they are here offline): a few distinct events to click. */
async function pickQcTargets(ctx: ScenarioContext): Promise<{ eventId: number; toggles: number }[]> {
  const page = ctx.rig.page;
  await page.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'QC', exact: true }).click();
  const boxes = page.getByTestId('qc-results').getByRole('checkbox');
  await waitUntil('the QC results shown', () => boxes.count(), (n) => n > 0, { timeoutMs: 20_000, intervalMs: 100 });
  const labels = await boxes.evaluateAll((all) => all.slice(0, 40).map((box) => box.getAttribute('aria-label') ?? ''));
  const ids = [...new Set(labels.map((label) => Number(label.match(/\d+$/)?.[0])).filter(Number.isInteger))];
  const picked: { eventId: number; toggles: number }[] = [];
  for (let i = 0; i < 3 && ids.length > 0; i++) picked.push({ eventId: ids.splice(ctx.rng.int(0, ids.length - 1), 1)[0]!, toggles: ctx.rng.int(1, 3) });
  return picked;
}

async function clickQc(ctx: ScenarioContext, picked: { eventId: number; toggles: number }[]): Promise<QcTarget[]> {
  const page = ctx.rig.page;
  const targets: QcTarget[] = [];
  for (const { eventId, toggles } of picked) {
    const box = page.getByRole('checkbox', { name: `Accept QC result ${eventId}`, exact: true }).first();
    let accepted = qcAcceptedOn(ctx.rig, eventId);
    for (let t = 0; t < toggles; t++) {
      await box.click();
      accepted = !accepted;
      await waitUntil(`QC result ${eventId} ${accepted ? 'ticked' : 'un-ticked'}`, () => box.isChecked(), (checked) => checked === accepted, { timeoutMs: 10_000, intervalMs: 50 });
    }
    targets.push({ eventId, toggles, accepted });
  }
  await page.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Log', exact: true }).click();
  return targets;
}

/** Events logged and sent while Dougal answers; then, Dougal away, edited and deleted through the UI. */
async function prepareEventChanges(ctx: ScenarioContext, out: ScenarioOutcome): Promise<{ targets: EventTarget[]; qc: QcTarget[] }> {
  const { rig, rng } = ctx;
  const page = rig.page;
  const n = rng.int(6, 10);
  const prefix = `soak ${ctx.tag} ${out.id}`;
  const remarks = Array.from({ length: n }, (_, i) => `${prefix} #${String(i + 1).padStart(2, '0')}`);
  await openEventLog(page);
  for (const text of remarks) await logEvent(page, text);
  const onDougal = () => rig.emulators.dougal.project(PROJECT).events.filter((e) => e.validity[2] === null && e.remarks.startsWith(prefix));
  await waitUntil(`${n} events on Dougal`, () => onDougal().length, (k) => k === n, { timeoutMs: 60_000, intervalMs: 100 });
  await waitUntil('the outbox empty before the changes', () => pendingOnStrip(page, 'dougal'), (k) => k === 0, { timeoutMs: 60_000, intervalMs: 100 });
  const ids = new Map(onDougal().map((e) => [e.remarks, e.id]));
  const targets = remarks.map((text, i): EventTarget => {
    const roll = rng.next();
    const plan: EventPlan =
      roll < 0.55
        ? { kind: 'edit', remarks: `${text} edited`, label: rng.next() < 0.4 ? rng.pick(['Gun', 'Nav', 'Weather']) : null }
        : roll < 0.8
          ? { kind: 'delete' }
          : { kind: 'edit-then-delete', remarks: `${text} edited, then deleted` };
    // At least one of each kind, whatever the draw.
    const forced: EventPlan | null = i === 0 ? { kind: 'edit', remarks: `${text} edited`, label: 'Gun' } : i === 1 ? { kind: 'delete' } : i === 2 ? { kind: 'edit-then-delete', remarks: `${text} edited, then deleted` } : null;
    return { remarks: text, id: ids.get(text)!, plan: forced ?? plan };
  });
  const qcPicked = await pickQcTargets(ctx);
  rig.faults('dougal', { down: true });
  const qc = await clickQc(ctx, qcPicked);
  for (const target of targets) await changeEvent(page, target);
  const total = targets.reduce((sum, t) => sum + changesOf(t), 0);
  // Edits of one event fold while unsent, so an edit then a delete are two outbox items.
  await waitUntil('the changes waiting in the outbox', () => pendingOnStrip(page, 'dougal'), (k) => k >= targets.length, { timeoutMs: 20_000, intervalMs: 100 });
  ctx.log(
    `    ${n} events on Dougal; offline: ${targets.filter((t) => t.plan.kind === 'edit').length} edited, ${targets.filter((t) => t.plan.kind === 'delete').length} deleted, ${targets.filter((t) => t.plan.kind === 'edit-then-delete').length} edited then deleted (${total} changes); QC results clicked ${qc.map((q) => `${q.eventId} ×${q.toggles}`).join(', ')}`,
  );
  return { targets, qc };
}

function eventChangesKill(victim: Victim): ChangeScenario['run'] {
  return async (ctx, out) => {
    const { rig, rng } = ctx;
    const prepared = Date.now();
    const { targets, qc } = await prepareEventChanges(ctx, out);
    out.prepareMs = Date.now() - prepared;
    const qcAsClicked = (q: QcTarget) => qcAcceptedOn(rig, q.eventId) === q.accepted;
    const work: ChangeWork = {
      total: targets.reduce((sum, t) => sum + changesOf(t), 0) + qc.length,
      landed: () => targets.reduce((sum, t) => sum + landedOf(rig, t), 0) + qc.filter(qcAsClicked).length,
      tally: () => {
        const tally: Tally = { ...emptyTally(), expected: work.total };
        for (const target of targets) tallyEvent(rig, target, tally);
        for (const q of qc) {
          if (qcAsClicked(q)) tally.once += 1;
          else tally.lost.push(`QC result of event ${q.eventId}: clicked ${q.toggles} time(s) to ${q.accepted ? 'accepted' : 'not accepted'}, Dougal has it ${q.accepted ? 'not accepted' : 'accepted'}`);
        }
        return tally;
      },
    };
    const latencyMs = rng.int(150, 400);
    const killAfter = rng.int(1, Math.max(1, work.total - 4));
    const method = rng.pick(['PUT', 'DELETE', 'POST']);
    // POST: the QC accepts and un-accepts (a lost sign-in reply is another matter).
    const drop: LostReplies = { method, path: method === 'POST' ? '/qc/results/' : '/event/', count: rng.int(1, 2) };
    ctx.log(`    Dougal back with ${latencyMs} ms latency and ${drop.count} ${drop.method} repl${drop.count === 1 ? 'y' : 'ies'} lost; kill -9 ${victim} after ${killAfter}`);
    await sendWithKill(ctx, out, work, { victim, latencyMs, killAfter, drop });
  };
}

// ─── the plan: add, edit, renumber, remove ───────────────────────────────────────────────────

type PlanChange =
  | { op: 'add'; sequence: number; line: number; fsp: number; lsp: number; name: string }
  | { op: 'remarks'; sequence: number; line: number; remarks: string }
  | { op: 'renumber'; sequence: number; line: number; to: number }
  | { op: 'remove'; sequence: number; line: number };

const planOf = (rig: SoakRig): PlanEntry[] => rig.emulators.dougal.project(PROJECT).plan;

function planChangeLanded(plan: PlanEntry[], change: PlanChange): boolean {
  switch (change.op) {
    case 'add':
      return plan.some((p) => p.sequence === change.sequence && p.line === change.line && p.name === change.name);
    case 'remarks':
      return plan.some((p) => p.line === change.line && p.remarks === change.remarks);
    case 'renumber':
      return plan.some((p) => p.sequence === change.to && p.line === change.line) && !plan.some((p) => p.sequence === change.sequence);
    case 'remove':
      return !plan.some((p) => p.line === change.line);
  }
}

/** The plan's verdict: each change holds, each line is planned at most once, nothing else moved. */
function tallyPlan(before: PlanEntry[], after: PlanEntry[], changes: PlanChange[]): Tally {
  const tally: Tally = { ...emptyTally(), expected: changes.length };
  for (const change of changes) {
    if (planChangeLanded(after, change)) tally.once += 1;
    else tally.lost.push(`plan: ${JSON.stringify(change)} not on Dougal (plan: ${after.map((p) => `${p.sequence}/line ${p.line}`).join(', ')})`);
  }
  const lines = new Map<number, number[]>();
  for (const p of after) lines.set(p.line, [...(lines.get(p.line) ?? []), p.sequence]);
  for (const [line, numbers] of lines) if (numbers.length > 1) tally.duplicated.push(`plan: line ${line} planned ${numbers.length} times (sequences ${numbers.join(', ')})`);
  const touched = new Set(changes.map((c) => c.line));
  for (const p of before.filter((p) => !touched.has(p.line))) {
    const now = after.find((a) => a.line === p.line);
    if (!now || now.sequence !== p.sequence || now.remarks !== p.remarks || now.name !== p.name) tally.stray.push(`plan: untouched sequence ${p.sequence} (line ${p.line}) changed to ${JSON.stringify(now ?? null)}`);
  }
  return tally;
}

async function openPlan(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Event log views' }).getByRole('button', { name: 'Plan', exact: true }).click();
}

async function makePlanChange(page: Page, change: PlanChange): Promise<void> {
  switch (change.op) {
    case 'add': {
      await page.getByRole('button', { name: 'Add planned sequence' }).click();
      const form = page.getByRole('form', { name: 'Add a planned sequence' });
      await form.getByLabel('Number').fill(String(change.sequence));
      await form.getByLabel('Line').fill(String(change.line));
      await form.getByLabel('First SP').fill(String(change.fsp));
      await form.getByLabel('Last SP').fill(String(change.lsp));
      await form.getByLabel('Name').fill(change.name);
      await form.getByRole('button', { name: 'Add to plan' }).click();
      await form.waitFor({ state: 'hidden', timeout: 10_000 });
      return;
    }
    case 'remarks':
    case 'renumber': {
      await page.getByRole('button', { name: `Change planned sequence ${change.sequence}`, exact: true }).click();
      const form = page.getByRole('form', { name: `Change planned sequence ${change.sequence}` });
      if (change.op === 'remarks') await form.getByLabel('Remarks').fill(change.remarks);
      else await form.getByLabel('Number').fill(String(change.to));
      await form.getByRole('button', { name: 'Save change' }).click();
      await form.waitFor({ state: 'hidden', timeout: 10_000 });
      return;
    }
    case 'remove':
      await page.getByRole('button', { name: `Remove planned sequence ${change.sequence}` }).click();
      await page.getByRole('button', { name: `Confirm removal of planned sequence ${change.sequence}` }).click();
      return;
  }
}

/** Which changes to make: the seeded plan's entries get one change each (some none), plus new entries on free lines. */
function drawPlanChanges(rig: SoakRig, rng: SeededRandom, tag: string): PlanChange[] {
  const project = rig.emulators.dougal.project(PROJECT);
  const plan = [...project.plan];
  const usedLines = new Set([...plan.map((p) => p.line), ...project.sequences.map((s) => s.line)]);
  const usedNumbers = new Set([...plan.map((p) => p.sequence), ...project.sequences.map((s) => s.sequence)]);
  const freeNumber = () => {
    let n = rng.int(60, 90);
    while (usedNumbers.has(n)) n += 1;
    usedNumbers.add(n);
    return n;
  };
  const changes: PlanChange[] = [];
  const ops = ['remarks', 'renumber', 'remove', 'remarks', 'renumber', 'none'] as const;
  for (const [i, p] of plan.entries()) {
    const op = i < 3 ? ops[i]! : rng.pick(ops);
    if (op === 'remarks') changes.push({ op, sequence: p.sequence, line: p.line, remarks: `soak ${tag} remarks of ${p.sequence}` });
    if (op === 'renumber') changes.push({ op, sequence: p.sequence, line: p.line, to: freeNumber() });
    if (op === 'remove') changes.push({ op, sequence: p.sequence, line: p.line });
  }
  const free = project.lines.filter((l) => !usedLines.has(l.line) && !l.ntba);
  for (const line of free.slice(0, rng.int(2, 3))) {
    changes.push({ op: 'add', sequence: freeNumber(), line: line.line, fsp: line.fsp, lsp: line.lsp, name: `soak ${tag} line ${line.line}` });
  }
  // The UI queues them in this order, through one chain: shuffled, so adds and the rest interleave.
  return shuffled(rng, changes);
}

function planChangesKill(victim: Victim): ChangeScenario['run'] {
  return async (ctx, out) => {
    const { rig, rng } = ctx;
    const page = rig.page;
    const prepared = Date.now();
    await openEventLog(page);
    await openPlan(page);
    await waitUntil('the plan shown', () => page.getByRole('button', { name: /^Change planned sequence \d+$/ }).count(), (n) => n > 0, { timeoutMs: 20_000, intervalMs: 100 });
    const before = structuredClone(planOf(rig));
    const changes = drawPlanChanges(rig, rng, `${ctx.tag} ${out.id}`);
    rig.faults('dougal', { down: true });
    for (const change of changes) await makePlanChange(page, change);
    await waitUntil('the plan changes waiting in the outbox', () => pendingOnStrip(page, 'dougal'), (k) => k >= changes.length, { timeoutMs: 20_000, intervalMs: 100 });
    out.prepareMs = Date.now() - prepared;
    const work: ChangeWork = {
      total: changes.length,
      landed: () => changes.filter((c) => planChangeLanded(planOf(rig), c)).length,
      tally: () => tallyPlan(before, planOf(rig), changes),
    };
    const latencyMs = rng.int(150, 400);
    const killAfter = rng.int(1, Math.max(1, changes.length - 2));
    const drop: LostReplies = { method: rng.pick(['PATCH', 'POST', 'DELETE']), path: '/plan', count: 1 };
    ctx.log(`    offline: ${changes.map((c) => `${c.op} ${c.sequence}${c.op === 'renumber' ? `→${c.to}` : ''}`).join(', ')}; Dougal back with ${latencyMs} ms latency and a ${drop.method} reply lost; kill -9 ${victim} after ${killAfter}`);
    await sendWithKill(ctx, out, work, { victim, latencyMs, killAfter, drop });
  };
}

export const CHANGE_SCENARIOS: Record<ChangeScenarioId, ChangeScenario> = {
  h: { title: 'kill -9 service during event edits and deletes', run: eventChangesKill('service') },
  i: { title: 'kill -9 browser during event edits and deletes', run: eventChangesKill('browser') },
  j: { title: 'kill -9 service during plan changes', run: planChangesKill('service') },
  q: { title: 'kill -9 browser during plan changes', run: planChangesKill('browser') },
};
