/**
 * Main's plan and sequence handlers (electron/services/event-log/survey-handlers.ts) over real HTTP
 * against the Dougal emulator, in every dialect the reference leaves open for plan writes: POST
 * answered 201 with the entry, 201 empty or 204; PUT/PATCH answered 204 or 200 with the entry; a
 * taken number refused as JSON or plain text; numbers taken by acquired sequences too; and a
 * server without PATCH on the plan (PUT fallback, renumber as add-then-remove).
 */
import { describe, expect, it } from 'vitest';
import type { DougalBehaviour } from '../../../emulators/dougal/index';
import type { ServiceContext } from '../../../electron/services/app-services';
import type { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { createSurveyModule } from '../../../electron/services/event-log/survey-handlers';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { clientFor, failureOf, PID, startDougal } from './harness';

type Survey = Pick<BridgeHandlers, 'surveyRead' | 'surveyPlanAdd' | 'surveyPlanEdit' | 'surveyPlanRemove' | 'surveySequenceEdit'>;

function handlersFor(client: DougalClient): Survey {
  return createSurveyModule({ clients: { dougal: () => client } } as unknown as ServiceContext).handlers as Survey;
}

const DIALECTS: [string, Partial<DougalBehaviour>][] = [
  ['default (201 + entry, 204, JSON 409)', {}],
  ['201 empty, 200 + entry on writes, plain-text 409, acquired numbers taken', { planPostResponse: 'created-201-empty', planWriteResponse: 'ok-200-entry', planConflictBody: 'text', planNumbersTaken: 'plan-and-acquired' }],
  ['204 on POST, no PATCH on the plan (PUT, add-then-remove), 422 for a taken number', { planPostResponse: 'empty-204', planPatch: 'missing', planConflictStatus: 422 }],
];

const FIELDS = { line: 1005, fsp: 1100, lsp: 1500, ts0: '2024-06-12T00:00:00.000Z', ts1: '2024-06-12T01:30:00.000Z', name: 'EQ24301-1005A', remarks: 'infill' };

describe.each(DIALECTS)('survey handlers — %s', (_name, dialect) => {
  it('adds once (a retry finds the first attempt), edits only what changed, renumbers, removes', async () => {
    const dougal = await startDougal(dialect);
    const survey = handlersFor(clientFor(dougal));

    const added = await survey.surveyPlanAdd({ project: PID, clientKey: 'k-0001-add-40', sequence: 40, fields: FIELDS, lookupFirst: false });
    expect(added).toMatchObject({ existed: false, entry: { sequence: 40, line: 1005, fsp: 1100, lsp: 1500, name: 'EQ24301-1005A', numPoints: 401, clientKey: 'k-0001-add-40' } });
    // The reply was "lost": the retry looks first and does not add it twice.
    const again = await survey.surveyPlanAdd({ project: PID, clientKey: 'k-0001-add-40', sequence: 40, fields: FIELDS, lookupFirst: true });
    expect(again).toMatchObject({ existed: true, entry: { sequence: 40 } });
    expect(dougal.project().plan.filter((p) => p.line === 1005)).toHaveLength(1);

    // Only the name travels; remarks and the client key in meta stay as Dougal had them.
    const edited = await survey.surveyPlanEdit({ project: PID, sequence: 40, changes: { name: 'EQ24301-1005B' }, base: { name: 'EQ24301-1005A' }, lookupFirst: false });
    expect(edited.entry).toMatchObject({ sequence: 40, name: 'EQ24301-1005B', remarks: 'infill' });
    expect(dougal.project().plan.find((p) => p.sequence === 40)!.meta).toEqual({ corelog_key: 'k-0001-add-40' });

    const renumbered = await survey.surveyPlanEdit({ project: PID, sequence: 40, to: 41, changes: {}, base: {}, lookupFirst: false });
    expect(renumbered.entry).toMatchObject({ sequence: 41, line: 1005, name: 'EQ24301-1005B', remarks: 'infill', clientKey: 'k-0001-add-40' });
    expect(dougal.project().plan.map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34, 41]);

    // What went on the wire: PATCH with the changed attributes, or on a server without it PUT (and add-then-remove).
    const writes = dougal.server.log
      .list(0)
      .filter((r) => r.method !== 'GET' && r.path.includes('/plan'))
      .map((r) => `${r.method} ${r.status}`);
    const ok = dialect.planWriteResponse === 'ok-200-entry' ? 200 : 204;
    const postOk = { 'created-201': 201, 'created-201-empty': 201, 'empty-204': 204 }[dialect.planPostResponse ?? 'created-201'];
    expect(writes).toEqual(
      dialect.planPatch === 'missing' ? [`POST ${postOk}`, 'PATCH 404', `PUT ${ok}`, `POST ${postOk}`, 'DELETE 204'] : [`POST ${postOk}`, `PATCH ${ok}`, `PATCH ${ok}`],
    );

    expect(await survey.surveyPlanRemove({ project: PID, sequence: 41, base: { line: 1005, name: 'EQ24301-1005B' } })).toEqual({ removed: true });
    expect(await survey.surveyPlanRemove({ project: PID, sequence: 41, base: {} })).toEqual({ removed: false });
    expect(dougal.project().plan.map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34]);
  });

  it('refuses, without sending, a change whose starting point Dougal no longer holds; a taken number is a refusal with its reason', async () => {
    const dougal = await startDougal(dialect);
    const survey = handlersFor(clientFor(dougal));
    // Someone else renames 30 on Dougal after we read it.
    dougal.project().plan.find((p) => p.sequence === 30)!.name = 'theirs';
    const stale = await failureOf(survey.surveyPlanEdit({ project: PID, sequence: 30, changes: { name: 'mine' }, base: { name: 'EQ24301-1025' }, lookupFirst: false }));
    expect(stale).toMatchObject({ kind: 'conflict', retryable: false });
    expect(stale.message).toContain('name is now “theirs” (you started from “EQ24301-1025”)');
    expect(dougal.project().plan.find((p) => p.sequence === 30)!.name).toBe('theirs');
    // Removing it is refused too: they changed it.
    expect(await failureOf(survey.surveyPlanRemove({ project: PID, sequence: 30, base: { name: 'EQ24301-1025' } }))).toMatchObject({ kind: 'conflict' });

    const taken = await failureOf(survey.surveyPlanEdit({ project: PID, sequence: 31, to: 32, changes: {}, base: {}, lookupFirst: false }));
    expect(taken.kind).toBe(dialect.planConflictStatus === 422 ? 'rejected' : 'conflict');
    expect(taken.retryable).toBe(false);
    expect(taken.message).toMatch(/sequence 32 is already in the plan/);
    expect(dougal.project().plan.map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34]);
    const addTaken = await failureOf(survey.surveyPlanAdd({ project: PID, clientKey: 'k-0002-add-33', sequence: 33, fields: FIELDS, lookupFirst: false }));
    expect(addTaken.message).toMatch(/sequence 33 is already in the plan/);

    const gone = await failureOf(survey.surveyPlanEdit({ project: PID, sequence: 77, changes: { remarks: 'x' }, base: { remarks: '' }, lookupFirst: false }));
    expect(gone).toMatchObject({ kind: 'not-found', retryable: false });
    expect(gone.message).toContain('no longer in Dougal');

    // An acquired sequence's number: taken too on some servers, free on others.
    const line31 = dougal.project().plan.find((p) => p.sequence === 31)!.line;
    const ontoAcquired = survey.surveyPlanEdit({ project: PID, sequence: 31, to: 27, changes: {}, base: {}, lookupFirst: false });
    if (dialect.planNumbersTaken === 'plan-and-acquired') expect((await failureOf(ontoAcquired)).message).toMatch(/sequence 27 has already been acquired/);
    else expect((await ontoAcquired).entry).toMatchObject({ sequence: 27, line: line31 });
  });

  it('a renumber whose reply was lost is recognised on retry', async () => {
    const dougal = await startDougal(dialect);
    const survey = handlersFor(clientFor(dougal));
    dougal.project().plan.find((p) => p.sequence === 34)!.sequence = 36; // as if our PATCH landed
    const retried = await survey.surveyPlanEdit({ project: PID, sequence: 34, to: 36, changes: {}, base: {}, lookupFirst: true });
    expect(retried.entry).toMatchObject({ sequence: 36 });
  });
});

describe('survey handlers — sequences, lines and counts', () => {
  it('reads plan (every attribute kept), sequences with remarks, lines and the project counts', async () => {
    const dougal = await startDougal({ nullStyle: 'explicit-null' });
    const survey = handlersFor(clientFor(dougal));
    const read = await survey.surveyRead({ project: PID });
    expect(read.unavailable).toEqual([]);
    expect(read.plan.map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34]);
    expect(read.plan[0]!.raw).toMatchObject({ class: 'V', geometry: { type: 'LineString' } });
    expect(read.sequences).toHaveLength(28);
    expect(read.sequences.find((s) => s.sequence === 3)).toMatchObject({ status: 'final', hasFinal: true, remarks: '' });
    expect(read.sequences.find((s) => s.sequence === 20)).toMatchObject({ hasFinal: false });
    expect(read.lines).toHaveLength(40);
    expect(read.lines[0]).toMatchObject({ line: 1001, fsp: 1000, lsp: 1640, numPoints: 641 });
    const summary = await clientFor(dougal).projectSummary(PID);
    expect(read.counts).toEqual({ lines: 40, total: summary.total, virgin: summary.virgin, prime: summary.prime, other: summary.other, ntba: summary.ntba, remaining: summary.remaining, seqRaw: 28, seqFinal: 19, shootingRate: summary.shooting_rate });
  });

  it('falls back to the project list for the counts, and names a part Dougal cannot give', async () => {
    const dougal = await startDougal();
    const survey = handlersFor(clientFor(dougal, { paths: { projectSummary: '/project/{project}/no-summary', plan: '/project/{project}/no-plan' } }));
    const read = await survey.surveyRead({ project: PID });
    expect(read.counts).toMatchObject({ lines: 40, seqRaw: 28 });
    expect(read.unavailable).toEqual(['plan']);
    expect(read.notes[0]).toMatch(/^The plan could not be read from Dougal/);
    expect(read.sequences).toHaveLength(28);
  });

  it('edits remarks only from the value the user saw; final remarks only where processed data exists', async () => {
    const dougal = await startDougal();
    const survey = handlersFor(clientFor(dougal));
    const done = await survey.surveySequenceEdit({ project: PID, sequence: 3, changes: { remarks: 'Feathering 12°', remarksFinal: 'Processed OK' }, base: { remarks: '', remarksFinal: '' } });
    expect(done.sequence).toMatchObject({ sequence: 3, remarks: 'Feathering 12°', remarksFinal: 'Processed OK' });
    // Sent again after a lost reply: Dougal already holds ours, which is no conflict.
    expect((await survey.surveySequenceEdit({ project: PID, sequence: 3, changes: { remarks: 'Feathering 12°' }, base: { remarks: '' } })).sequence).toMatchObject({ remarks: 'Feathering 12°' });

    dougal.project().sequences.find((s) => s.sequence === 4)!.remarks = 'theirs';
    const stale = await failureOf(survey.surveySequenceEdit({ project: PID, sequence: 4, changes: { remarks: 'mine' }, base: { remarks: '' } }));
    expect(stale).toMatchObject({ kind: 'conflict' });
    expect(dougal.project().sequences.find((s) => s.sequence === 4)!.remarks).toBe('theirs');

    expect(await failureOf(survey.surveySequenceEdit({ project: PID, sequence: 20, changes: { remarksFinal: 'x' }, base: { remarksFinal: '' } }))).toMatchObject({ kind: 'rejected' });
    expect(await failureOf(survey.surveySequenceEdit({ project: PID, sequence: 999, changes: { remarks: 'x' }, base: { remarks: '' } }))).toMatchObject({ kind: 'not-found' });
  });
});
