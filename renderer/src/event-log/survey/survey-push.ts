/**
 * Sends one queued plan or sequence change to Dougal (the sync engine's push delegates here for
 * kinds `plan` and `sequence`). On success the item leaves the outbox and Dougal's answer goes into
 * the local copy in the same transaction, so the screen never shows the old value in between.
 * A failure is thrown as a BridgeFailure: the engine then waits and retries (the path to Dougal)
 * or keeps the item, with Dougal's reason, for the user (a refusal: a taken number, a sequence
 * gone, someone else's change).
 */
import type { PlanEntry, SequenceDetail } from '../../../../common/bridge/survey-contract';
import { bridge } from '../../bridge/bridge';
import { publishOutboxChanged } from '../change-feed';
import { eventLogDb, type OutboxItem } from '../event-log-db';
import { BridgeFailure, unwrap } from '../unwrap';
import { noteSurveyWrite, pullSurvey } from './survey-pull';
import type { SurveyChange, SurveyRow } from './survey-change';

const db = eventLogDb;

/** Dougal's copy after the change, when Dougal did not send the entry back (read again at the next pull). */
function assumedEntry(change: Extract<SurveyChange, { op: 'add' | 'edit' }>, before: PlanEntry | undefined): PlanEntry | null {
  if (change.op === 'add') {
    const f = change.fields;
    return { sequence: change.sequence, ...f, numPoints: Math.abs(f.lsp - f.fsp) + 1, length: null, clientKey: change.clientKey, raw: {} };
  }
  if (!before) return null;
  const next = { ...before, ...change.changes, sequence: change.to ?? before.sequence };
  return { ...next, numPoints: Math.abs(next.lsp - next.fsp) + 1 };
}

function withEntry(plan: PlanEntry[], removeNumber: number | null, entry: PlanEntry | null): PlanEntry[] {
  const rest = plan.filter((p) => p.sequence !== removeNumber && p.sequence !== entry?.sequence);
  return (entry ? [...rest, entry] : rest).sort((a, b) => a.sequence - b.sequence);
}

/** Dougal's answer into the local copy, and the item out of the outbox, in one transaction. */
async function settle(item: OutboxItem, update: (row: SurveyRow) => Partial<SurveyRow>): Promise<void> {
  await db.transaction('rw', db.outbox, db.survey, async () => {
    await db.outbox.delete(item.seq!);
    const row = await db.survey.get(item.project);
    if (row) await db.survey.put({ ...row, ...update(row) });
  });
  noteSurveyWrite();
  publishOutboxChanged();
}

export async function pushSurveyItem(item: OutboxItem): Promise<'done'> {
  try {
    return await send(item);
  } catch (error) {
    // Refused (someone else's change, an entry gone, a number taken): read Dougal's copy now, so
    // the screen shows theirs next to the kept change. Best effort; the refusal goes on as it was.
    if (error instanceof BridgeFailure && !error.error.retryable) await pullSurvey(item.project).catch(() => undefined);
    throw error;
  }
}

async function send(item: OutboxItem): Promise<'done'> {
  const change = item.survey;
  if (!change) throw new BridgeFailure({ kind: 'internal', message: 'This queued change has nothing to send.', retryable: false });
  const project = item.project;
  // Counted by the engine before this attempt: a change tried before may have landed already.
  const lookupFirst = item.attempts > 0;
  switch (change.op) {
    case 'add': {
      const { entry } = unwrap(await bridge.surveyPlanAdd({ project, clientKey: change.clientKey, sequence: change.sequence, fields: change.fields, lookupFirst }));
      await settle(item, (row) => ({ plan: withEntry(row.plan, null, entry ?? assumedEntry(change, undefined)) }));
      return 'done';
    }
    case 'edit': {
      const { entry } = unwrap(
        await bridge.surveyPlanEdit({ project, sequence: change.sequence, ...(change.to !== undefined ? { to: change.to } : {}), changes: change.changes, base: change.base, lookupFirst }),
      );
      await settle(item, (row) => ({ plan: withEntry(row.plan, change.sequence, entry ?? assumedEntry(change, row.plan.find((p) => p.sequence === change.sequence))) }));
      return 'done';
    }
    case 'remove': {
      unwrap(await bridge.surveyPlanRemove({ project, sequence: change.sequence, base: change.base }));
      await settle(item, (row) => ({ plan: withEntry(row.plan, change.sequence, null) }));
      return 'done';
    }
    case 'remarks': {
      const { sequence } = unwrap(await bridge.surveySequenceEdit({ project, sequence: change.sequence, changes: change.changes, base: change.base }));
      const assumed = (s: SequenceDetail): SequenceDetail => ({ ...s, ...change.changes });
      await settle(item, (row) => ({ sequences: row.sequences.map((s) => (s.sequence === change.sequence ? (sequence ?? assumed(s)) : s)) }));
      return 'done';
    }
  }
}
