/**
 * Signing in again by itself, against the real emulators: the sign-in at start-up and the
 * re-login inside a client after the token expired each meet one connection reset, one 503 and
 * one reply later than the client waits. Afterwards the session is back without any user action.
 * A refused password stops at once and asks the user: it is never sent in a loop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import type { ErrorKind, SystemId } from '../../../common/errors';
import { ConnectionService } from '../../../electron/services/connections/connection-service';
import { ConnectionSettingsStore } from '../../../electron/services/connections/connection-settings';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';
import { startEmulators, type RunningEmulators } from '../../support/emulators';
import { createTestLinks, type TestLinks } from './test-links';

const CLIENT_TIMEOUT_MS = 400;
const SIGN_IN_PATH: Record<SystemId, string> = { imago: '/session', dougal: '/login' };
/** Past each emulator's token lifetime (Imago 24 h, Dougal 15 min). */
const EXPIRE_MS: Record<SystemId, number> = { imago: 25 * 3600_000, dougal: 16 * 60_000 };
type Fault = 'reset' | '503' | 'timeout';
const KIND_OF: Record<Fault, ErrorKind> = { reset: 'offline', '503': 'server', timeout: 'timeout' };

let dir: string;
let emulators: RunningEmulators;
let service: ConnectionService | null;
let links: TestLinks;
let statuses: ConnectionStatus[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-signin-'));
  emulators = await startEmulators();
  service = null;
  statuses = [];
});
afterEach(async () => {
  service?.dispose();
  await emulators.close();
  await rm(dir, { recursive: true, force: true });
});

function vault(): CredentialVault {
  return new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
}

function launch(): ConnectionService {
  links = createTestLinks(CLIENT_TIMEOUT_MS);
  const env = { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl };
  service = new ConnectionService({
    vault: vault(),
    settings: new ConnectionSettingsStore(join(dir, 'connections.json'), env),
    createLink: links.factory,
    onStatus: (status) => statuses.push(status),
    reachability: { firstRetryMs: 50, maxRetryMs: 200, quietProbeMs: 5000 },
    signInRetry: { firstDelayMs: 100, maxDelayMs: 400 },
  });
  return service;
}

const serverOf = (system: SystemId) => emulators[system].server;

/** Sign-in requests the emulator received since `mark`. */
const signInsSince = (system: SystemId, mark: number) => serverOf(system).log.list(mark).filter((r) => r.method === 'POST' && r.path === SIGN_IN_PATH[system]);

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(service?.allStatuses())}`);
}

/**
 * Makes the next sign-in request fail once: the connection reset, a 503, or an answer later than
 * the client waits. Returns a promise that settles once the fault has been used up (and undone).
 */
function failNextSignIn(system: SystemId, fault: Fault): Promise<void> {
  const server = serverOf(system);
  if (fault === 'timeout') {
    const seen = links.outcomes.length;
    server.faults = { ...server.faults, latencyMs: CLIENT_TIMEOUT_MS * 3 };
    return waitFor(() => links.outcomes.slice(seen).some((o) => o.system === system && o.kind === 'timeout'), 'the sign-in to time out').finally(() => {
      server.faults = { ...server.faults, latencyMs: 0 };
    });
  }
  server.faults = { ...server.faults, failNext: 1, failureKinds: [fault], failurePathIncludes: SIGN_IN_PATH[system] };
  return waitFor(() => server.faults.failNext === 0, 'the injected failure to be used').finally(() => {
    server.faults = { ...server.faults, failurePathIncludes: '' };
  });
}

/** What the emulator saw: the failed sign-in first, then one that worked. */
function expectFailedThenSignedIn(system: SystemId, mark: number, fault: Fault): void {
  const attempts = signInsSince(system, mark);
  const ok = attempts.filter((r) => r.fault === null && r.status >= 200 && r.status < 300);
  expect(ok.length).toBeGreaterThanOrEqual(1);
  if (fault === 'timeout') {
    // The emulator does not log a request whose client gave up during its latency; the client saw the timeout.
    expect(links.outcomes.some((o) => o.system === system && o.kind === 'timeout')).toBe(true);
  } else {
    expect(attempts[0]!.fault).toBe(fault === 'reset' ? 'reset' : 'injected 503');
    expect(attempts.indexOf(ok[0]!)).toBeGreaterThan(0);
  }
}

const signedIn = (system: SystemId) => service!.status(system).session !== 'signed-out';

/** A real request that needs the session: Dougal's project list, Imago's workspaces. */
async function useSession(system: SystemId): Promise<unknown> {
  return system === 'dougal' ? links.dougal().listProjects() : links.imago().context();
}

describe.each(['imago', 'dougal'] as const)('%s: signing in again by itself', (system) => {
  it.each(['reset', '503', 'timeout'] as const)('the sign-in at start-up meets a %s once; the session comes back with no user action', async (fault) => {
    vault().save(system, { username: 'demo', password: 'demo' }, true);
    launch();
    const mark = serverOf(system).log.lastSeq;
    await links.holdProbes();
    const used = failNextSignIn(system, fault);
    service!.start();
    await used;
    await waitFor(() => service!.status(system).lastError?.kind === KIND_OF[fault], 'the failure to be shown');
    expect(service!.status(system)).toMatchObject({ session: 'signed-out', credentialAvailable: true });
    links.releaseProbes();

    await waitFor(() => signedIn(system), 'the session to come back');
    expect(service!.status(system)).toMatchObject({ session: 'signed-in', user: 'demo', credentialAvailable: true, lastError: null });
    expectFailedThenSignedIn(system, mark, fault);
    await expect(useSession(system)).resolves.toBeDefined();
  });

  it.each(['reset', '503', 'timeout'] as const)('the re-login after the token expired meets a %s once; sync carries on by itself', async (fault) => {
    launch().start();
    // Kept in memory only, as in browser mode and on Linux without a keyring.
    await service!.signIn(system, { username: 'demo', password: 'demo' }, false);
    expect(service!.status(system)).toMatchObject({ passwordStored: false, credentialAvailable: true });
    await useSession(system);

    await links.holdProbes();
    const mark = serverOf(system).log.lastSeq;
    serverOf(system).clock.advance(EXPIRE_MS[system]);
    let used: Promise<void> | null = null;
    links.onceSignedOut(system, () => (used = failNextSignIn(system, fault)));
    await expect(useSession(system)).rejects.toMatchObject({ kind: KIND_OF[fault] });
    expect(used).not.toBeNull();
    await used;
    expect(service!.status(system)).toMatchObject({ session: 'signed-out', credentialAvailable: true });
    links.releaseProbes();

    await waitFor(() => signedIn(system), 'the session to come back');
    await expect(useSession(system)).resolves.toBeDefined();
    expect(service!.status(system)).toMatchObject({ session: 'signed-in', credentialAvailable: true });
    expectFailedThenSignedIn(system, mark, fault);
    // Each failure was told to the status stream while it lasted.
    expect(statuses.some((s) => s.system === system && s.session === 'signed-out' && s.credentialAvailable)).toBe(true);
  });

  it('a refused password at start-up stops at once and asks the user; it is not sent again', async () => {
    vault().save(system, { username: 'demo', password: 'not-the-password' }, true);
    launch();
    const mark = serverOf(system).log.lastSeq;
    service!.start();
    await waitFor(() => service!.status(system).lastError?.kind === 'auth', 'the refusal');
    expect(service!.status(system)).toMatchObject({ session: 'signed-out', credentialAvailable: false, passwordStored: true });

    // Several backoff periods later, and after a request that would need a session: still one attempt.
    await new Promise((r) => setTimeout(r, 1500));
    await expect(useSession(system)).rejects.toMatchObject({ kind: 'auth' });
    expect(signInsSince(system, mark)).toHaveLength(1);

    // The user signs in: main keeps the session alive by itself again.
    await service!.signIn(system, { username: 'demo', password: 'demo' }, false);
    expect(service!.status(system)).toMatchObject({ session: 'signed-in', credentialAvailable: true, lastError: null });
  });
});

describe('refusals and sign-out', () => {
  it('a password changed on the server: the re-login is refused, tried once more by main, then it asks', async () => {
    launch().start();
    await service!.signIn('imago', { username: 'demo', password: 'demo' }, false);
    await useSession('imago');
    const admin = await fetch(`${serverOf('imago').origin}/__admin/imago/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: 'changed-elsewhere' }),
    });
    expect(admin.status).toBe(200);
    const mark = serverOf('imago').log.lastSeq;
    serverOf('imago').clock.advance(EXPIRE_MS.imago);

    await expect(useSession('imago')).rejects.toMatchObject({ kind: 'auth' });
    await waitFor(() => !service!.status('imago').credentialAvailable, 'main to give up on the refused password');
    await new Promise((r) => setTimeout(r, 1500));
    expect(signInsSince('imago', mark).map((r) => r.status)).toEqual([401, 401]);
    expect(service!.status('imago')).toMatchObject({ session: 'signed-out', credentialAvailable: false, lastError: { kind: 'auth' } });
  });

  it('after the user signs out nothing signs in again, neither main nor a client', async () => {
    launch().start();
    await service!.signIn('dougal', { username: 'demo', password: 'demo' }, false);
    await service!.signOut('dougal', false);
    const mark = serverOf('dougal').log.lastSeq;
    expect(service!.status('dougal')).toMatchObject({ session: 'signed-out', credentialAvailable: false });
    await expect(useSession('dougal')).rejects.toMatchObject({ kind: 'auth' });
    await new Promise((r) => setTimeout(r, 800));
    expect(signInsSince('dougal', mark)).toHaveLength(0);
    expect(signedIn('dougal')).toBe(false);
  });

  it('a new server address never receives the old server’s password unasked', async () => {
    launch().start();
    await service!.signIn('dougal', { username: 'demo', password: 'demo' }, true);
    const other = await startEmulators();
    try {
      await service!.setServerUrl('dougal', other.dougal.server.baseUrl);
      expect(service!.status('dougal')).toMatchObject({ session: 'signed-out', credentialAvailable: false, passwordStored: true });
      await expect(links.dougal().listProjects()).rejects.toMatchObject({ kind: 'auth' });
      await new Promise((r) => setTimeout(r, 500));
      expect(other.dougal.server.log.list().filter((r) => r.path === '/login')).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
