/**
 * The outbox and sync engine against the Dougal emulator: offline logging across a reload, lost
 * requests and lost replies, conflicts with a second client, token expiry mid-sync, and a guest.
 */
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import { expect, test } from '../fixtures';
import { eventRow, logEvent, openEventLog, pendingOnStrip, PROJECT, serverEvents, serverEventsFromCorelog, signInDougal, writesReceived } from './event-log-helpers';

test.use({ systems: 'emulators' });

test.describe('event log sync', () => {
  test('200 events logged with Dougal down, with a reload halfway, all arrive exactly once', async ({ app, corelog, emulators }) => {
    test.setTimeout(150_000);
    const dougal = emulators!.dougal;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    const before = serverEvents(emulators!).length;
    dougal.server.faults = { ...dougal.server.faults, down: true };

    const expected = new Map<string, { sequence: number | null; point: number | null; labels: string[] }>();
    const logBatch = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const remarks = `Offline event ${i}`;
        // The last ten of each batch are logged against a shot (the sequence box then stays filled).
        const shot = i % 100 >= 90 ? { sequence: 28, point: 5000 + i } : {};
        const labels = i % 7 === 0 ? ['Nav'] : [];
        await logEvent(app, remarks, { ...shot, labels });
        expected.set(remarks, { sequence: shot.sequence ?? null, point: shot.point ?? null, labels });
      }
    };
    await logBatch(0, 100);
    await expect.poll(() => pendingOnStrip(app)).toBe(100);

    await app.reload();
    await openEventLog(app, 1000);
    await app.getByLabel('Filter sync state').selectOption('unsynced');
    await expect(app.getByTestId('event-count')).toContainText('100 of');
    await app.getByLabel('Filter sync state').selectOption('all');
    await logBatch(100, 200);
    await expect.poll(() => pendingOnStrip(app)).toBe(200);
    expect(serverEvents(emulators!).length).toBe(before);

    dougal.server.faults = { ...dougal.server.faults, down: false };
    await expect.poll(() => serverEventsFromCorelog(emulators!).length, { timeout: 60_000 }).toBe(200);
    await expect.poll(() => pendingOnStrip(app), { timeout: 10_000 }).toBe(0);
    expect(serverEvents(emulators!).length).toBe(before + 200);
    const onServer = serverEventsFromCorelog(emulators!);
    expect(new Set(onServer.map((e) => e.remarks)).size).toBe(200);
    for (const event of onServer) {
      const want = expected.get(event.remarks);
      expect(want, event.remarks).toBeDefined();
      expect({ sequence: event.sequence, point: event.point, labels: event.labels }, event.remarks).toEqual(want);
      if (want!.point === null) expect(event.tstamp).not.toBeNull();
    }
  });

  test('a connection reset before or after Dougal handled a create: nothing lost, nothing twice', async ({ app, corelog, emulators }) => {
    const server = emulators!.dougal.server;
    await signInDougal(corelog);
    await openEventLog(app, 1000);

    // The request never reaches Dougal.
    server.faults = { ...server.faults, failureKinds: ['reset'], failurePathIncludes: `/project/${PROJECT}/event`, failureMethod: 'POST', failNext: 1 };
    await logEvent(app, 'Reset before handling');
    await expect.poll(() => serverEventsFromCorelog(emulators!).map((e) => e.remarks), { timeout: 20_000 }).toEqual(['Reset before handling']);
    await expect.poll(() => pendingOnStrip(app)).toBe(0);
    expect(server.log.list().some((r) => r.fault === 'reset')).toBe(true);

    // Let the pull that follows a push go by (the next one is 30 s away), so the next event request is our create.
    await expect
      .poll(() => Date.now() - Date.parse(server.log.list().findLast((r) => r.path.includes('/event'))?.at ?? '1970-01-01'), { timeout: 10_000 })
      .toBeGreaterThan(2_500);

    // Dougal stores the event, then the reply is lost.
    const mark = server.log.lastSeq;
    // Only a POST: the pull's `/event/changes/…` shares the path, and its reply must not be the one lost.
    server.faults = { ...server.faults, failNext: 0, failureMethod: 'POST', dropResponseNext: 1 };
    await logEvent(app, 'Reply lost');
    // Waited for on the server and the row: the strip's count is refreshed at a throttled pace and
    // can still say 0 from before the event was logged.
    await expect.poll(() => server.log.list(mark).some((r) => r.fault === 'response dropped'), { timeout: 20_000 }).toBe(true);
    await expect(eventRow(app, 'Reply lost')).toHaveAttribute('data-sync', 'synced', { timeout: 20_000 });
    await expect.poll(() => pendingOnStrip(app), { timeout: 20_000 }).toBe(0);
    const requests = server.log.list(mark);
    expect(requests.find((r) => r.fault === 'response dropped')?.method).toBe('POST');
    expect(requests.filter((r) => r.method === 'POST' && r.path === `/project/${PROJECT}/event`)).toHaveLength(1);
    expect(serverEventsFromCorelog(emulators!).map((e) => e.remarks).sort()).toEqual(['Reply lost', 'Reset before handling']);
    await expect(eventRow(app, 'Reply lost')).toHaveAttribute('data-sync', 'synced');
  });

  test('an edit that collides with a second client shows the conflict; each resolution lands on Dougal', async ({ app, corelog, emulators }) => {
    const server = emulators!.dougal.server;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    for (const n of [1, 2, 3]) await logEvent(app, `Shared event ${n}`);
    await expect.poll(() => serverEventsFromCorelog(emulators!).length, { timeout: 15_000 }).toBe(3);
    await expect.poll(() => pendingOnStrip(app)).toBe(0);
    const idOf = (n: number) => serverEventsFromCorelog(emulators!).find((e) => e.remarks === `Shared event ${n}`)!.id;
    const ids = [idOf(1), idOf(2), idOf(3)];

    // Signed out, our engine holds the edits back while the second client gets in first.
    await corelog.services.connections.signOut('dougal', true);
    for (const n of [1, 2, 3]) {
      await eventRow(app, `Shared event ${n}`).click();
      await app.getByLabel('Edit remarks').fill(`Shared event ${n}, mine`);
      await app.getByRole('button', { name: 'Save changes' }).click();
      await expect(eventRow(app, `Shared event ${n}, mine`)).toHaveAttribute('data-sync', 'pending');
    }
    const other = new DougalClient({ baseUrl: server.baseUrl });
    await other.login('demo', 'demo');
    for (const id of ids) {
      const theirs = await other.getEvent(PROJECT, id);
      await other.updateEvent(PROJECT, id, { ...theirs, remarks: `${theirs.remarks}, theirs` });
    }

    await signInDougal(corelog);
    for (const n of [1, 2, 3]) await expect(eventRow(app, `Shared event ${n}, mine`)).toHaveAttribute('data-sync', 'conflict', { timeout: 20_000 });
    const current = (id: number) => serverEvents(emulators!).find((e) => e.id === id)!.remarks;
    expect(ids.map(current)).toEqual(['Shared event 1, theirs', 'Shared event 2, theirs', 'Shared event 3, theirs']);

    // Keep mine.
    await eventRow(app, 'Shared event 1, mine').click();
    await expect(app.getByTestId('conflict-mine')).toContainText('Shared event 1, mine');
    await expect(app.getByTestId('conflict-theirs')).toContainText('Shared event 1, theirs');
    await app.getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(() => current(ids[0]!), { timeout: 15_000 }).toBe('Shared event 1, mine');

    // Take theirs: nothing is sent, and the log shows their version.
    const beforeTheirs = server.log.lastSeq;
    await eventRow(app, 'Shared event 2, mine').click();
    await app.getByRole('button', { name: 'Take theirs' }).click();
    await expect(eventRow(app, 'Shared event 2, theirs')).toHaveAttribute('data-sync', 'synced');
    expect(current(ids[1]!)).toBe('Shared event 2, theirs');

    // A merge of the remarks, edited by hand.
    await eventRow(app, 'Shared event 3, mine').click();
    await expect(app.getByLabel('Merged remarks')).toHaveValue(/Shared event 3, theirs\nShared event 3, mine/);
    await app.getByLabel('Merged remarks').fill('Shared event 3, both agreed');
    await app.getByRole('button', { name: 'Use merged' }).click();
    await expect.poll(() => current(ids[2]!), { timeout: 15_000 }).toBe('Shared event 3, both agreed');

    await expect.poll(() => pendingOnStrip(app)).toBe(0);
    expect(server.log.list(beforeTheirs).filter((r) => r.method === 'PUT' && r.path.endsWith(`/event/${ids[1]}`))).toHaveLength(0);
    await other.logout();
  });

  test('the token expires in the middle of a sync: the engine signs in again and carries on', async ({ app, corelog, emulators }) => {
    const dougal = emulators!.dougal;
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    dougal.server.faults = { ...dougal.server.faults, down: true };
    for (let i = 0; i < 30; i++) await logEvent(app, `Night watch ${i}`);
    await expect.poll(() => pendingOnStrip(app)).toBe(30);

    // Slow requests (30 events, 4 at a time, 400 ms each: several seconds) so the token surely
    // expires while the push is under way, whatever the machine's speed.
    dougal.server.faults = { ...dougal.server.faults, down: false, latencyMs: 400 };
    await expect.poll(() => serverEventsFromCorelog(emulators!).length, { timeout: 20_000, intervals: [50] }).toBeGreaterThanOrEqual(1);
    const loginsBefore = dougal.issuedTokens().filter((t) => t.reason === 'login').length;
    dougal.server.clock.advance(16 * 60_000); // past the 15-minute JWT lifetime
    expect(serverEventsFromCorelog(emulators!).length).toBeLessThan(30);

    dougal.server.faults = { ...dougal.server.faults, latencyMs: 0 };
    await expect.poll(() => serverEventsFromCorelog(emulators!).length, { timeout: 30_000 }).toBe(30);
    await expect.poll(() => pendingOnStrip(app)).toBe(0);
    expect(dougal.tokenSightings().some((s) => s.outcome === 'expired')).toBe(true);
    expect(dougal.issuedTokens().filter((t) => t.reason === 'login').length).toBeGreaterThan(loginsBefore);
    expect(new Set(serverEventsFromCorelog(emulators!).map((e) => e.remarks)).size).toBe(30);
    await expect(app.getByTestId('sync-dougal')).not.toContainText('need attention');
  });

  test('a guest sees no write controls, and Dougal never receives a write from them', async ({ app, corelog, emulators }) => {
    await signInDougal(corelog, 'guest', 'guest');
    await openEventLog(app, 1000);
    await expect(app.getByTestId('read-only-mode')).toContainText('guest');
    await expect(app.getByTestId('entry-line')).toHaveCount(0);

    await app.getByTestId('event-row').first().click();
    const panel = app.getByTestId('event-panel');
    await expect(panel).toBeVisible();
    await expect(panel.getByTestId('history-item').first()).toBeVisible();
    await expect(panel.getByRole('button', { name: /Save|Delete|Undelete|Restore/ })).toHaveCount(0);
    await expect(panel.getByRole('textbox')).toHaveCount(0);

    await app.getByRole('button', { name: 'QC', exact: true }).click();
    await expect(app.getByTestId('qc-results')).toBeVisible();
    await expect(app.getByTestId('qc-results').getByRole('checkbox')).toHaveCount(0);

    await app.getByRole('button', { name: 'Log', exact: true }).click();
    await app.keyboard.press('Enter');
    await expect.poll(() => pendingOnStrip(app)).toBe(0);
    expect(writesReceived(emulators!)).toEqual([]);
  });
});
