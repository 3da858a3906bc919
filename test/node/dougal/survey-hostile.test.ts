/**
 * The survey handlers (plan, sequences, lines, counts, QC) against an independent Dougal double
 * (survey-double.ts) sending shapes a real server plausibly sends but our emulator never did:
 * nothing Dougal has may vanish from the screen for a field Corelog only shows, no change may land
 * on another entry than the one the user saw, and no change Dougal answered as done but did not
 * keep may be taken off the queue as if it had landed.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../../electron/services/app-services';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { createSurveyModule } from '../../../electron/services/event-log/survey-handlers';
import { flattenQcResults } from '../../../electron/services/event-log/event-log-wire';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { failureOf } from './harness';
import { startSurveyDouble, type SurveyDouble, type SurveyDoubleOptions } from './survey-double';

type Survey = Pick<BridgeHandlers, 'surveyRead' | 'surveyPlanAdd' | 'surveyPlanEdit' | 'surveyPlanRemove' | 'surveySequenceEdit'>;

async function setUp(options: SurveyDoubleOptions = {}): Promise<{ double: SurveyDouble; client: DougalClient; survey: Survey; problems: string[] }> {
  const double = await startSurveyDouble(options);
  const problems: string[] = [];
  const client = new DougalClient({ baseUrl: double.baseUrl, timeoutMs: 5_000, implicit: true, onReplyProblem: (p) => problems.push(p.detail) });
  const survey = createSurveyModule({ clients: { dougal: () => client } } as unknown as ServiceContext).handlers as Survey;
  return { double, client, survey, problems };
}

const FIELDS = { line: 1030, fsp: 1, lsp: 5, ts0: '2024-06-12T00:00:00.000Z', ts1: '2024-06-12T01:00:00.000Z', name: 'L1030', remarks: '' };

describe('survey read: what Dougal only shows never costs an item its place', () => {
  it('keeps plan entries, lines and the counts when PostGIS sends geometry as EWKB text and flags as Postgres text', async () => {
    for (const lineNtba of ['text', 'count'] as const) {
      const { survey, problems } = await setUp({ geometry: 'ewkb', lineNtba });
      const read = await survey.surveyRead({ project: 'p1' });
      expect(read.unavailable).toEqual([]);
      expect(read.plan.map((p) => [p.sequence, p.line, p.numPoints, p.length])).toEqual([
        [30, 1010, 401, 5000.5],
        [31, 1020, 401, 5000.5],
      ]);
      // The geometry as sent stays in the entry's raw copy, for a write-back.
      expect(read.plan[0]!.raw.geometry).toMatch(/^0102/);
      expect(read.lines).toEqual([expect.objectContaining({ line: 1010, numPoints: 401, ntba: false, length: 5000.5 })]);
      expect(read.counts).toMatchObject({ total: 381204, virgin: 120554, shootingRate: 5.4 });
      expect(problems).toEqual([]);
    }
  });

  it('reads the counts from a summary that does not name its project, and lists a project without a name under its pid', async () => {
    const anonymous = await setUp({ summary: 'anonymous', projectName: 'null' });
    expect((await anonymous.survey.surveyRead({ project: 'p1' })).counts).toMatchObject({ virgin: 120554, remaining: 119354 });
    for (const projectName of ['null', 'missing'] as const) {
      const { client } = await setUp({ projectName });
      expect((await client.listProjects()).map((p) => [p.pid, p.name])).toEqual([['p1', 'p1']]);
    }
  });

  it('does not take a summary wrapped in {data} for a project without counts: it falls back to the project list', async () => {
    const { survey } = await setUp({ summary: 'wrapped' });
    const read = await survey.surveyRead({ project: 'p1' });
    expect(read.counts).toMatchObject({ virgin: 120554, seqRaw: 188 });
  });

  it('reads an empty plan answered 204 No Content as empty, so the first planned sequence can be added', async () => {
    const { double, survey } = await setUp({ emptyPlan: true, emptyListsAs204: true });
    const read = await survey.surveyRead({ project: 'p1' });
    expect(read.unavailable).toEqual([]);
    expect(read.plan).toEqual([]);
    const added = await survey.surveyPlanAdd({ project: 'p1', clientKey: 'k-hostile-0002', sequence: 1, fields: FIELDS, lookupFirst: true });
    expect(added.entry).toMatchObject({ sequence: 1, line: 1030, clientKey: 'k-hostile-0002' });
    expect(double.plan).toHaveLength(1);
  });

  it('reads QC results keyed by test name, or wrapped in {data}, instead of showing none', async () => {
    for (const qc of ['keyed', 'wrapped'] as const) {
      const { client } = await setUp({ qc });
      const results = flattenQcResults(await client.qcResults('p1'));
      expect(results.map((r) => r.eventId)).toEqual([11, 12]);
      expect(results[0]).toMatchObject({ test: 'Gun timing', sequence: 3, point: 1010, remarks: 'Gun 3 misfire' });
      if (qc === 'keyed') expect(results[1]!.test).toBe('Depth');
    }
  });
});

describe('survey writes: the entry the user saw, or nothing', () => {
  it('refuses, sending nothing, an edit whose number another line holds now (renumbered by someone else)', async () => {
    const { double, survey } = await setUp();
    // Meanwhile on Dougal: 30 (line 1010) is removed and 31 (line 1020) renumbered to 30; both had empty remarks.
    double.plan.splice(0, 1);
    double.plan[0]!.sequence = 30;
    const refused = await failureOf(survey.surveyPlanEdit({ project: 'p1', sequence: 30, changes: { remarks: 'reshoot gap 1200-1210' }, base: { remarks: '', line: 1010 }, lookupFirst: false }));
    expect(refused).toMatchObject({ kind: 'conflict', retryable: false });
    expect(refused.message).toContain('now line 1020, not line 1010');
    expect(double.writes()).toEqual([]);
    expect(double.plan[0]).toMatchObject({ sequence: 30, line: 1020, remarks: '' });
    // A retry (its earlier reply "lost") is refused the same way.
    expect(await failureOf(survey.surveyPlanEdit({ project: 'p1', sequence: 30, changes: { remarks: 'x' }, base: { remarks: '', line: 1010 }, lookupFirst: true }))).toMatchObject({ kind: 'conflict' });
    expect(double.writes()).toEqual([]);
  });

  it('names the number an entry was renumbered to by someone else, and sends nothing', async () => {
    const { double, survey } = await setUp();
    double.plan[0]!.sequence = 38;
    const gone = await failureOf(survey.surveyPlanEdit({ project: 'p1', sequence: 30, changes: { remarks: 'x' }, base: { remarks: '', line: 1010 }, lookupFirst: false }));
    expect(gone).toMatchObject({ kind: 'not-found', retryable: false });
    expect(gone.message).toContain('line 1010 is planned as sequence 38 now');
    expect(double.writes()).toEqual([]);
  });

  it('refuses a removal whose number another entry holds now, even one with the same shot points and text', async () => {
    const { double, survey } = await setUp();
    double.plan.splice(0, 1);
    Object.assign(double.plan[0]!, { sequence: 30, name: 'L1010' });
    const refused = await failureOf(survey.surveyPlanRemove({ project: 'p1', sequence: 30, base: { line: 1010, fsp: 1000, lsp: 1400, name: 'L1010', remarks: '' } }));
    expect(refused).toMatchObject({ kind: 'conflict' });
    expect(refused.message).toContain('now line 1020');
    expect(double.plan).toHaveLength(1);
  });

  it('keeps a change Dougal answered 204 but did not keep: a refusal saying so, never a success', async () => {
    const { double, survey } = await setUp({ keepsWrites: false });
    const edit = await failureOf(survey.surveyPlanEdit({ project: 'p1', sequence: 30, changes: { name: 'L1010-B' }, base: { name: 'L1010', line: 1010 }, lookupFirst: false }));
    expect(edit).toMatchObject({ kind: 'rejected', retryable: false });
    expect(edit.message).toContain('name is “L1010”, not “L1010-B”');
    const remarks = await failureOf(survey.surveySequenceEdit({ project: 'p1', sequence: 3, changes: { remarks: 'Feathering 12°' }, base: { remarks: '' } }));
    expect(remarks).toMatchObject({ kind: 'rejected' });
    expect(remarks.message).toContain('remarks is empty, not “Feathering 12°”');
    expect(await failureOf(survey.surveyPlanAdd({ project: 'p1', clientKey: 'k-hostile-0001', sequence: 40, fields: FIELDS, lookupFirst: false }))).toMatchObject({ kind: 'rejected' });
    expect(await failureOf(survey.surveyPlanRemove({ project: 'p1', sequence: 31, base: { line: 1020 } }))).toMatchObject({ kind: 'rejected' });
    expect(double.plan.map((p) => p.sequence)).toEqual([30, 31]);
  });

  it('takes the entry Dougal says it created under another number than asked, not whatever holds the asked number', async () => {
    const { double, survey } = await setUp({ postNumbersItself: true });
    // 40 is asked for and held by another line: this server numbers the entry itself (41) and keeps no meta.
    double.plan.push({ sequence: 40, line: 1040, fsp: 1, lsp: 9, ts0: null, ts1: null, name: 'someone else', remarks: '', meta: {} });
    const added = await survey.surveyPlanAdd({ project: 'p1', clientKey: 'k-hostile-0003', sequence: 40, fields: FIELDS, lookupFirst: false });
    expect(added.entry).toMatchObject({ sequence: 41, line: 1030, name: 'L1030' });
  });

  it('does not hold against a write what the read-back leaves out (a list without remarks)', async () => {
    const { double, survey } = await setUp({ sequenceListWithoutRemarks: true });
    const done = await survey.surveySequenceEdit({ project: 'p1', sequence: 3, changes: { remarks: 'Feathering 12°' }, base: { remarks: '' } });
    // Shown as sent, not as the empty remarks the list did not carry.
    expect(done.sequence).toMatchObject({ sequence: 3, remarks: 'Feathering 12°' });
    expect(double.sequences[0]!.remarks).toBe('Feathering 12°');
  });

  it('takes a PATCH 404 for an entry removed meanwhile as such: it is not added back, and PATCH stays in use', async () => {
    const { double, survey } = await setUp({ removedBeforePatch: true });
    const gone = await failureOf(survey.surveyPlanEdit({ project: 'p1', sequence: 30, to: 35, changes: {}, base: { line: 1010 }, lookupFirst: false }));
    expect(gone).toMatchObject({ kind: 'not-found', retryable: false });
    expect(double.plan.map((p) => p.sequence)).toEqual([31]);
    await survey.surveyPlanEdit({ project: 'p1', sequence: 31, changes: { name: 'L1020-B' }, base: { name: 'L1020', line: 1020 }, lookupFirst: false });
    expect(double.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['PATCH /project/p1/plan/30', 'PATCH /project/p1/plan/31']);
  });

  it('keeps a renumber a PATCH took without renumbering', async () => {
    const { double, survey } = await setUp({ patchRenumbers: false });
    const refused = await failureOf(survey.surveyPlanEdit({ project: 'p1', sequence: 30, to: 35, changes: {}, base: { line: 1010 }, lookupFirst: false }));
    expect(refused).toMatchObject({ kind: 'rejected' });
    expect(refused.message).toContain('no sequence 35');
    expect(double.plan.map((p) => p.sequence)).toEqual([30, 31]);
  });

  it('writes a planned sequence back whole where there is no PATCH: every attribute Dougal gave, unknown ones and meta included', async () => {
    const { double, survey } = await setUp({ planPatch: false, geometry: 'ewkb' });
    const done = await survey.surveyPlanEdit({ project: 'p1', sequence: 30, changes: { remarks: 'infill' }, base: { remarks: '', line: 1010 }, lookupFirst: false });
    expect(done.entry).toMatchObject({ sequence: 30, line: 1010, remarks: 'infill', name: 'L1010' });
    const put = double.writes().find((w) => w.method === 'PUT')!;
    expect(put.body).toMatchObject({ line: 1010, fsp: 1000, lsp: 1400, name: 'L1010', remarks: 'infill', meta: { vendor: { x: 1 } }, priority: 2, ts0: '2024-06-10 00:00:00+00' });
    // What Dougal computes is not sent back as if the client set it.
    for (const owned of ['num_points', 'length', 'azimuth', 'class', 'geometry', 'duration', 'sequence']) expect(put.body).not.toHaveProperty(owned);
    expect(double.plan[0]).toMatchObject({ priority: 2, meta: { vendor: { x: 1 } }, remarks: 'infill' });
  });
});
