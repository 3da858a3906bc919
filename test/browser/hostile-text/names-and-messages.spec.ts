/**
 * The display rule where a server's text reaches the page outside tables and panels: the options
 * of the drop-downs (Dougal projects and labels, Imago workspaces, datasets, holes and imagery
 * types), error messages that quote what a server said (the Connections screen's notice, the
 * status strip), the "changed underneath" words of the edit form, and the templates file's name.
 * An option's value stays the exact name: it identifies the thing chosen.
 */
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DougalClient } from '../../../electron/services/dougal/dougal-client';
import type { RunningEmulators } from '../../support/emulators';
import { expect, test as base } from '../fixtures';
import { eventRow, logEvent, openEventLog, pendingOnStrip, PROJECT, serverEventsFromCorelog, signInDougal } from '../event-log/event-log-helpers';
import { LIVE_WORKSPACE, openPhotosAt } from '../photos/photo-screen';
import { hiddenCharactersShown, LONG_WORD, optionProblems, optionValues, RLO_NAME, ZERO_WIDTH } from './hostile-helpers';

base.use({ systems: 'emulators' });

/** Option text longer than this widens a select past any window (the rule cuts names at 300). */
const OPTION_TEXT_MAX = 700;

base('drop-down options show hostile Dougal names by the display rule, and keep the exact name as value', async ({ app, corelog, emulators }) => {
  const project = emulators!.dougal.project(PROJECT);
  project.name = `${RLO_NAME} ${ZERO_WIDTH} P${LONG_WORD}`;
  const longLabel = `L${LONG_WORD}`;
  project.labels.push(
    { name: RLO_NAME, data: { view: { colour: '#888', description: '' }, model: { user: true, multiple: true } } },
    { name: longLabel, data: { view: { colour: '#888', description: '' }, model: { user: true, multiple: true } } },
  );
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await expect.poll(() => optionValues(app, 'Filter label'), { timeout: 15_000 }).toContain(longLabel);
  expect(await optionValues(app, 'Filter label')).toContain(RLO_NAME);
  expect(await optionValues(app, 'Project')).toContain(PROJECT);
  await expect.poll(() => app.getByLabel('Project', { exact: true }).textContent(), { timeout: 15_000 }).toContain('fdp.exe');
  expect(await optionProblems(app, OPTION_TEXT_MAX)).toEqual([]);
  // The shown text says the override is there and how much of the name was cut.
  expect(await app.getByLabel('Project', { exact: true }).textContent()).toContain(`evil\uFFFDfdp.exe DH\uFFFD-\u200D01\uFFFD PW`);
  expect(await app.getByLabel('Project', { exact: true }).textContent()).toMatch(/… \(\+[\d,]+ characters\) \(eq24301\)/);
  // Filtering by the long label still works: the value is the name, not what is shown.
  await app.getByLabel('Filter label', { exact: true }).selectOption(longLabel);
  await expect(app.getByLabel('Filter label', { exact: true })).toHaveValue(longLabel);
});

function seedImago(emulators: RunningEmulators): { hole: string; dataset: string; imageryType: string; workspace: string } {
  const world = emulators.imago.world;
  const live = world.workspaces.find((w) => w.name === LIVE_WORKSPACE)!;
  const drilling = world.datasets.find((d) => d.workspaceId === live.id && d.name === 'Diamond Drilling')!;
  const dataset = `${RLO_NAME} D${LONG_WORD}`;
  world.datasets.push({ ...structuredClone(drilling), id: `${drilling.id}-hostile`, name: dataset, lengthUnits: `m${RLO_NAME}` });
  const trays = world.imageryTypes.find((t) => t.datasetId === drilling.id && t.name === 'Core Trays')!;
  const imageryType = `${RLO_NAME}${ZERO_WIDTH} T${LONG_WORD}`;
  world.imageryTypes.push({ ...structuredClone(trays), id: `${trays.id}-hostile`, name: imageryType });
  const hole = `FF-DD-0012 ${RLO_NAME} ${ZERO_WIDTH}`;
  world.collections.find((c) => c.name === 'FF-DD-0012')!.name = hole;
  const other = world.workspaces.find((w) => w.name !== LIVE_WORKSPACE)!;
  const workspace = `${RLO_NAME} W${LONG_WORD}`;
  other.name = workspace;
  other.workspaceFolder = `F\u202E${LONG_WORD}`;
  return { hole, dataset, imageryType, workspace };
}

base('drop-down options show hostile Imago names by the display rule, and keep the exact name as value', async ({ app, corelog, emulators }) => {
  const names = seedImago(emulators!);
  await openPhotosAt(app, corelog);
  await expect.poll(() => optionValues(app, 'Hole'), { timeout: 20_000 }).toEqual(expect.arrayContaining([expect.any(String), expect.any(String)]));
  expect(await optionValues(app, 'Workspace')).toContain(names.workspace);
  expect(await optionValues(app, 'Dataset')).toContain(names.dataset);
  expect(await optionValues(app, 'Imagery type')).toContain(names.imageryType);
  await expect.poll(() => app.getByLabel('Hole', { exact: true }).textContent(), { timeout: 20_000 }).toContain('fdp.exe');
  expect(await optionProblems(app, OPTION_TEXT_MAX)).toEqual([]);
  expect(await app.getByLabel('Hole', { exact: true }).textContent()).toContain('FF-DD-0012 evil\uFFFDfdp.exe DH\uFFFD-\u200D01\uFFFD');
  // The exact name still chooses: the hostile imagery type is selected by its value.
  await app.getByLabel('Imagery type', { exact: true }).selectOption(names.imageryType);
  await expect(app.getByLabel('Imagery type', { exact: true })).toHaveValue(names.imageryType);
});

/** Stands in front of Dougal; while `failing`, every POST gets `status` with `body` as its message. */
interface HostileFront {
  origin: string;
  failing: boolean;
  status: number;
  body: string;
  close(): Promise<void>;
}

async function startHostileFront(target: string): Promise<HostileFront> {
  const front: HostileFront = { origin: '', failing: false, status: 500, body: '', close: async () => {} };
  const server: Server = createServer((req, res) => {
    if (front.failing && req.method === 'POST') {
      req.resume();
      res.writeHead(front.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: front.body }));
      return;
    }
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  front.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return front;
}

/** The emulators, with Corelog sent to Dougal through a front that can answer with hostile errors. */
const test = base.extend({
  emulators: async ({ emulators }, use) => {
    const real = emulators!.dougal.server;
    const front = await startHostileFront(real.origin);
    const server = new Proxy(real, { get: (target, key) => (key === 'baseUrl' ? real.baseUrl.replace(real.origin, front.origin) : Reflect.get(target, key)) });
    const dougal = new Proxy(emulators!.dougal, { get: (target, key) => (key === 'server' ? server : Reflect.get(target, key)) });
    await use(Object.assign({ ...emulators!, dougal }, { front }));
    await front.close();
  },
});

const hostileFront = (emulators: RunningEmulators | null) => (emulators as RunningEmulators & { front: HostileFront }).front;

test('an error quoting an override from the server does not turn Corelog’s words around', async ({ app, emulators }) => {
  const front = hostileFront(emulators);
  // The notification sentences the window sends over the bridge (a WebSocket in browser mode).
  const notices: string[] = [];
  app.on('websocket', (socket) => socket.on('framesent', ({ payload }) => typeof payload === 'string' && payload.includes('notifySyncOutcome') && notices.push(payload)));
  await app.reload();
  front.failing = true;
  front.body = `${RLO_NAME} ${ZERO_WIDTH} rejected`;
  await app.getByRole('button', { name: 'Connections' }).click();
  const card = app.getByTestId('connection-dougal');
  await card.getByLabel('User').fill('demo');
  await card.getByLabel('Password', { exact: true }).fill('demo');
  await card.getByRole('button', { name: /^Sign in to/ }).click();
  const notice = card.getByRole('alert');
  await expect(notice).toContainText('fdp.exe', { timeout: 15_000 });
  // (The service trims the body's trailing U+FEFF as white space.)
  await expect(notice).toContainText('(HTTP 500): evil\uFFFDfdp.exe DH\uFFFD-\u200D01');
  await expect(notice).toContainText('rejected. The server had a problem; Corelog will retry.');
  expect(await hiddenCharactersShown(app)).toEqual([]);

  // Signed in, an event that Dougal refuses with the same words: the strip says so by the rule.
  front.failing = false;
  await card.getByRole('button', { name: /^Sign in to/ }).click();
  await expect(notice).toHaveCount(0, { timeout: 15_000 });
  await openEventLog(app, 1000);
  // Refused for good (a 4xx): the item fails at once, and the failure is also notified.
  front.status = 422;
  front.failing = true;
  await logEvent(app, 'refused by a hostile server');
  const strip = app.getByTestId('sync-dougal-error').or(app.getByTestId('sync-dougal-attention'));
  await expect(strip).toContainText('fdp.exe', { timeout: 20_000 });
  await expect(strip).toContainText('evil\uFFFDfdp.exe');
  expect(await hiddenCharactersShown(app)).toEqual([]);
  await app.getByRole('button', { name: /^Outbox/ }).click();
  await expect(app.getByRole('dialog', { name: 'Outbox' })).toContainText('evil\uFFFDfdp.exe');
  expect(await hiddenCharactersShown(app)).toEqual([]);
  await expect.poll(() => notices.some((n) => n.includes('fdp.exe')), { timeout: 15_000 }).toBe(true);
  for (const notice of notices) expect(notice).not.toMatch(/\u202E|\\u202e/i);
  expect(notices.find((n) => n.includes('fdp.exe'))).toContain('evil\uFFFDfdp.exe');
  front.failing = false;
});

base('what changed underneath an edit is cut at a whole character and shown by the rule', async ({ app, corelog, emulators }) => {
  const server = emulators!.dougal.server;
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await logEvent(app, 'edited underneath', { sequence: 28, point: 5100 });
  await expect(eventRow(app, 'edited underneath')).toHaveAttribute('data-sync', 'synced', { timeout: 15_000 });
  await eventRow(app, 'edited underneath').click();
  const panel = app.getByTestId('event-panel');
  await panel.getByLabel('Edit remarks').fill('edited underneath, mine');
  const other = new DougalClient({ baseUrl: server.baseUrl });
  await other.login('demo', 'demo');
  const id = serverEventsFromCorelog(emulators!).find((e) => e.remarks === 'edited underneath')!.id;
  // 78 UTF-16 units, then an emoji on the 79th and 80th: a cut at 79 units leaves half of it.
  const theirs = `${'x'.repeat(70)}\u202E${'y'.repeat(7)}😀-and a long tail after the cut`;
  await other.updateEvent(PROJECT, id, { ...(await other.getEvent(PROJECT, id)), remarks: theirs });
  await logEvent(app, 'bring theirs in');
  await expect.poll(() => pendingOnStrip(app), { timeout: 15_000 }).toBe(0);
  const banner = panel.getByTestId('edit-changed-underneath');
  await expect(banner).toContainText('remarks is now “', { timeout: 15_000 });
  const text = (await banner.textContent()) ?? '';
  expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  expect(text).toContain(`${'x'.repeat(70)}\uFFFD${'y'.repeat(7)}😀-…”`);
  expect(await hiddenCharactersShown(app)).toEqual([]);
});

base('the templates file of a project whose id holds an override and slashes is offered under a safe name', async ({ app, corelog, emulators }) => {
  const dougal = emulators!.dougal;
  const hostilePid = `ev\u202Enosj.il/..\\x:y`;
  dougal.state.projects.push({ ...structuredClone(dougal.project(PROJECT)), pid: hostilePid, name: 'Hostile id' });
  // What Corelog offers, before Chromium's own download code makes its own safe name of it (the
  // desktop app's save dialog is not that code).
  await app.evaluate(() => {
    const offered: string[] = ((window as unknown as { __offered: string[] }).__offered = []);
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      if (this.download) offered.push(this.download);
      click.call(this);
    };
  });
  await signInDougal(corelog);
  await openEventLog(app, 1000);
  await expect.poll(() => optionValues(app, 'Project'), { timeout: 15_000 }).toContain(hostilePid);
  await app.getByLabel('Project', { exact: true }).selectOption(hostilePid);
  await app.getByRole('button', { name: 'Templates…' }).click();
  const manager = app.getByTestId('template-manager');
  if (!(await manager.getByLabel('Name', { exact: true }).isVisible())) await manager.getByRole('button', { name: 'New template' }).click();
  await manager.getByLabel('Name', { exact: true }).fill('Gun');
  await manager.getByLabel('Template remarks').fill('gun fault');
  await manager.getByRole('button', { name: 'Add template' }).click();
  const download = app.waitForEvent('download');
  await manager.getByRole('button', { name: 'Export…' }).click();
  await download;
  const [name] = await app.evaluate(() => (window as unknown as { __offered: string[] }).__offered);
  expect(name).toMatch(/^corelog-templates-.*\.json$/);
  expect(name).not.toMatch(/[\u202A-\u202E\u2066-\u2069/\\:]/);
  expect(await hiddenCharactersShown(app)).toEqual([]);
});
