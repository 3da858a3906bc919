/**
 * "Check server" against the Dougal emulator in several dialects: what it detects, what it
 * proposes, and that it never writes (the emulator's request log shows no POST/PUT/PATCH/DELETE
 * except the login).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../../../emulators/start-emulators';
import { serverCheckHarness, step, type LoggedRequest } from './server-check-harness';

// The emulator's second password for `demo` (master role): unique enough to look for in a report.
const PASSWORD = 'demo-admin';
let dir: string;
let emulators: RunningEmulators;
let services: AppServices;

const { admin, check } = serverCheckHarness('dougal', () => emulators.dougal.server.origin, () => services);

function expectNoWrites(sent: LoggedRequest[]): void {
  expect(sent.length).toBeGreaterThan(5);
  const nonReads = sent.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  // The check's own login and its client's: nothing else that is not a read.
  expect(nonReads).toEqual(['POST /login', 'POST /login']);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-check-dougal-'));
  emulators = await startEmulators();
  services = createAppServices({
    dataDir: dir,
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl },
  });
  await services.handlers.signIn({ system: 'dougal', username: 'demo', password: PASSWORD, remember: false });
});

afterEach(async () => {
  await services.dispose();
  await emulators.close();
  await rm(dir, { recursive: true, force: true });
});

async function dialect(options: Record<string, unknown>): Promise<void> {
  await admin('/dougal/options', { method: 'PATCH', body: options });
}

describe('Dougal server check', () => {
  it('reads the calls Corelog depends on in the default dialect, in plain words, and never writes', async () => {
    const { report, sent } = await check();
    expectNoWrites(sent);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expect(JSON.stringify(report)).not.toMatch(/eyJ[\w-]{10,}/);
    expect(report.nonReads).toEqual(['POST /login (sign-in)', 'POST /login (sign-in, by Corelog’s client)']);
    for (const s of report.steps) expect(['passed', 'noted'], `${s.id}: ${s.summary}`).toContain(s.state);
    expect(step(report, 'root').summary).toBe('The base address serves an OpenAPI 3.0.0 document, version 0.4.0.');
    expect(step(report, 'login').summary).toBe('HTTP 204; JWT cookie received, valid for 15 min.');
    expect(step(report, 'login').details.join('\n')).toContain('role master');
    expect(step(report, 'events').summary).toMatch(/^Paging is honoured \(“offset”, “limit”\)/);
    expect(step(report, 'events').calls.map((c) => c.path)).toEqual(['/project/eq24301/event?limit=1', '/project/eq24301/event?limit=2', '/project/eq24301/event?offset=1&limit=1']);
    expect(step(report, 'changes').state).toBe('passed');
    expect(step(report, 'history').state).toBe('passed');
    expect(step(report, 'errors').details.join('\n')).toContain('Corelog would tell the user: “Dougal refused to read an event (HTTP 404)');
    expect(step(report, 'client').state).toBe('passed');
    expect(report.detected.map((d) => d.text)).toEqual(expect.arrayContaining(['Dougal’s API document says version 0.4.0 (“Dougal API (emulator)”).', 'Labels come as an array of {name, data} — nothing to set: Corelog reads both forms.']));
    expect(report.notChecked.join('\n')).toMatch(/201 with the event, 201 with only its id, or 204/);
    expect(report.notChecked.join('\n')).toMatch(/leaves an attribute out is refused or resets it/);
  });

  it('in an unforgiving dialect sees no changes endpoint, keyed sparse labels, stored geometry and a rotating token — and never writes', async () => {
    await dialect({ changesEndpoint: 'missing', labelShape: 'object', labelData: 'sparse', eventGeometry: 'stored', jwtRotateEvery: 3, eventPostResponse: 'empty-204', putMissingAttributes: 'defaults' });
    const { report, sent } = await check();
    expectNoWrites(sent);
    const detected = report.detected.map((d) => d.text).join('\n');
    expect(step(report, 'changes')).toMatchObject({ state: 'noted', summary: expect.stringContaining('No changes endpoint') });
    expect(detected).toContain('No changes endpoint (404) — nothing to set: Corelog falls back to the event list');
    expect(report.detected.every((d) => d.proposal === null)).toBe(true);
    expect(step(report, 'labels').summary).toMatch(/as an object keyed by label name; some are sparse/);
    expect(detected).toMatch(/Labels come as an object keyed by label name, some with data, colour or flags missing/);
    expect(step(report, 'cookie')).toMatchObject({ state: 'noted', summary: expect.stringMatching(/The token rotated \d+ time\(s\)/) });
    expect(detected).toMatch(/Dougal sent a fresh JWT cookie on \d+ of \d+ replies \(the session token rotates\)/);
    // Using the newest token each time, no request of the check was refused for an old one.
    expect(sent.filter((r) => r.status === 401)).toEqual([]);
    // Corelog's client copes too: its duplicate check falls back to the event list.
    expect(step(report, 'client').state).not.toBe('failed');
    expect(step(report, 'client').details.join('\n')).toContain('Duplicate check: works');
  });

  it('notices a server that ignores the paging names and says what that costs', async () => {
    await dialect({ offsetParam: 'skip', limitParam: 'take' });
    const { report, sent } = await check();
    expectNoWrites(sent);
    expect(step(report, 'events')).toMatchObject({ state: 'noted', summary: expect.stringMatching(/^Paging is not honoured under “limit”\/“offset”: limit=1 gave \d{3,} events\.$/) });
    expect(report.detected.map((d) => d.text).join('\n')).toContain('Corelog then reads the whole list in one reply');
  });

  it('proposes the documented changes path when the connection points elsewhere; applying it puts the default back', async () => {
    await services.handlers.setApiSettings({ system: 'dougal', values: { 'paths.eventChanges': '/project/{project}/event/changed/{since}' } });
    const first = (await check()).report;
    const proposal = first.detected.find((d) => d.proposal)?.proposal;
    expect(proposal).toEqual({ key: 'paths.eventChanges', label: 'Event changes path', value: '/project/{project}/event/changes/{since}' });
    expect(step(first, 'changes').summary).toBe('Found at /project/{project}/event/changes/{since} instead of the configured /project/{project}/event/changed/{since}.');
    expect(step(first, 'changes').details).toEqual(['Also tried /project/{project}/event/changed: HTTP 400.']);

    const applied = await services.handlers.setApiSettings({ system: 'dougal', values: { [proposal!.key]: proposal!.value } });
    expect(applied.fields.find((f) => f.key === 'paths.eventChanges')).toMatchObject({ value: '/project/{project}/event/changes/{since}', defaultValue: '/project/{project}/event/changes/{since}' });
    // Equal to the default, so nothing of it is stored: a later default change reaches this connection too.
    expect(JSON.parse(await readFile(join(dir, 'connections.json'), 'utf8')).dougal.api).toEqual({});
    const second = (await check()).report;
    expect(step(second, 'changes').state).toBe('passed');
    expect(step(second, 'changes').calls[0]!.path).toMatch(/^\/project\/eq24301\/event\/changes\/2\d{3}-/);
  });

  it('with network login needs no sign-in request at all', async () => {
    await dialect({ implicitLoginAddresses: ['127.0.0.1'] });
    await services.handlers.signOut({ system: 'dougal', forgetPassword: true });
    await services.handlers.signInImplicitly({ system: 'dougal' });
    const { report, sent } = await check();
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(report.nonReads).toEqual([]);
    expect(step(report, 'login')).toMatchObject({ state: 'passed', summary: 'Network login: Dougal sent a JWT cookie to a request without credentials.' });
    expect(step(report, 'client').state).toBe('passed');
  });
});
