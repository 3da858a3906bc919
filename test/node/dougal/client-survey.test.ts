import { describe, expect, it } from 'vitest';
import { admin, clientFor, failureOf, PID, startDougal } from './harness';

describe('DougalClient projects, sequences, plan and QC', () => {
  it('reads the project list, its summary, labels and preplot lines', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const [project] = await client.listProjects();
    expect(project).toMatchObject({ pid: PID, name: 'North Sea 3D 2024', lines: 40, seq_raw: 28, seq_final: 19 });
    expect(project!.total).toBe(project!.virgin! + project!.prime! + project!.other!);
    expect(project!.remaining).toBe(project!.virgin! - project!.ntba!);
    expect(await client.projectSummary(PID)).toEqual(project);

    const labels = await client.listLabels(PID);
    expect(labels.find((l) => l.name === 'QC')).toEqual({ name: 'QC', colour: '#FFD54F', description: 'Automatic QC result', user: false, multiple: true });
    await admin(dougal, 'PATCH', '/dougal/options', { labelShape: 'object' });
    expect(await client.listLabels(PID)).toEqual(labels);

    const lines = await client.listLines(PID);
    expect(lines).toHaveLength(40);
    expect(lines[0]).toMatchObject({ line: 1001, fsp: 1000, lsp: 1640, ntba: false, geometry: { type: 'LineString' } });
    expect(await failureOf(client.projectSummary('nope'))).toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('lists sequences in every status and patches them partially (final fields only with final data)', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const sequences = await client.listSequences(PID);
    expect(new Set(sequences.map((s) => s.status))).toEqual(new Set(['online', 'raw', 'final', 'ntbp']));
    const online = sequences.find((s) => s.status === 'online')!;
    expect(online).toMatchObject({ lsp: null, ts1: null });
    expect(sequences.find((s) => s.sequence === 1)!.duration).toMatchObject({ hours: 1 });
    const withFiles = await client.listSequences(PID, { files: true });
    expect(withFiles[0]).toHaveProperty('files');

    await client.updateSequence(PID, 3, { remarks: 'Feathering up to 12°', remarks_final: 'Processed OK' });
    await client.updateSequence(PID, 20, { remarks_final: 'ignored: no final data', meta: { reshoot: false } });
    await client.updateSequence(PID, 3, {});
    const after = await client.listSequences(PID);
    expect(after.find((s) => s.sequence === 3)).toMatchObject({ remarks: 'Feathering up to 12°', remarks_final: 'Processed OK' });
    expect(after.find((s) => s.sequence === 20)).toMatchObject({ remarks_final: '', meta: { reshoot: false } });
    expect(await failureOf(client.updateSequence(PID, 999, { remarks: 'x' }))).toMatchObject({ kind: 'not-found' });
    expect(await failureOf(client.updateSequence(PID, 3, { remarks: 5 as unknown as string }))).toMatchObject({ kind: 'rejected', status: 400 });
  });

  it('adds, replaces, renumbers and removes planned sequences, with server-computed fields', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const plan = await client.listPlan(PID);
    expect(plan.map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34]);
    const created = await client.createPlannedSequence(PID, { sequence: 40, line: 1005, fsp: 1100, lsp: 1500, ts0: '2024-06-12T00:00:00Z', ts1: '2024-06-12T01:30:00Z', name: 'EQ24301-1005' });
    expect(created).toMatchObject({ sequence: 40, num_points: 401, class: 'V', duration: { hours: 1, minutes: 30 } });
    expect(created!.length).toBeCloseTo(10_000, -1); // 400 intervals of 25 m

    // PUT replaces everything except the line, which it silently keeps.
    await client.replacePlannedSequence(PID, 40, { line: 1009, fsp: 1200, lsp: 1300, ts0: '2024-06-12T02:00:00Z', ts1: '2024-06-12T02:20:00Z' });
    let entry = (await client.listPlan(PID)).find((p) => p.sequence === 40)!;
    expect(entry).toMatchObject({ line: 1005, fsp: 1200, lsp: 1300, num_points: 101, name: '' });

    // PATCH renumbers; a taken number is a conflict; the line never changes.
    await client.updatePlannedSequence(PID, 40, { sequence: 41, remarks: 'after crew change' });
    entry = (await client.listPlan(PID)).find((p) => p.sequence === 41)!;
    expect(entry).toMatchObject({ line: 1005, remarks: 'after crew change', fsp: 1200 });
    expect(await failureOf(client.updatePlannedSequence(PID, 41, { sequence: 29 }))).toMatchObject({ kind: 'conflict', status: 409, retryable: false });
    expect(await failureOf(client.updatePlannedSequence(PID, 40, { remarks: 'gone' }))).toMatchObject({ kind: 'not-found', status: 404 });
    expect(await failureOf(client.createPlannedSequence(PID, { sequence: 41, line: 1005, fsp: 1000, lsp: 1100, ts0: '2024-06-12T00:00:00Z', ts1: '2024-06-12T01:00:00Z' }))).toMatchObject({ kind: 'conflict' });

    await client.deletePlannedSequence(PID, 41);
    expect((await client.listPlan(PID)).map((p) => p.sequence)).toEqual([29, 30, 31, 32, 33, 34]);
    expect(await failureOf(client.deletePlannedSequence(PID, 41))).toMatchObject({ kind: 'not-found' });
  });

  it('reads QC results and accepts / un-accepts them by event id', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    type Tree = { tests: { id: string; results: { event_id: number; accepted: boolean }[] }[] };
    const results = () => client.qcResults(PID) as Promise<Tree>;
    const all = (await results()).tests.flatMap((t) => t.results);
    expect(all.length).toBeGreaterThan(10);
    const pending = all.filter((r) => !r.accepted).slice(0, 2).map((r) => r.event_id);
    await client.acceptQcResults(PID, pending);
    let now = (await results()).tests.flatMap((t) => t.results);
    expect(now.filter((r) => pending.includes(r.event_id)).every((r) => r.accepted)).toBe(true);
    await client.unacceptQcResults(PID, [pending[0]!]);
    now = (await results()).tests.flatMap((t) => t.results);
    expect(now.find((r) => r.event_id === pending[0])!.accepted).toBe(false);
    expect(now.find((r) => r.event_id === pending[1])!.accepted).toBe(true);
    expect(await failureOf(client.acceptQcResults(PID, ['x' as unknown as number]))).toMatchObject({ kind: 'rejected', status: 400 });
  });
});
