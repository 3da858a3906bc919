/**
 * "Check server" against the Imago emulator in several dialects: what it detects, what it
 * proposes, and that it never writes (the emulator's request log shows no POST/PUT/PATCH/DELETE
 * except the sign-in).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerCheckReport } from '../../../common/bridge/connection-contract';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../../../emulators/start-emulators';
import { serverCheckHarness, step, type LoggedRequest } from './server-check-harness';

const PASSWORD = 'Imago-check-pw-5821';
let dir: string;
let emulators: RunningEmulators;
let services: AppServices;

const { admin, check } = serverCheckHarness('imago', () => emulators.imago.server.origin, () => services);

/** Flips emulator switches at run time, as the emulator's admin endpoint documents. */
async function dialect(options: Record<string, unknown>): Promise<void> {
  await admin('/imago/options', { method: 'PATCH', body: options });
}

/** Nothing but reads and sign-ins reached the server; `signIns` (when given) is how many sign-ins. */
function expectNoWrites(sent: LoggedRequest[], signIns: number | null = 2): void {
  const nonReads = sent.filter((r) => r.method !== 'GET');
  expect(sent.length).toBeGreaterThan(5);
  expect(nonReads.map((r) => `${r.method} ${r.path}`)).toEqual(nonReads.map(() => 'POST /session'));
  // By default exactly the two sign-ins the report owns up to: the check's own and its client's.
  if (signIns !== null) expect(nonReads).toHaveLength(signIns);
}

function expectNoSecrets(report: ServerCheckReport): void {
  const everything = JSON.stringify(report);
  expect(everything).not.toContain(PASSWORD);
  for (const session of emulators.imago.world.sessions) expect(everything).not.toContain(session.token);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-check-imago-'));
  emulators = await startEmulators();
  await admin('/imago/accounts', { method: 'POST', body: { username: 'demo', password: PASSWORD } });
  services = createAppServices({
    dataDir: dir,
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl },
  });
  await services.handlers.signIn({ system: 'imago', username: 'demo', password: PASSWORD, remember: false });
});

afterEach(async () => {
  await services.dispose();
  await emulators.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Imago server check', () => {
  it('reads every documented call of the default dialect, reports them in plain words and never writes', async () => {
    const progress: string[][] = [];
    services.events.subscribe((event, payload) => {
      if (event === 'serverCheckProgress') progress.push((payload as { steps: { state: string }[] }).steps.map((s) => s.state));
    });
    const { report, sent } = await check();
    expectNoWrites(sent);
    expectNoSecrets(report);
    expect(report.nonReads).toEqual(['POST /session (sign-in)', 'POST /session (sign-in, by Corelog’s client)']);
    for (const id of ['reach', 'sign-in', 'session', 'context', 'datasets', 'collections', 'imagery', 'search', 'metadata', 'download', 'errors', 'query-case', 'client']) {
      expect(['passed', 'noted'], `${id}: ${step(report, id).summary}`).toContain(step(report, id).state);
    }
    expect(step(report, 'reach').summary).toContain('401');
    expect(step(report, 'sign-in').summary).toContain('Token received');
    expect(step(report, 'context').summary).toBe('2 workspace(s) (1 read-only), 3 dataset(s), 6 imagery type(s).');
    expect(step(report, 'datasets').summary).toContain('bare array');
    expect(step(report, 'metadata').summary).toContain('SHA-256');
    expect(step(report, 'download').summary).toMatch(/image\/(jpeg|png)/);
    expect(step(report, 'client').state).toBe('passed');
    // Every call is listed with its status and reply shape.
    expect(step(report, 'context').calls).toEqual([expect.objectContaining({ method: 'GET', path: '/context', status: 200, shape: expect.stringContaining('JSON object {workspaces') })]);
    expect(report.notChecked.join('\n')).toMatch(/multipart/);
    expect(report.notChecked.join('\n')).toMatch(/mimeType=image\/jpeg/);
    // Progress came step by step: the first event shows the first step running, the last has none left waiting.
    expect(progress[0]![0]).toBe('running');
    expect(progress.at(-1)!.every((state) => state !== 'waiting' && state !== 'running')).toBe(true);
  });

  it('in the least forgiving dialect detects errors[], case-sensitive names and explicit nulls, and still never writes', async () => {
    await dialect({ errorBodyShape: 'errors', caseInsensitiveParams: false, nullStyle: 'explicit-null', uploadEncoding: 'multipart-only', mimeParam: 'required-mimetype' });
    const { report, sent } = await check();
    expectNoWrites(sent);
    expectNoSecrets(report);
    const detected = report.detected.map((d) => d.text).join('\n');
    expect(step(report, 'errors').details.join('\n')).toContain('{"errors": [{name, message}]}');
    expect(detected).toMatch(/error replies are \{"errors": \[\{name, message\}\]\}/);
    // Whatever Corelog shows is quoted in the report, so support sees what the user saw.
    expect(step(report, 'errors').details.join('\n')).toMatch(/Corelog would tell the user: “Imago refused to hand out the photo \(HTTP 422\)/);
    expect(step(report, 'query-case').summary).toContain('case-sensitive');
    expect(detected).toContain('Query parameter names are case-sensitive — nothing to set');
    expect(detected).toMatch(/Replies use explicit nulls for absent values/);
    expect(step(report, 'client').state).toBe('passed');
    // Upload details cannot be read without uploading: said, not guessed.
    expect(report.notChecked.join('\n')).toMatch(/only an upload shows it/);
  });

  it('with optional fields left out and bare-array imagery replies says so, with nothing to set', async () => {
    await dialect({ nullStyle: 'omit', imageryBody: 'bare-array' });
    const { report, sent } = await check();
    expectNoWrites(sent);
    const detected = report.detected.map((d) => d.text).join('\n');
    expect(detected).toMatch(/Replies leave absent values out instead of sending null/);
    expect(step(report, 'imagery').summary).toContain('as a bare array');
    expect(detected).toContain('GET /imagery answers a bare array — nothing to set');
    expect(report.detected.every((d) => d.proposal === null)).toBe(true);
  });

  it('reads a sign-in reply in another shape as Corelog’s client does (token named otherwise, wrapped, no uid)', async () => {
    for (const [shape, departure] of [
      ['token-key', 'the token came as "token" instead of "apiToken"'],
      ['data-wrapped', 'the session came wrapped in another object'],
      ['no-uid', 'the reply names no user id (uid)'],
    ] as const) {
      await dialect({ sessionReplyShape: shape });
      const { report, sent } = await check();
      expectNoWrites(sent);
      expectNoSecrets(report);
      const signIn = step(report, 'sign-in');
      expect(signIn.state, `${shape}: ${signIn.summary}`).toBe('noted');
      expect(signIn.summary).toContain('Token received');
      expect(signIn.summary).toContain('Corelog’s client reads it');
      expect(signIn.summary).not.toMatch(/will not find|no apiToken/);
      expect(signIn.details.join('\n')).toContain(departure);
      // The check's own token worked for every later step, and so did the client: what the check said is what happened.
      expect(step(report, 'context').state).toBe('passed');
      expect(step(report, 'client').state, `${shape}: ${step(report, 'client').summary}`).not.toBe('failed');
      expect(report.detected.map((d) => d.text).join('\n')).toContain('Corelog’s client reads it as it is — nothing to set');
    }
  });

  it('says the token lifetime Corelog counts from a reply that states one: the stated one when shorter, else 24 h', async () => {
    await dialect({ sessionReplyShape: 'states-expiry', tokenLifetimeSeconds: 3600 });
    const short = (await check()).report;
    const shortText = short.detected.map((d) => d.text).join('\n');
    expect(shortText).toContain('states the token’s lifetime (60 min); Corelog counts that (60 min) from sign-in');
    expect(shortText).not.toContain('24 h');
    expect(step(short, 'sign-in').state).toBe('passed');

    await dialect({ sessionReplyShape: 'states-expiry', tokenLifetimeSeconds: 7 * 86_400 });
    const long = (await check()).report;
    expect(long.detected.map((d) => d.text).join('\n')).toContain('states the token’s lifetime (168 h); Corelog still counts the documented 24 h, the shorter');

    await dialect({ sessionReplyShape: 'documented' });
    const plain = (await check()).report;
    expect(step(plain, 'sign-in').details.join('\n')).toContain('does not say how long the token lives; Corelog counts 24 h from sign-in');
  });

  it('proposes the imagery key a server wraps its lists in; applying it stores it and the next check agrees', async () => {
    await dialect({ imageryKey: 'items' });
    const first = (await check()).report;
    const proposal = first.detected.find((d) => d.proposal?.key === 'imageryKey')?.proposal;
    expect(proposal).toEqual({ key: 'imageryKey', label: 'Imagery list key', value: 'items' });
    expect(step(first, 'imagery').state).toBe('noted');

    const settings = await services.handlers.setApiSettings({ system: 'imago', values: { [proposal!.key]: proposal!.value } });
    expect(settings.fields.find((f) => f.key === 'imageryKey')).toMatchObject({ value: 'items', defaultValue: 'imageries' });
    expect(JSON.parse(await readFile(join(dir, 'connections.json'), 'utf8')).imago.api).toEqual({ imageryKey: 'items' });

    const second = (await check()).report;
    expect(step(second, 'imagery').state).toBe('passed');
    expect(second.detected.some((d) => d.proposal?.key === 'imageryKey')).toBe(false);
  });

  it('finds the token header and match parameter a server takes when the connection is set to others', async () => {
    await dialect({ acceptOldTokenHeader: false });
    await services.handlers.setApiSettings({ system: 'imago', values: { tokenHeader: 'imago-api-token', matchParam: 'matchMode' } });
    const { report, sent } = await check();
    // Corelog's client, on the refused header, signs in again after each 401: still sign-ins only.
    expectNoWrites(sent, null);
    const proposals = report.detected.flatMap((d) => (d.proposal ? [d.proposal] : []));
    expect(proposals).toEqual(
      expect.arrayContaining([
        { key: 'tokenHeader', label: 'Token header', value: 'bearer' },
        { key: 'matchParam', label: 'Match mode parameter', value: 'match' },
      ]),
    );
    expect(step(report, 'session').summary).toContain('works only in the Authorization (Bearer) header');
    // Corelog's own client, still on the old header, is refused: the check says so instead of hiding it.
    expect(step(report, 'client').state).toBe('failed');
  });

  it('without a stored login reads what it can, skips the rest with the reason, and sends nothing but reads', async () => {
    await services.handlers.signOut({ system: 'imago', forgetPassword: true });
    const { report, sent } = await check();
    expect(sent.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(report.nonReads).toEqual([]);
    expect(step(report, 'reach').state).toBe('passed');
    expect(step(report, 'sign-in')).toMatchObject({ state: 'skipped', summary: expect.stringContaining('no stored Imago login') });
    expect(step(report, 'context')).toMatchObject({ state: 'skipped', summary: expect.stringContaining('signed-in session') });
  });

  it('against a server that is down fails the first step in plain words and skips the rest at once', async () => {
    await emulators.imago.server.close();
    const started = Date.now();
    const report = await services.handlers.checkServer({ system: 'imago' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(step(report, 'reach')).toMatchObject({ state: 'failed', summary: expect.stringContaining('Imago cannot be reached') });
    expect(report.steps.slice(1).every((s) => s.state === 'skipped' && s.summary === 'Not tried: Imago could not be reached.')).toBe(true);
    expect(report.text).toContain('1. The API answers (GET /session without a token) [FAILED');
  });

  it('saves the last report for support as text and JSON in the data folder, without the password or token', async () => {
    await expect(services.handlers.saveServerCheck({ system: 'imago' })).rejects.toMatchObject({ kind: 'not-found' });
    const { report } = await check();
    expect(await services.handlers.getServerCheck({ system: 'imago' })).toEqual(report);
    const { files } = await services.handlers.saveServerCheck({ system: 'imago' });
    expect(files).toHaveLength(2);
    for (const file of files) expect(file.startsWith(join(dir, 'diagnostics', 'corelog-server-check-imago-'))).toBe(true);
    const text = await readFile(files[0]!, 'utf8');
    expect(text).toBe(report.text);
    expect(text).toContain('Corelog server check: Imago');
    const json = JSON.parse(await readFile(files[1]!, 'utf8')) as ServerCheckReport;
    expect(json.steps.map((s) => s.id)).toEqual(report.steps.map((s) => s.id));
    for (const content of [text, JSON.stringify(json)]) {
      expect(content).not.toContain(PASSWORD);
      for (const session of emulators.imago.world.sessions) expect(content).not.toContain(session.token);
    }
  });
});
