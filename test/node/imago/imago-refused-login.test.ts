/**
 * The stored service-account login stops working (its password changed in Imago). Every queued
 * photo would ask the client for a session: the refused login must be sent once, not once per
 * request, or an account that locks after a few failures locks. A login the user gives goes.
 */
import { describe, expect, it } from 'vitest';
import { clientFor, DEMO, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });
const refusedSignIns = () => suite.emulator.server.log.list().filter((e) => e.method === 'POST' && e.path === '/session' && e.status === 401).length;

describe('a stored login Imago refuses', () => {
  it('is sent once, whatever the number of requests that need a session; a new login goes at once', async () => {
    let stored = { ...DEMO };
    const { client } = clientFor(suite.emulator, { credentials: async () => stored });
    await client.context();
    // The password is changed in Imago and the session ends (a revoked token, the end of its day).
    suite.emulator.world.accounts.find((a) => a.username === DEMO.username)!.password = 'changed-in-imago';
    suite.emulator.revokeSessions();

    const concurrent = await Promise.all(Array.from({ length: 4 }, () => client.context().then(() => 'ok', (e: { kind: string }) => e.kind)));
    const sequential: string[] = [];
    for (let i = 0; i < 6; i++) sequential.push(await client.context().then(() => 'ok', (e: { kind: string }) => e.kind));
    expect([...concurrent, ...sequential]).toEqual(Array(10).fill('auth'));
    expect(refusedSignIns()).toBe(1);

    // The user stores the new password: the client signs in with it by itself.
    stored = { username: DEMO.username, password: 'changed-in-imago' };
    await expect(client.context()).resolves.toMatchObject({ workspaces: expect.any(Array) });
    expect(refusedSignIns()).toBe(1);
  });

  it('a sign-in the user asks for is always sent, even with the login refused before', async () => {
    const { client } = clientFor(suite.emulator, { credentials: async () => ({ username: DEMO.username, password: 'wrong' }) });
    await expect(client.context()).rejects.toMatchObject({ kind: 'auth' });
    await expect(client.signIn(DEMO.username, 'wrong')).rejects.toMatchObject({ kind: 'auth' });
    expect(refusedSignIns()).toBe(2);
    await expect(client.signIn(DEMO.username, DEMO.password)).resolves.toMatchObject({ uid: expect.any(String) });
  });
});
