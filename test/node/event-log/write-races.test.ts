/**
 * Writes that race someone else on Dougal, and an undelete on a server whose history cannot be
 * read. Real HTTP to a small double (dougal-event-double.ts), through the bridge dispatcher so
 * the contract's input checks apply.
 */
import { describe, expect, it } from 'vitest';
import { createBridgeDispatcher } from '../../../common/bridge/dispatch';
import { UNDELETE_BASE_MAX_CHARS, type EventFields } from '../../../common/bridge/event-log-contract';
import { EventDouble, PROJECT } from './dougal-event-double';

const fields = (remarks: string): EventFields => ({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 120, remarks, labels: ['Nav'], meta: {} });

/** Answers the next `method` on an event with 404, after deleting the event (someone else was quicker). */
function deletedJustBefore(dougal: EventDouble, method: 'DELETE' | 'PUT') {
  dougal.faults.push((r, res) => {
    if (r.method !== method) return false;
    for (const e of dougal.currents()) e.to = new Date().toISOString();
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No such event"}');
    return true;
  });
}

describe('a write that meets a deletion between its check and its request', () => {
  it('a DELETE answered 404: the event is gone, which is what was wanted', async () => {
    const dougal = await EventDouble.start();
    const seed = dougal.add({ tstamp: '2024-06-01T09:00:00Z', remarks: 'seed' });
    const dispatch = createBridgeDispatcher(dougal.handlers().handlers);
    deletedJustBefore(dougal, 'DELETE');
    expect(await dispatch('eventLogDelete', { project: PROJECT, id: seed.id, expect: seed.uid })).toEqual({ ok: true, value: { status: 'applied', event: null } });
  });

  it('a PUT answered 404: someone deleted it, a conflict with nothing of theirs', async () => {
    const dougal = await EventDouble.start();
    const seed = dougal.add({ tstamp: '2024-06-01T09:00:00Z', remarks: 'seed' });
    const dispatch = createBridgeDispatcher(dougal.handlers().handlers);
    deletedJustBefore(dougal, 'PUT');
    expect(await dispatch('eventLogPut', { project: PROJECT, id: seed.id, expect: seed.uid, fields: fields('mine') })).toEqual({ ok: true, value: { status: 'conflict', theirs: null } });
  });
});

describe('an undelete where Dougal cannot show the history', () => {
  async function deletedWithGeometry() {
    const dougal = await EventDouble.start();
    const seed = dougal.add({ tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 120, remarks: 'orig', labels: ['Nav'], other: { geometry: { type: 'Point', coordinates: [2.1, 60.3] }, qc_ref: 'abc' } });
    seed.to = new Date().toISOString();
    // The history path this server does not serve.
    dougal.faults.push(function noHistory(r, res) {
      if (!r.path.endsWith('/history')) return false;
      dougal.faults.push(noHistory);
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`Cannot GET ${r.path}`);
      return true;
    });
    return { dougal, seed, dispatch: createBridgeDispatcher(dougal.handlers().handlers) };
  }
  const putBody = (dougal: EventDouble) => dougal.log.find((r) => r.method === 'PUT')?.body as Record<string, unknown>;

  it('starts the PUT from the attributes the renderer last saw: geometry and unknown ones are kept', async () => {
    const { dougal, seed, dispatch } = await deletedWithGeometry();
    const base = { geometry: { type: 'Point', coordinates: [2.1, 60.3] }, qc_ref: 'abc', uid: 999, validity: ['[', null, null, ')'] };
    // Too large to carry: refused before anything is sent.
    const huge = { notes: 'x'.repeat(UNDELETE_BASE_MAX_CHARS) };
    expect(await dispatch('eventLogPut', { project: PROJECT, id: seed.id, expect: 'deleted', fields: fields('orig'), base: huge })).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(dougal.log).toEqual([]);

    const outcome = await dispatch('eventLogPut', { project: PROJECT, id: seed.id, expect: 'deleted', fields: fields('orig'), base });
    expect(outcome).toMatchObject({ ok: true, value: { status: 'applied', event: { remarks: 'orig', extra: { geometry: base.geometry, qc_ref: 'abc' } } } });
    // The user's fields on top; what the server owns is not sent back.
    expect(putBody(dougal)).toEqual({ geometry: base.geometry, qc_ref: 'abc', tstamp: '2024-06-01T10:00:00.000Z', sequence: 5, point: 120, remarks: 'orig', labels: ['Nav'], meta: {} });

    // Where the history can be read, it wins over what the renderer last saw.
    dougal.current(seed.id)!.to = new Date().toISOString();
    dougal.faults.length = 0;
    dougal.log.length = 0;
    await dispatch('eventLogPut', { project: PROJECT, id: seed.id, expect: 'deleted', fields: fields('orig'), base: { qc_ref: 'stale' } });
    expect(putBody(dougal)).toMatchObject({ geometry: base.geometry, qc_ref: 'abc' });
  });
});
