/**
 * Sign-in replies other than the documented `{uid, apiToken}` (emulator switch
 * `sessionReplyShape`): the token under another name or wrapped, no uid, and a reply that states
 * when the token ends — which the client must honour, measured on the server's clock.
 */
import { describe, expect, it } from 'vitest';
import { admin, clientFor, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
const signIns = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/session');

describe('Imago sign-in replies', () => {
  for (const shape of ['token-key', 'data-wrapped', 'no-uid'] as const) {
    it(`signs in and works when the reply is ${shape}`, async () => {
      await admin(suite.emulator, 'PATCH', '/imago/options', { sessionReplyShape: shape });
      const problems: string[] = [];
      const { client } = clientFor(suite.emulator, { onReplyProblem: (p) => problems.push(p.detail) });
      // No explicit sign-in: the first call signs in with the stored login, as the sync does.
      const context = await client.context();
      expect(context.workspaces.length).toBeGreaterThan(0);
      expect(client.session().signedIn).toBe(true);
      // The session check works too (a uid the reply left out is not "another user").
      expect((await client.checkSession()).signedIn).toBe(true);
      expect(problems.join(' | ')).toMatch(/token came as "token"|wrapped|no user id/);
    });
  }

  it('renews before the end the reply states, measured on the server clock, not after 24 h', async () => {
    // The laptop clock is 5 h behind the server's; the server says its tokens last one hour.
    await admin(suite.emulator, 'POST', '/clock', { advanceMs: 5 * 3600_000 });
    await admin(suite.emulator, 'PATCH', '/imago/options', { sessionReplyShape: 'states-expiry', tokenLifetimeSeconds: 3600 });
    let laptop = Date.now();
    const { client } = clientFor(suite.emulator, { now: () => laptop, renewBeforeMs: 10 * 60_000 });
    await client.signIn('demo', 'demo');
    const ends = Date.parse(client.session().expiresAt!);
    expect(Math.abs(ends - (laptop + 3600_000))).toBeLessThan(5_000);

    // 55 minutes on both clocks: inside the renewal margin, so the client signs in before the call.
    laptop += 55 * 60_000;
    await admin(suite.emulator, 'POST', '/clock', { advanceMs: 55 * 60_000 });
    suite.emulator.server.log.clear();
    await client.context();
    const log = suite.emulator.server.log.list().map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(log).toEqual(['POST /session 200', 'GET /context 200']);
    expect(signIns()).toHaveLength(1);
  });

  it('a token stated to live 5 minutes (shorter than the 10-minute renewal margin) is not renewed before every call', async () => {
    await admin(suite.emulator, 'PATCH', '/imago/options', { sessionReplyShape: 'states-expiry', tokenLifetimeSeconds: 300 });
    let laptop = Date.now();
    const { client } = clientFor(suite.emulator, { now: () => laptop, renewBeforeMs: 10 * 60_000 });
    await client.signIn('demo', 'demo');
    for (let i = 0; i < 5; i++) {
      await client.context();
      laptop += 30_000;
      await admin(suite.emulator, 'POST', '/clock', { advanceMs: 30_000 });
    }
    // 2.5 minutes of calls on a 5-minute token: the one sign-in holds.
    expect(signIns()).toHaveLength(1);
    // Past four fifths of its life it is renewed before the call, not after a 401.
    laptop += 90_000;
    await admin(suite.emulator, 'POST', '/clock', { advanceMs: 90_000 });
    suite.emulator.server.log.clear();
    await client.context();
    expect(suite.emulator.server.log.list().map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(['POST /session 200', 'GET /context 200']);
  });

  it('keeps the documented 24 h when the reply states a longer life', async () => {
    await admin(suite.emulator, 'PATCH', '/imago/options', { sessionReplyShape: 'states-expiry', tokenLifetimeSeconds: 86_400 * 7 });
    const laptop = Date.now();
    const { client } = clientFor(suite.emulator, { now: () => laptop });
    await client.signIn('demo', 'demo');
    // A week is longer than the documented day: the shorter one counts.
    expect(Date.parse(client.session().expiresAt!)).toBe(laptop + 24 * 3600_000);
  });
});
