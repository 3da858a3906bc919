/**
 * Bridge handlers for sequences' remarks, the plan and the preplot lines. Every write first reads
 * what Dougal holds now: a change is sent only if the attributes it changes still hold what the
 * user started from (`base`), so someone else's edit is reported as a conflict, never overwritten;
 * and a retried write whose earlier attempt landed (reply lost) is recognised and not sent again.
 */
import { CorelogError, type ErrorKind } from '../../../common/errors';
import type { LineDetail, PlanChanges, PlanEntry, PlanFields, ProjectCounts, SequenceDetail, SurveyPart } from '../../../common/bridge/survey-contract';
import { CLIENT_KEY_META } from '../../../common/bridge/event-log-contract';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import type { ServiceContext, ServiceModule } from '../app-services';
import { planPutBody, type DougalClient, type DougalLine, type DougalPlanInput, type DougalPlannedSequence, type DougalProjectSummary, type DougalSequence } from '../dougal/dougal-client';
import type { ReadItem } from '../dougal/reply-items';
import { instantMs } from '../dougal/wire-values';
import { toSequenceSummary } from './event-log-wire';
import { SerialByKey } from './serial-by-key';

type RawPlan = ReadItem<DougalPlannedSequence>;

export function toPlanEntry({ value: p, raw }: RawPlan): PlanEntry {
  const key = p.meta?.[CLIENT_KEY_META];
  return {
    sequence: p.sequence,
    line: p.line,
    fsp: p.fsp,
    lsp: p.lsp,
    ts0: p.ts0 ? new Date(p.ts0).toISOString() : null,
    ts1: p.ts1 ? new Date(p.ts1).toISOString() : null,
    name: p.name ?? null,
    remarks: p.remarks ?? null,
    numPoints: p.num_points ?? null,
    length: p.length ?? null,
    clientKey: typeof key === 'string' ? key : null,
    raw,
  };
}

export function toSequenceDetail(s: DougalSequence): SequenceDetail {
  return {
    ...toSequenceSummary(s),
    remarks: s.remarks ?? '',
    remarksFinal: s.remarks_final ?? '',
    // Processed data shows as final shot points, or as the status when a server leaves them out.
    hasFinal: (s.fsp_final ?? null) !== null || (s.lsp_final ?? null) !== null || s.status === 'final',
  };
}

function toLineDetail(l: DougalLine): LineDetail {
  const counted = typeof l.num_points === 'number' && Number.isInteger(l.num_points) ? l.num_points : null;
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    line: l.line,
    fsp: l.fsp ?? null,
    lsp: l.lsp ?? null,
    numPoints: counted ?? (l.fsp != null && l.lsp != null ? Math.abs(l.lsp - l.fsp) + 1 : null),
    ntba: l.ntba ?? false,
    remarks: l.remarks ?? null,
    length: number(l.length),
    azimuth: number(l.azimuth),
  };
}

function toCounts(s: DougalProjectSummary): ProjectCounts {
  return {
    lines: s.lines ?? null,
    total: s.total ?? null,
    virgin: s.virgin ?? null,
    prime: s.prime ?? null,
    other: s.other ?? null,
    ntba: s.ntba ?? null,
    remaining: s.remaining ?? null,
    seqRaw: s.seq_raw ?? null,
    seqFinal: s.seq_final ?? null,
    shootingRate: s.shooting_rate ?? null,
  };
}

/** Parts a server may lack or serve unreadably; anything else (offline, signed out) fails the read. */
const PART_MISSING_KINDS: ReadonlySet<ErrorKind> = new Set(['not-found', 'malformed-response', 'rejected', 'forbidden', 'server']);
const PART_NAMES: Record<SurveyPart, string> = { plan: 'The plan', sequences: 'Sequences', lines: 'Preplot lines', counts: 'The project summary' };

const isMissing = (error: unknown, ...kinds: ErrorKind[]) => error instanceof CorelogError && kinds.includes(error.kind);

/** Values compared as Dougal means them: times by instant, text and numbers as they are. */
/** Text that is a date and a time, in ISO or Postgres form (`2024-06-01T10:00:00Z`, `2024-06-01 10:00:00+00`). */
const TIME_LIKE = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/;

/** Two attribute values hold the same: times as the same instant, whatever text form each came in. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && TIME_LIKE.test(a) && TIME_LIKE.test(b)) {
    const [at, bt] = [instantMs(a), instantMs(b)];
    if (!Number.isNaN(at) && !Number.isNaN(bt)) return at === bt;
  }
  return (a ?? null) === (b ?? null) || ((a ?? '') === '' && (b ?? '') === '');
}

const PLAN_WORDS: Record<keyof PlanFields, string> = { line: 'line', fsp: 'first shot point', lsp: 'last shot point', ts0: 'planned start', ts1: 'planned end', name: 'name', remarks: 'remarks' };

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  const text = String(value);
  return `“${text.length > 40 ? `${text.slice(0, 39)}…` : text}”`;
}

/**
 * The attributes Dougal changed since the user's `base`, in words, or null when none did. An
 * attribute already holding the user's own value is no conflict (an earlier attempt landed).
 */
function changedMeanwhile(current: Record<string, unknown>, base: Record<string, unknown>, wanted: Record<string, unknown>, words: Record<string, string>): string | null {
  const moved = Object.keys(base).filter((key) => !same(current[key], base[key]) && !same(current[key], wanted[key]));
  if (moved.length === 0) return null;
  return moved.map((key) => `${words[key] ?? key} is now ${show(current[key])} (you started from ${show(base[key])})`).join('; ');
}

/** The Dougal attribute names of a plan change (they are the same words, kept explicit). */
function planAttributes(entry: DougalPlannedSequence): Record<string, unknown> {
  return { line: entry.line, fsp: entry.fsp, lsp: entry.lsp, ts0: entry.ts0 ?? null, ts1: entry.ts1 ?? null, name: entry.name ?? '', remarks: entry.remarks ?? '' };
}

/**
 * Refuses a change aimed at another entry than the one the user saw. A planned sequence's line
 * never changes on Dougal (PUT and PATCH ignore it), so another line under the same number means
 * someone renumbered or replaced the plan meanwhile: the attributes the change touches may well
 * hold the same values there (an empty remark), and sending it would change the wrong line.
 */
function refuseAnotherEntry(current: RawPlan, base: { line?: number | undefined }, what: string): void {
  if (base.line === undefined || current.value.line === base.line) return;
  const n = current.value.sequence;
  throw new CorelogError(
    'conflict',
    `Planned sequence ${n} on Dougal is now line ${current.value.line}, not line ${base.line} as you saw it: someone renumbered or replaced it meanwhile. ${what} was not sent; find line ${base.line} in the plan, or drop this change.`,
    { system: 'dougal', status: 409 },
  );
}

/**
 * After a write Dougal answered as done: the attributes that do not hold what was sent, in words
 * ("" when all do). A server that answers 2xx and keeps nothing (an older version ignoring a
 * field, a proxy answering for it) would otherwise have the change taken off the queue and its
 * local copy replaced by Dougal's unchanged one: the user's work gone without a word.
 */
function notKept(after: Record<string, unknown>, wanted: Record<string, unknown>, words: Record<string, string>, sent: (key: string) => boolean): string {
  // An attribute the reply leaves out cannot be checked (a list projection without it): not held against the write.
  return Object.keys(wanted)
    .filter((key) => sent(key) && !same(after[key], wanted[key]))
    .map((key) => `${words[key] ?? key} is ${show(after[key])}, not ${show(wanted[key])}`)
    .join('; ');
}

const notTaken = (what: string, detail: string) =>
  new CorelogError('rejected', `Dougal answered ${what} as done, but does not show it (${detail}). Your change is kept: send it again, or drop it.`, { system: 'dougal', retryable: false });

/**
 * Which PATCH-less servers this service has met (per client: a new address starts afresh), so an
 * edit after the first goes straight to PUT.
 */
const withoutPlanPatch = new WeakSet<DougalClient>();

async function planNow(client: DougalClient, project: string): Promise<RawPlan[]> {
  return client.readPlan(project);
}

async function entryNow(client: DougalClient, project: string, sequence: number): Promise<RawPlan | null> {
  return (await planNow(client, project)).find((p) => p.value.sequence === sequence) ?? null;
}

/** PATCH, or on a server that has none (404/405 for an entry just seen), PUT of its own copy with the changes on top. */
async function patchOrPut(client: DougalClient, project: string, current: RawPlan, changes: PlanChanges, to: number | undefined): Promise<void> {
  const n = current.value.sequence;
  const renumber = to !== undefined && to !== n;
  if (!withoutPlanPatch.has(client)) {
    try {
      await client.updatePlannedSequence(project, n, { ...changes, ...(renumber ? { sequence: to } : {}) });
      return;
    } catch (error) {
      const status = error instanceof CorelogError ? error.status : undefined;
      if (!(status === 404 || status === 405)) throw error;
      // A 404 for an entry just seen: PATCH is no route on this server, or the entry went in
      // between. Only the plan tells which; taken for a missing route, a removal by someone else
      // would switch this server to PUT for good, and a renumber would add the removed entry back.
      if (status === 404) {
        const still = await entryNow(client, project, n);
        if (!still || still.value.line !== current.value.line) {
          throw new CorelogError('not-found', `Planned sequence ${n} went from Dougal's plan while your change was being sent (someone removed or renumbered it).`, { system: 'dougal', status: 404 });
        }
      }
      withoutPlanPatch.add(client);
    }
  }
  const body = planPutBody(current.raw, changes);
  if (!renumber) return client.replacePlannedSequence(project, n, body);
  // No PATCH, so no renumbering in place (PUT ignores the number): add the entry under its new
  // number first, then remove the old one, so a refusal of the new number loses nothing.
  // An earlier attempt may have added it already (its reply lost): then only the removal is left.
  const target = await entryNow(client, project, to);
  const wanted = { ...planAttributes(current.value), ...changes };
  const landed = target && Object.entries(wanted).every(([key, value]) => same(planAttributes(target.value)[key], value)) && JSON.stringify(target.raw.meta ?? {}) === JSON.stringify(current.raw.meta ?? {});
  if (!landed) {
    // Every attribute Dougal had (the PUT body: `meta` with the client key, unknown ones) under the new number.
    const entry = { ...body, sequence: to, line: current.value.line, meta: current.value.meta ?? {} } as unknown as DougalPlanInput;
    await client.createPlannedSequence(project, entry);
  }
  await client.deletePlannedSequence(project, n).catch((error: unknown) => {
    if (!isMissing(error, 'not-found')) throw error;
  });
}

/**
 * Where an entry gone from its number may be now, for the refusal: the one planned sequence on the
 * same line (a renumber by someone else), named so the user can apply the change there.
 */
async function whereItWent(client: DougalClient, project: string, line: number | undefined): Promise<string> {
  const onLine = line === undefined ? [] : (await planNow(client, project)).filter((p) => p.value.line === line);
  if (onLine.length !== 1) return 'someone removed or renumbered it';
  return `someone renumbered it: line ${line} is planned as sequence ${onLine[0]!.value.sequence} now; change that one, or drop this change`;
}

type SurveyHandlers = Pick<BridgeHandlers, 'surveyRead' | 'surveyPlanAdd' | 'surveyPlanEdit' | 'surveyPlanRemove' | 'surveySequenceEdit'>;

export function createSurveyModule(context: ServiceContext): ServiceModule {
  const { handlers } = surveyHandlers(context);
  /**
   * Writes of one project's plan, or of one sequence, run one after another. A window killed (or
   * whose socket dropped) while main still sends a change sends it again when it is back; side
   * by side, a renumber's second copy read the entry under its old number and then met the first
   * copy's renumber (404), a refusal of what Dougal held exactly as asked. In turn, the second
   * copy sees what the first one did (a retry looks first) and is done. The renderer sends the
   * plan's changes one at a time anyway (one chain per project), so nothing waits that would not.
   */
  const inTurn = new SerialByKey();
  const plan = (project: string) => `plan\u0000${project}`;
  return {
    handlers: {
      surveyRead: handlers.surveyRead,
      surveyPlanAdd: (input) => inTurn.run(plan(input.project), () => handlers.surveyPlanAdd(input)),
      surveyPlanEdit: (input) => inTurn.run(plan(input.project), () => handlers.surveyPlanEdit(input)),
      surveyPlanRemove: (input) => inTurn.run(plan(input.project), () => handlers.surveyPlanRemove(input)),
      surveySequenceEdit: (input) => inTurn.run(`sequence\u0000${input.project}\u0000${input.sequence}`, () => handlers.surveySequenceEdit(input)),
    },
  };
}

/** The handlers themselves; createSurveyModule puts each project's writes in turn. */
function surveyHandlers({ clients }: ServiceContext): { handlers: SurveyHandlers } {
  return {
    handlers: {
      async surveyRead({ project }) {
        const client = clients.dougal();
        const unavailable: SurveyPart[] = [];
        const notes: string[] = [];
        const part = async <T>(name: SurveyPart, read: () => Promise<T>, empty: T): Promise<T> => {
          try {
            return await read();
          } catch (error) {
            if (!(error instanceof CorelogError && PART_MISSING_KINDS.has(error.kind))) throw error;
            unavailable.push(name);
            notes.push(`${PART_NAMES[name]} could not be read from Dougal. ${error.message}`);
            return empty;
          }
        };
        // The summary path is a guess (reference §2.3); the project list carries the same counts.
        const summary = async () => {
          try {
            return await client.projectSummary(project);
          } catch (error) {
            if (!isMissing(error, 'not-found', 'malformed-response')) throw error;
            const listed = (await client.listProjects()).find((p) => p.pid === project);
            if (!listed) throw error;
            return listed;
          }
        };
        const [plan, sequences, lines, counts] = await Promise.all([
          part('plan', () => client.readPlan(project), []),
          part('sequences', () => client.listSequences(project), []),
          part('lines', () => client.listLines(project), []),
          part('counts', async () => toCounts(await summary()), null),
        ]);
        return { plan: plan.map(toPlanEntry), sequences: sequences.map(toSequenceDetail), lines: lines.map(toLineDetail), counts, unavailable, notes };
      },

      async surveyPlanAdd({ project, clientKey, sequence, fields, lookupFirst }) {
        const client = clients.dougal();
        const ours = (p: RawPlan, loose: boolean) =>
          p.value.meta?.[CLIENT_KEY_META] === clientKey || (loose && p.value.sequence === sequence && p.value.line === fields.line && p.value.fsp === fields.fsp && p.value.lsp === fields.lsp);
        // A retry: an earlier attempt may have landed with its reply lost. The key decides; a server
        // that drops `meta` leaves the same number, line and shot points as the best evidence.
        const find = async (loose: boolean) => (await planNow(client, project)).find((p) => ours(p, loose)) ?? null;
        if (lookupFirst) {
          const found = await find(true);
          if (found) return { entry: toPlanEntry(found), existed: true };
        }
        // The number Dougal says it gave the entry, when it echoes the entry (it may not keep the one asked for).
        let given = sequence;
        try {
          const created = await client.createPlannedSequence(project, { ...fields, sequence, meta: { [CLIENT_KEY_META]: clientKey } });
          if (created) given = created.sequence;
          if (created && created.sequence === sequence) {
            const readBack = await entryNow(client, project, sequence);
            if (readBack) return { entry: toPlanEntry(readBack), existed: false };
          }
        } catch (error) {
          // Our own earlier attempt holding the number is no conflict.
          if (!(isMissing(error, 'conflict') && lookupFirst)) throw error;
          const found = await find(true);
          if (found) return { entry: toPlanEntry(found), existed: true };
          throw error;
        }
        const found = (await find(false)) ?? (await entryNow(client, project, given));
        if (!found) throw notTaken(`the new planned sequence ${sequence}`, `its plan has no sequence ${sequence}`);
        return { entry: toPlanEntry(found), existed: false };
      },

      async surveyPlanEdit({ project, sequence, to, changes, base, lookupFirst }) {
        const client = clients.dougal();
        const target = to ?? sequence;
        const wanted: Record<string, unknown> = { ...changes };
        const current = await entryNow(client, project, sequence);
        if (!current) {
          // A renumber whose reply was lost: the entry already carries its new number and the change.
          if (lookupFirst && target !== sequence) {
            const moved = await entryNow(client, project, target);
            if (moved && (base.line === undefined || moved.value.line === base.line) && Object.keys(wanted).every((k) => same(planAttributes(moved.value)[k], wanted[k]))) {
              return { entry: toPlanEntry(moved) };
            }
          }
          throw new CorelogError('not-found', `Planned sequence ${sequence} is no longer in Dougal's plan (${await whereItWent(client, project, base.line)}).`, { system: 'dougal', status: 404 });
        }
        refuseAnotherEntry(current, base, 'Your change');
        const moved = changedMeanwhile(planAttributes(current.value), base, wanted, PLAN_WORDS);
        if (moved) throw new CorelogError('conflict', `Planned sequence ${sequence} was changed on Dougal meanwhile: ${moved}.`, { system: 'dougal', status: 409 });
        const nothingLeft = target === sequence && Object.keys(wanted).every((k) => same(planAttributes(current.value)[k], wanted[k]));
        if (!nothingLeft) await patchOrPut(client, project, current, changes, to);
        const after = await entryNow(client, project, target);
        const what = `the change of planned sequence ${sequence}`;
        if (!after) throw notTaken(what, `its plan has no sequence ${target}`);
        const missed = notKept(planAttributes(after.value), wanted, PLAN_WORDS, (key) => after.raw[key] !== undefined) || (after.value.line === current.value.line ? '' : `sequence ${target} is line ${after.value.line}`);
        if (missed) throw notTaken(what, missed);
        return { entry: toPlanEntry(after) };
      },

      async surveyPlanRemove({ project, sequence, base }) {
        const client = clients.dougal();
        const current = await entryNow(client, project, sequence);
        if (!current) return { removed: false };
        refuseAnotherEntry(current, base, 'The removal');
        const moved = changedMeanwhile(planAttributes(current.value), base, {}, PLAN_WORDS);
        if (moved) throw new CorelogError('conflict', `Planned sequence ${sequence} was changed on Dougal meanwhile: ${moved}. Look at it again before removing it.`, { system: 'dougal', status: 409 });
        try {
          await client.deletePlannedSequence(project, sequence);
        } catch (error) {
          if (isMissing(error, 'not-found')) return { removed: false };
          throw error;
        }
        const after = await entryNow(client, project, sequence);
        if (after && after.value.line === current.value.line) throw notTaken(`the removal of planned sequence ${sequence}`, `its plan still has it, line ${after.value.line}`);
        return { removed: true };
      },

      async surveySequenceEdit({ project, sequence, changes, base }) {
        const client = clients.dougal();
        const find = async () => (await client.listSequences(project)).find((s) => s.sequence === sequence) ?? null;
        const before = await find();
        if (!before) throw new CorelogError('not-found', `Sequence ${sequence} is not on Dougal (any longer).`, { system: 'dougal', status: 404 });
        const detail = toSequenceDetail(before);
        if (changes.remarksFinal !== undefined && !detail.hasFinal && !same(detail.remarksFinal, changes.remarksFinal)) {
          throw new CorelogError('rejected', `Sequence ${sequence} has no processed (final) data yet, so Dougal would ignore final remarks. Keep them until it is processed, or drop them.`, { system: 'dougal' });
        }
        const words = { remarks: 'remarks', remarksFinal: 'final remarks' };
        const now = { remarks: detail.remarks, remarksFinal: detail.remarksFinal };
        const moved = changedMeanwhile(now, base, { ...changes }, words);
        if (moved) throw new CorelogError('conflict', `Sequence ${sequence} was changed on Dougal meanwhile: ${moved}.`, { system: 'dougal', status: 409 });
        const patch = { ...(changes.remarks !== undefined ? { remarks: changes.remarks } : {}), ...(changes.remarksFinal !== undefined ? { remarks_final: changes.remarksFinal } : {}) };
        await client.updateSequence(project, sequence, patch);
        const after = await find();
        if (after && changes.remarksFinal !== undefined && !same(after.remarks_final ?? '', changes.remarksFinal)) {
          throw new CorelogError('rejected', `Dougal did not take the final remarks of sequence ${sequence} (it keeps them only where processed data exists).`, { system: 'dougal' });
        }
        const what = `the remarks of sequence ${sequence}`;
        if (!after) throw notTaken(what, `it no longer lists sequence ${sequence}`);
        const kept = toSequenceDetail(after);
        const sent = { remarks: after.remarks, remarksFinal: after.remarks_final };
        const missed = notKept({ remarks: kept.remarks, remarksFinal: kept.remarksFinal }, { ...changes }, words, (key) => sent[key as keyof typeof sent] !== undefined);
        if (missed) throw notTaken(what, missed);
        // What the read-back left out shows as sent, not as empty.
        const unsaid = { ...(sent.remarks === undefined && changes.remarks !== undefined ? { remarks: changes.remarks } : {}), ...(sent.remarksFinal === undefined && changes.remarksFinal !== undefined ? { remarksFinal: changes.remarksFinal } : {}) };
        return { sequence: { ...kept, ...unsaid } };
      },
    },
  };
}
