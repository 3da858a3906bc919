import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { CorelogError } from '../../../common/errors';
import { DougalClient, type DougalSessionInfo } from '../../../electron/services/dougal/dougal-client';
import { DougalSession, jwtCookieOf } from '../../../electron/services/dougal/session';
import { admin, clientFor, failureOf, PID, startDougal } from './harness';

const SIXTEEN_MINUTES = 16 * 60_000;

describe('DougalClient sessions', () => {
  it('logs in explicitly, decodes role and expiry from the JWT, and reports session changes', async () => {
    const dougal = await startDougal();
    const sessions: DougalSessionInfo[] = [];
    const client = clientFor(dougal, { login: null, onSessionChange: (s) => sessions.push(s) });
    expect(client.session()).toEqual({ state: 'signed-out' });
    await client.login('demo', 'demo');
    const session = client.session();
    expect(session).toMatchObject({ state: 'signed-in', user: 'demo', role: 'user' });
    const lifetime = Date.parse(session.expiresAt!) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
    expect(sessions.at(-1)).toMatchObject({ state: 'signed-in' });
    expect(await client.listProjects()).toHaveLength(1);
  });

  it('refuses a wrong password with kind auth, without echoing the password', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal, { login: null });
    const error = await failureOf(client.login('demo', 'not-the-password'));
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(error.message).not.toContain('not-the-password');
    expect(client.session().state).toBe('signed-out');
  });

  it('logs in on first use with the stored credentials; without any, a request fails with kind auth', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    await client.listProjects();
    expect(client.session()).toMatchObject({ state: 'signed-in', user: 'demo' });
    const anonymous = clientFor(dougal, { login: null });
    expect(await failureOf(anonymous.listProjects())).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('gives a guest 403 (forbidden, not retryable) on every write and leaves the state untouched', async () => {
    const dougal = await startDougal();
    const guest = clientFor(dougal, { login: { user: 'guest', password: 'guest' } });
    expect((await guest.listEvents(PID, { sequence: 5 })).length).toBeGreaterThan(10);
    expect(guest.session().role).toBe('guest');
    const before = JSON.stringify(dougal.state);
    const [event] = await guest.listEvents(PID, { sequence: 5 }, { limit: 1 });
    const plan = await guest.listPlan(PID);
    const writes: (() => Promise<unknown>)[] = [
      () => guest.createEvent(PID, { tstamp: '2024-06-05T10:00:00Z', remarks: 'guest was here' }),
      () => guest.updateEvent(PID, event!.id, { ...event!, remarks: 'changed by guest' }),
      () => guest.deleteEvent(PID, event!.id),
      () => guest.undeleteEvent(PID, event!),
      () => guest.updateSequence(PID, 5, { remarks: 'guest' }),
      () => guest.createPlannedSequence(PID, { line: 1005, fsp: 1000, lsp: 1100, ts0: '2024-07-01T00:00:00Z', ts1: '2024-07-01T01:00:00Z' }),
      () => guest.replacePlannedSequence(PID, plan[0]!.sequence, { line: plan[0]!.line, fsp: 1000, lsp: 1200, ts0: '2024-07-01T00:00:00Z', ts1: '2024-07-01T01:00:00Z' }),
      () => guest.updatePlannedSequence(PID, plan[0]!.sequence, { sequence: 99 }),
      () => guest.deletePlannedSequence(PID, plan[0]!.sequence),
      () => guest.acceptQcResults(PID, [5]),
      () => guest.unacceptQcResults(PID, [5]),
    ];
    for (const write of writes) expect(await failureOf(write())).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
    dougal.flush();
    expect(JSON.stringify(dougal.state)).toBe(before);
  });

  it('switches to a JWT replaced by Set-Cookie on any response', async () => {
    const dougal = await startDougal({ jwtRefresh: 'always' });
    const client = clientFor(dougal);
    await client.listProjects();
    await client.listLabels(PID);
    await client.listSequences(PID);
    const issued = dougal.issuedTokens();
    const seen = dougal.tokenSightings().filter((s) => s.source !== 'none');
    // login, then a fresh token on each of the three replies
    expect(issued.map((t) => t.reason)).toEqual(['login', 'refresh', 'refresh', 'refresh']);
    expect(seen.map((s) => s.jti)).toEqual([issued[0]!.jti, issued[1]!.jti, issued[2]!.jti]);
    expect(seen.every((s) => s.outcome === 'valid' && s.source === 'bearer')).toBe(true);
  });

  it('keeps the newest token when a rotating server hands them out on replies to concurrent requests', async () => {
    const dougal = await startDougal({ jwtRotateEvery: 2, jwtReplacedGraceSeconds: 1 });
    const client = clientFor(dougal);
    await client.listProjects();
    for (let round = 0; round < 3; round++) {
      // Eight requests in flight at once: every second reply carries a token that replaces all earlier ones.
      await Promise.all([
        client.listLabels(PID),
        client.listSequences(PID),
        client.listPlan(PID),
        client.listLines(PID),
        client.listEvents(PID, { sequence: 3 }),
        client.listEvents(PID, { sequence: 4 }),
        client.projectSummary(PID),
        client.listProjects(),
      ]);
      // The replaced tokens expire; every request from now on must carry the newest one.
      await admin(dougal, 'POST', '/clock', { advanceMs: 1_500 });
      const mark = dougal.tokenSightings().length;
      await client.listLabels(PID);
      const [sighting] = dougal.tokenSightings().slice(mark);
      const rotations = dougal.issuedTokens().filter((t) => t.reason === 'rotate');
      expect(sighting).toMatchObject({ outcome: 'valid' });
      expect(sighting!.replacedMsAgo).toBeUndefined();
      expect(rotations.some((t) => t.jti === sighting!.jti)).toBe(true);
    }
    // Never signed in again, never refused: the server never saw a token it had replaced and expired.
    expect(dougal.issuedTokens().filter((t) => t.reason === 'login')).toHaveLength(1);
    expect(dougal.tokenSightings().filter((s) => s.outcome !== 'valid')).toEqual([]);
    expect(dougal.server.log.list().filter((r) => r.status === 401)).toEqual([]);
  });

  it('a reply from before a sign-in never replaces the new session, and a token-less reply never downgrades it', async () => {
    const dougal = await startDougal({ implicitLoginAddresses: ['127.0.0.1'], jwtRefresh: 'always' });
    const client = clientFor(dougal, { login: null, implicit: true });
    await client.loginImplicitly();
    expect(client.session().state).toBe('implicit');
    await admin(dougal, 'PATCH', '/faults', { latencyMs: 300 });
    // A slow request of the implicit session is still on its way when the user signs in.
    const slow = client.listLabels(PID);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await admin(dougal, 'PATCH', '/faults', { latencyMs: 0 });
    await client.login('admin', 'admin');
    await slow; // its reply carries a refreshed implicit token
    expect(client.session()).toMatchObject({ state: 'signed-in', user: 'admin', role: 'master' });
    const mark = dougal.tokenSightings().length;
    await client.listProjects();
    const login = dougal.issuedTokens().find((t) => t.reason === 'login')!;
    const presented = dougal.tokenSightings()[mark]!.jti;
    expect(dougal.issuedTokens().find((t) => t.jti === presented)).toMatchObject({ user: 'admin' });
    expect(login.user).toBe('admin');
  });

  it('logs in again once when the token expires mid-operation, then carries on', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal);
    const first = await client.listEvents(PID, { sequence: 3 });
    await admin(dougal, 'POST', '/clock', { advanceMs: SIXTEEN_MINUTES });
    const second = await client.listEvents(PID, { sequence: 3 });
    expect(second).toEqual(first);
    const statuses = dougal.server.log.list().map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(statuses).toEqual([
      'POST /login 204',
      `GET /project/${PID}/event 200`,
      `GET /project/${PID}/event 401`,
      'POST /login 204',
      `GET /project/${PID}/event 200`,
    ]);
  });

  it('fails with kind auth when the token expires and no credentials are stored', async () => {
    const dougal = await startDougal();
    let stored: { user: string; password: string } | null = { user: 'demo', password: 'demo' };
    const client = clientFor(dougal, { credentials: async () => stored });
    await client.listLabels(PID);
    stored = null; // the user removed the saved password
    await admin(dougal, 'POST', '/clock', { advanceMs: SIXTEEN_MINUTES });
    expect(await failureOf(client.listLabels(PID))).toMatchObject({ kind: 'auth' });
    expect(client.session().state).toBe('signed-out');
  });

  it('treats logout’s expired cookie as the end of the session', async () => {
    const dougal = await startDougal();
    const sessions: DougalSessionInfo[] = [];
    const client = clientFor(dougal, { login: null, onSessionChange: (s) => sessions.push(s) });
    await client.login('demo', 'demo');
    await client.logout();
    expect(client.session()).toEqual({ state: 'signed-out' });
    expect(sessions.at(-1)).toEqual({ state: 'signed-out' });
    const logout = dougal.server.log.list().at(-1)!;
    expect(logout).toMatchObject({ method: 'POST', path: '/logout', status: 204 });
    expect(await failureOf(client.listProjects())).toMatchObject({ kind: 'auth' });
  });

  it('logs in implicitly from a trusted address, and silently again after expiry', async () => {
    const dougal = await startDougal({ implicitLoginAddresses: ['127.0.0.1'] });
    const client = clientFor(dougal, { login: null, implicit: true });
    await client.loginImplicitly();
    expect(client.session()).toMatchObject({ state: 'implicit', role: 'user' });
    await client.createEvent(PID, { tstamp: '2024-06-05T12:00:00Z', remarks: 'implicit write', labels: ['Comment'] });
    await admin(dougal, 'POST', '/clock', { advanceMs: SIXTEEN_MINUTES });
    expect((await client.listProjects())[0]!.pid).toBe(PID);
    expect(client.session().state).toBe('implicit');
    expect(dougal.issuedTokens().map((t) => t.reason)).toEqual(['implicit', 'implicit']);
    // A request without any token is itself an implicit login.
    const fresh = clientFor(dougal, { login: null, implicit: true });
    await fresh.listLabels(PID);
    expect(fresh.session().state).toBe('implicit');
  });

  it('reports implicit login as auth when the address is not trusted', async () => {
    const dougal = await startDougal();
    const client = clientFor(dougal, { login: null, implicit: true });
    expect(await failureOf(client.loginImplicitly())).toMatchObject({ kind: 'auth' });
  });

  it('never lets the password or a JWT into the emulator’s request log', async () => {
    const dougal = await startDougal({ jwtRefresh: 'always' });
    const client = clientFor(dougal, { login: { user: 'demo', password: 'demo-admin' } });
    await client.listProjects();
    await client.createEvent(PID, { sequence: 4, point: 1100, remarks: 'log check' });
    const log = JSON.stringify((await (await admin(dougal, 'GET', '/requests')).json()) as unknown);
    expect(log).not.toContain('demo-admin');
    expect(log).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(client.session().role).toBe('master');
  });

  it('reports every request outcome: reachable for any HTTP reply, unreachable when the server is gone', async () => {
    const dougal = await startDougal();
    const outcomes: { reachable: boolean; error?: CorelogError }[] = [];
    const client = clientFor(dougal, { onOutcome: (o) => outcomes.push(o) });
    await client.probe();
    expect(outcomes).toEqual([{ reachable: true }]);
    await client.listProjects();
    await dougal.server.close();
    expect(await failureOf(client.probe())).toMatchObject({ kind: 'offline', retryable: true });
    expect(outcomes.at(-1)).toMatchObject({ reachable: false, error: { kind: 'offline' } });
    expect(outcomes.slice(0, -1).every((o) => o.reachable)).toBe(true);
  });

  it('stays signed in on a workstation whose clock is 20 minutes fast (tokens last 15), and shows the expiry on its own clock', async () => {
    const dougal = await startDougal();
    const fastClock = () => Date.now() + 20 * 60_000;
    const client = clientFor(dougal, { now: fastClock });
    expect(await client.listProjects()).toHaveLength(1);
    await client.listLabels(PID);
    expect(client.session()).toMatchObject({ state: 'signed-in', user: 'demo' });
    const lifetime = Date.parse(client.session().expiresAt!) - fastClock();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000 + 5_000);
    // One sign-in for both requests: the token was not dropped as "expired" on arrival.
    expect(dougal.issuedTokens().map((t) => t.reason)).toEqual(['login']);
  });

  it('reads a quoted JWT cookie without its quotes, and ignores a JWT cookie set or cleared for another path', () => {
    const now = Date.now();
    expect(jwtCookieOf(['JWT="abc.def.ghi"; Path=/'], now)).toMatchObject({ value: 'abc.def.ghi' });
    const clearingOldPath = ['JWT=new-token; Path=/', 'JWT=; Path=/api/old; Max-Age=0'];
    expect(jwtCookieOf(clearingOldPath, now, '/api/project/x/event')).toMatchObject({ value: 'new-token' });
    expect(jwtCookieOf(clearingOldPath, now, '/api/old/thing')).toMatchObject({ value: '' });
    expect(jwtCookieOf(['JWT=t; Path=/api'], now, '/apix')).toBeNull();
    expect(jwtCookieOf(['JWT=t; Path=/api'], now, '/api')).toMatchObject({ value: 't' });

    const session = new DougalSession(() => now);
    session.absorb(['JWT=first; Path=/'], { login: 'demo' }, session.generation, { requestPath: '/login' });
    session.absorb(['JWT=; Path=/legacy; Max-Age=0'], 'refresh', session.generation, { requestPath: '/project' });
    expect(session.current()).toBe('first');
  });

  it('moves an Expires date from the server’s clock onto this computer’s', () => {
    const now = Date.parse('2026-01-01T12:20:00Z'); // this computer: 20 minutes fast
    const serverNow = Date.parse('2026-01-01T12:00:00Z');
    const session = new DougalSession(() => now);
    const cookie = `JWT=opaque; Expires=${new Date(serverNow + 15 * 60_000).toUTCString()}`;
    session.absorb([cookie], { login: 'demo' }, session.generation, { serverDateMs: serverNow });
    expect(session.current()).toBe('opaque');
    expect(session.info().expiresAt).toBe(new Date(now + 15 * 60_000).toISOString());
  });

  it('requests refused together after the token expired share one sign-in, also where every reply rotates the token and revokes the one before', async () => {
    // Harsher than the reference (old tokens stay valid until they expire): one token valid at a
    // time, a new one on every reply and every sign-in.
    let valid = '';
    let issued = 0;
    let logins = 0;
    const rotate = () => `JWT=${(valid = `token-${++issued}`)}; Path=/`;
    const server = createServer((req, res) => {
      if (req.url === '/login') {
        logins += 1;
        res.writeHead(204, { 'set-cookie': rotate() }).end();
        return;
      }
      const sent = req.headers.authorization?.slice('Bearer '.length);
      // Replies come back at different moments, as on a real link.
      setTimeout(() => {
        if (sent !== valid) res.writeHead(401).end();
        else res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': rotate() }).end(JSON.stringify([{ pid: PID, name: 'Project' }]));
      }, Math.random() * 40);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new DougalClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 5_000, credentials: async () => ({ user: 'demo', password: 'demo' }) });
      await client.listProjects();
      valid = 'expired'; // the token lapses on the server
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => client.listProjects().then(() => 'ok', (error: { kind: string }) => error.kind)));
      expect(outcomes).toEqual(Array(8).fill('ok'));
      expect(logins).toBe(2);
      expect(client.session().state).toBe('signed-in');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
