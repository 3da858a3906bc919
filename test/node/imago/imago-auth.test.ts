import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { admin, clientFor, DEMO, SEEDED_TARGET, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });

const requestLines = () => suite.emulator.server.log.list().map((e) => `${e.method} ${e.path} ${e.status}`);

describe('Imago session lifecycle', () => {
  it('refuses a wrong password as auth, not retryable, quoting Imago', async () => {
    const { client, outcomes } = clientFor(suite.emulator);
    const error = await client.signIn('demo', 'not-the-password').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false, system: 'imago' });
    expect((error as Error).message).toContain('Invalid username or password');
    expect(client.session().signedIn).toBe(false);
    expect(outcomes.at(-1)).toMatchObject({ reachable: true });
  });

  it('signs in by itself on first use, once for concurrent requests', async () => {
    const { client } = clientFor(suite.emulator);
    await Promise.all([client.context(), client.listDatasets(), client.listCollections(), client.listImageMetadata({ limit: 1 })]);
    expect(requestLines().filter((l) => l.startsWith('POST /session'))).toEqual(['POST /session 200']);
  });

  it('re-authenticates once after the server ends the session, and the request succeeds', async () => {
    const { client, sessions } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    const revoked = await admin(suite.emulator, 'DELETE', '/imago/sessions');
    expect(revoked).toEqual({ revoked: 1 });
    suite.emulator.server.log.clear();
    const context = await client.context();
    expect(context.workspaces).toHaveLength(2);
    expect(requestLines()).toEqual(['GET /context 401', 'POST /session 200', 'GET /context 200']);
    expect(sessions.map((s) => s.signedIn)).toEqual([true, false, true]);
  });

  it('re-authenticates in the middle of an upload after the token expired, sending the file again', async () => {
    const { client } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    const path = join(suite.temp, 'retry.jpg');
    writeFileSync(path, await sharp({ create: { width: 320, height: 140, channels: 3, background: '#5a4a3a' } }).jpeg().toBuffer());
    // 25 h on the suite.emulator clock: the token is past its fixed 24 h, the client's clock does not know.
    await admin(suite.emulator, 'POST', '/clock', { advanceMs: 25 * 3600_000 });
    suite.emulator.server.log.clear();
    const reply = await client.uploadImage(SEEDED_TARGET, path);
    expect(reply.imageId).toMatch(/^[0-9a-f-]{36}$/);
    const log = suite.emulator.server.log.list();
    expect(log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(['POST /image 401', 'POST /session 200', 'POST /image 200']);
    expect(log[0]!.bodySha256).toBe(log[2]!.bodySha256);
    expect(log[2]!.bodyBytes).toBeGreaterThan(0);
  });

  it('renews the token shortly before its 24 h end without ever seeing a 401', async () => {
    let now = Date.now();
    const { client } = clientFor(suite.emulator, { now: () => now, renewBeforeMs: 10 * 60_000 });
    const first = await client.signIn('demo', 'demo');
    now += 24 * 3600_000 - 15 * 60_000;
    await client.context();
    expect(client.session().expiresAt).toBe(first.expiresAt);
    now += 6 * 60_000; // now 9 minutes before the end: inside the renewal margin
    suite.emulator.server.log.clear();
    await client.context();
    expect(requestLines()).toEqual(['POST /session 200', 'GET /context 200']);
    expect(Date.parse(client.session().expiresAt!)).toBe(now + 24 * 3600_000);
  });

  it('signs out: the token is dead on the server and forgotten locally', async () => {
    const { client, sessions } = clientFor(suite.emulator, { credentials: async () => null });
    await client.signIn('demo', 'demo');
    const token = suite.emulator.world.sessions[0]!.token;
    await client.signOut();
    expect(client.session()).toEqual({ signedIn: false, uid: null, username: null, expiresAt: null });
    expect(sessions.at(-1)?.signedIn).toBe(false);
    const check = await fetch(`${suite.emulator.server.baseUrl}/session`, { headers: { authorization: `Bearer ${token}` } });
    expect(check.status).toBe(401);
    const context = await fetch(`${suite.emulator.server.baseUrl}/context`, { headers: { authorization: `Bearer ${token}` } });
    expect(context.status).toBe(401);
    // No stored login to renew with: a hard auth error, not a retry loop.
    await expect(client.context()).rejects.toMatchObject({ kind: 'auth', retryable: false });
    await client.signOut(); // signing out twice is harmless
  });

  it('forgets the token even when Imago cannot be reached to sign out', async () => {
    const { client } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    await admin(suite.emulator, 'PATCH', '/faults', { down: true });
    await client.signOut();
    expect(client.session().signedIn).toBe(false);
    await admin(suite.emulator, 'PATCH', '/faults', { down: false });
  });

  it('reports a session the server ended as signed out on checkSession', async () => {
    const { client } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    expect((await client.checkSession()).signedIn).toBe(true);
    suite.emulator.revokeSessions();
    expect((await client.checkSession()).signedIn).toBe(false);
    await client.probe(); // a 401 still means Imago is there
  });

  it('gives up with auth when the stored password no longer works', async () => {
    const { client } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    await admin(suite.emulator, 'POST', '/imago/accounts', { username: 'demo', password: 'rotated' });
    suite.emulator.revokeSessions();
    await expect(client.context()).rejects.toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(client.session().signedIn).toBe(false);
  });

  it('gives up with auth when Imago refuses the fresh token too, after exactly one retry', async () => {
    const { client } = clientFor(suite.emulator);
    await client.signIn('demo', 'demo');
    await admin(suite.emulator, 'PATCH', '/imago/options', { tokenLifetimeSeconds: 0.001 });
    suite.emulator.revokeSessions();
    suite.emulator.server.log.clear();
    // Every reading of the emulator's clock is 5 ms later than the last, so the fresh 1 ms token has
    // always expired when it is checked (with the real clock, a retry within the same ms passed).
    const clock = suite.emulator.server.clock;
    const realNow = clock.now.bind(clock);
    let ticks = 0;
    clock.now = () => realNow() + ++ticks * 5;
    const error = await client.context().catch((e: unknown) => e);
    clock.now = realNow;
    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(requestLines()).toEqual(['GET /context 401', 'POST /session 200', 'GET /context 401']);
  });

  it('never lets the password or the token into the request log', async () => {
    const password = 'Very-Secret-Passw0rd!';
    await admin(suite.emulator, 'POST', '/imago/accounts', { username: 'crew-laptop-7', password });
    const { client } = clientFor(suite.emulator, { credentials: async () => ({ username: 'crew-laptop-7', password }) });
    await client.signIn('crew-laptop-7', password);
    await client.context();
    suite.emulator.revokeSessions();
    await client.listImagery({ collectionName: 'FF-DD-0012' });
    await client.downloadImage(SEEDED_TARGET, { width: 100 });
    const tokens = suite.emulator.world.sessions.map((s) => s.token);
    expect(tokens).toHaveLength(1);
    const logText = JSON.stringify(suite.emulator.server.log.list()) + (await (await fetch(`${suite.emulator.server.origin}/__admin/requests`)).text());
    expect(logText).toContain('/session');
    expect(logText).not.toContain(password);
    expect(logText).not.toContain(tokens[0]);
    expect(logText).not.toContain(DEMO.password + '"');
  });
});
