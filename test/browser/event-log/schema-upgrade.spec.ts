/**
 * A database created by the first release of the event log (schema version 1) opens in this one:
 * rows and queued changes come through the upgrade, readable and still queued. The old database
 * is written with Dexie and the version-1 schema from the app's own source, on the app's origin.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { eventRow, openEventLog, pendingOnStrip, PROJECT } from './event-log-helpers';

const V1_WRITER = `
import Dexie from 'dexie';
import { EVENT_LOG_DB_NAME, SCHEMA_V1 } from '../../../renderer/src/event-log/event-log-db';
window.writeVersion1 = async (tables) => {
  const db = new Dexie(EVENT_LOG_DB_NAME);
  db.version(1).stores(SCHEMA_V1);
  await db.open();
  for (const [name, rows] of Object.entries(tables)) await db.table(name).bulkAdd(rows);
  db.close();
};
`;

const fields = { meta: {}, readonly: false, hasEdits: false, deleted: false, server: null };

test('a database made by schema version 1 is upgraded: events, queued changes and sync state survive', async ({ page, corelog }) => {
  const bundle = await build({
    stdin: { contents: V1_WRITER, resolveDir: join(process.cwd(), 'test/browser/event-log'), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    logLevel: 'silent',
  });
  const origin = new URL(corelog.server.url).origin;
  await page.route(`${origin}/version-1.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>v1</title>' }));
  await page.goto(`${origin}/version-1.html`);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  await page.evaluate(
    async ({ project, fields }) => {
      const created = '2024-06-01T10:00:00.000Z';
      await (window as unknown as { writeVersion1(t: unknown): Promise<void> }).writeVersion1({
        events: [
          { ...fields, key: 'd:501', project, id: 501, uid: 501, tstamp: '2024-06-01T08:00:00.000Z', sequence: 12, point: 1200, remarks: 'From release one, synced', labels: ['Nav'], pending: false, loggedAt: null },
          { ...fields, key: 'c:0123456789abcdef', project, id: null, uid: null, tstamp: null, sequence: 12, point: 1300, remarks: 'From release one, queued', labels: [], pending: true, loggedAt: created },
        ],
        outbox: [
          {
            project,
            eventKey: 'c:0123456789abcdef',
            kind: 'create',
            fields: { tstamp: null, sequence: 12, point: 1300, remarks: 'From release one, queued', labels: [], meta: {} },
            label: 'Log “From release one, queued”',
            state: 'pending',
            tries: 2,
            lastError: null,
            createdAt: created,
          },
          // Refused by Dougal in release one: waits for the user, and must still be found as such.
          {
            project,
            eventKey: '',
            kind: 'qc',
            qc: { eventIds: [501], accepted: true },
            label: 'Accept QC of event 501',
            state: 'failed',
            tries: 1,
            lastError: { kind: 'validation', message: 'Refused.', retryable: false },
            createdAt: created,
          },
        ],
        syncState: [{ project, cursor: '2024-06-01T09:00:00.000Z', loadedOffset: 0, lastPullAt: created, lastPushAt: null }],
        projects: [{ pid: project, name: 'North Sea 3D 2024' }],
      });
      localStorage.setItem('corelog.eventLog.project', project);
    },
    { project: PROJECT, fields },
  );

  await page.goto(corelog.server.url);
  await openEventLog(page, 2);
  await expect(eventRow(page, 'From release one, synced')).toHaveAttribute('data-sync', 'synced');
  await expect(eventRow(page, 'From release one, queued')).toHaveAttribute('data-sync', 'pending');
  await expect.poll(() => pendingOnStrip(page)).toBe(1);
  // Time order: the queued event (no time yet) sorts by when it was logged, after the synced one.
  await expect(page.getByTestId('event-row').first()).toContainText('From release one, queued');

  const stored = await page.evaluate(
    () =>
      new Promise<{ version: number; event: Record<string, unknown>; item: Record<string, unknown>; refused: Record<string, unknown>; indexes: string[]; outboxIndexes: string[]; stores: string[] }>((resolve, reject) => {
        const open = indexedDB.open('corelog-eventlog');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['events', 'outbox']);
          const indexes = [...tx.objectStore('events').indexNames];
          const outboxIndexes = [...tx.objectStore('outbox').indexNames];
          const event = tx.objectStore('events').get('c:0123456789abcdef');
          const items = tx.objectStore('outbox').getAll();
          tx.onerror = () => reject(tx.error);
          tx.oncomplete = () => {
            resolve({ version: db.version, event: event.result, item: items.result[0], refused: items.result[1], indexes, outboxIndexes, stores: [...db.objectStoreNames] });
            db.close();
          };
        };
      }),
  );
  // Dexie stores version N as N × 10: the newest schema is version 5 (the outbox's sparse `attention` index).
  expect(stored.version).toBe(50);
  expect(stored.stores).toContain('survey');
  expect(stored.event).toMatchObject({ sortKey: '2024-06-01T10:00:00.000Z', sync: 'pending', deleted: 0 });
  expect(stored.event).not.toHaveProperty('pending');
  expect(stored.item).toMatchObject({ attempts: 2, nextAttemptAt: null, state: 'pending' });
  expect(stored.item).not.toHaveProperty('tries');
  expect(stored.item).not.toHaveProperty('attention');
  expect(stored.refused).toMatchObject({ state: 'failed', attention: 'failed', attempts: 1 });
  expect(stored.outboxIndexes.sort()).toEqual(['attention', 'eventKey']);
  expect(stored.indexes).toEqual(expect.arrayContaining(['[project+sortKey]', '[project+id]', '[project+sequence]']));
  expect(stored.indexes).not.toContain('[project+sync]');
});
