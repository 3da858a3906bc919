import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.use({ systems: 'emulators' });

async function signIn(app: Page, system: 'imago' | 'dougal', user: string, password: string) {
  const card = app.getByTestId(`connection-${system}`);
  await card.getByLabel(system === 'imago' ? 'Service account' : 'User').fill(user);
  await card.getByLabel('Password', { exact: true }).fill(password);
  await card.getByRole('button', { name: /^Sign in to/ }).click();
}

test.describe('Connections screen against the emulators', () => {
  test('sign in to both, see both reachable, then lose one while the other stays reachable', async ({ app, emulators }) => {
    await app.getByRole('button', { name: 'Connections' }).click();
    await signIn(app, 'imago', 'demo', 'demo');
    await signIn(app, 'dougal', 'demo', 'demo');

    await expect(app.getByTestId('imago-session')).toHaveText('Signed in as demo');
    await expect(app.getByTestId('dougal-session')).toHaveText('Signed in as demo (user)');
    await expect(app.getByTestId('dougal-role')).toHaveText('user');
    await expect(app.getByTestId('imago-expiry')).toContainText('in 24 hours');
    await expect(app.getByTestId('imago-reachability')).toContainText('Reachable');
    await expect(app.getByTestId('dougal-reachability')).toContainText('Reachable');

    // The satellite link drops: Imago goes away, the ship's LAN (Dougal) stays.
    await emulators!.imago.server.close();
    await app.getByTestId('connection-imago').getByRole('button', { name: 'Check now' }).click();
    await expect(app.getByTestId('imago-reachability')).toContainText('Unreachable');
    await expect(app.getByTestId('imago-error')).toContainText('Imago cannot be reached');
    await app.getByTestId('connection-dougal').getByRole('button', { name: 'Check now' }).click();
    await expect(app.getByTestId('dougal-reachability')).toContainText('Reachable');
    await expect(app.getByTestId('sync-imago-reach')).toHaveText('offline');
    await expect(app.getByTestId('sync-dougal-reach')).toHaveText('online');

    // The link comes back: the background probe notices by itself.
    await emulators!.imago.server.listen();
    await expect(app.getByTestId('imago-reachability')).toContainText('Reachable', { timeout: 15_000 });
  });

  test('a wrong password is refused in plain words and nothing is stored', async ({ app, corelog }) => {
    await app.getByRole('button', { name: 'Connections' }).click();
    await signIn(app, 'imago', 'demo', 'not-the-password');
    const error = app.getByTestId('imago-error');
    await expect(error).toHaveAttribute('data-kind', 'auth');
    await expect(error).toContainText('HTTP 401');
    await expect(app.getByTestId('imago-session')).toHaveText('Signed out');
    expect(corelog.services.connections.status('imago').passwordStored).toBe(false);
  });

  test('a session that ends while the password is still held says Corelog signs in again by itself, and it does', async ({ app, emulators, corelog }) => {
    await app.getByRole('button', { name: 'Connections' }).click();
    await signIn(app, 'imago', 'demo', 'demo');
    await expect(app.getByTestId('imago-session')).toHaveText('Signed in as demo');
    // Imago ends the session and its sign-in answers 503 for a while; the next request finds out.
    emulators!.imago.revokeSessions();
    const imago = emulators!.imago.server;
    imago.faults = { ...imago.faults, failNext: 3, failureKinds: ['503'], failurePathIncludes: '/session' };
    await corelog.services.handlers.loadPhotoCatalogue(undefined).catch(() => undefined);
    await expect(app.getByTestId('imago-session')).toHaveText('Signed out — signing in again by itself', { timeout: 15_000 });
    await expect(app.getByTestId('imago-session')).toHaveText('Signed in as demo', { timeout: 30_000 });
  });

  test('a guest signs in to Dougal with the guest role; signing out forgets the password', async ({ app, corelog }) => {
    await app.getByRole('button', { name: 'Connections' }).click();
    const card = app.getByTestId('connection-dougal');
    await card.getByLabel('Remember password on this computer').check();
    await signIn(app, 'dougal', 'guest', 'guest');
    await expect(app.getByTestId('dougal-role')).toHaveText('guest');
    expect(corelog.services.connections.status('dougal').passwordStored).toBe(true);
    await card.getByRole('button', { name: 'Sign out' }).click();
    await expect(app.getByTestId('dougal-session')).toHaveText('Signed out');
    expect(corelog.services.connections.status('dougal').passwordStored).toBe(false);
  });

  test('the page never receives a password or token', async ({ app }) => {
    const frames: string[] = [];
    app.on('websocket', (ws) => ws.on('framereceived', (frame) => frames.push(String(frame.payload))));
    await app.reload();
    await app.getByRole('button', { name: 'Connections' }).click();
    await signIn(app, 'imago', 'demo', 'demo');
    await signIn(app, 'dougal', 'demo', 'demo');
    await expect(app.getByTestId('dougal-role')).toHaveText('user');
    const received = frames.join('\n');
    expect(received).toContain('connectionChanged');
    expect(received).not.toMatch(/apiToken|JWT|eyJ[A-Za-z0-9_-]{10,}/);
    expect(received).not.toContain('"password"');
  });
});
