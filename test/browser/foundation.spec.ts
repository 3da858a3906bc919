import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

test.describe('browser mode foundation', () => {
  test('shows the app name, version and a status line per system', async ({ app }) => {
    await expect(app.getByRole('heading', { level: 1 })).toContainText('Corelog');
    await expect(app.getByTestId('home-version')).toHaveText('version 0.0.0-test');
    await expect(app.getByTestId('system-imago')).toContainText('Imago');
    await expect(app.getByTestId('system-dougal')).toContainText('Dougal');
    // Nothing listens where the fixture points them, so both become unreachable.
    await expect(app.getByTestId('reach-imago')).toHaveText('Unreachable');
    await expect(app.getByTestId('reach-dougal')).toHaveText('Unreachable');
  });

  test('the scratch note is stored in IndexedDB and survives a reload', async ({ app }) => {
    const note = app.getByRole('textbox', { name: 'Scratch note' });
    await note.fill('Box 14 missing from tray rack B');
    await expect(app.getByRole('status').filter({ hasText: 'Saved locally' })).toBeVisible();
    await app.reload();
    await expect(app.getByRole('textbox', { name: 'Scratch note' })).toHaveValue('Box 14 missing from tray rack B');
    const stored = await app.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('corelog');
          open.onsuccess = () => {
            const get = open.result.transaction('scratchNotes').objectStore('scratchNotes').get('scratch');
            get.onsuccess = () => resolve((get.result as { text: string }).text);
            get.onerror = () => reject(get.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(stored).toBe('Box 14 missing from tray rack B');
  });

  test('a bridge call round-trips, and invalid input comes back as a typed validation error', async ({ app }) => {
    const results = await app.evaluate(async () => {
      const token = new URLSearchParams(location.hash.slice(1)).get('token');
      const ws = new WebSocket(`ws://${location.host}/bridge?token=${token}`);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      const call = (id: number, method: string, input: unknown) =>
        new Promise<unknown>((resolve) => {
          ws.addEventListener('message', function onMessage(event) {
            const data = JSON.parse(String(event.data));
            if (data.type === 'result' && data.id === id) {
              ws.removeEventListener('message', onMessage);
              resolve(data.result);
            }
          });
          ws.send(JSON.stringify({ type: 'call', id, method, input }));
        });
      return [await call(1, 'ping', { message: 'over' }), await call(2, 'ping', { message: '' }), await call(3, 'ping', { message: 'x', extra: 1 }), await call(4, 'noSuchMethod', {})];
    });
    expect(results[0]).toMatchObject({ ok: true, value: { message: 'over' } });
    expect(results[1]).toMatchObject({ ok: false, error: { kind: 'validation', retryable: false, issues: [{ path: 'message', message: 'say something' }] } });
    expect(results[2]).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(results[3]).toMatchObject({ ok: false, error: { kind: 'validation', message: expect.stringContaining('Unknown bridge method') } });
  });

  test('validation errors from the Connections form are shown in plain words', async ({ app }) => {
    await app.keyboard.press('Alt+2');
    await expect(app.getByRole('heading', { name: 'Connections' })).toBeVisible();
    const url = app.getByLabel('Server address').first();
    await url.fill('ftp://example.com/imago');
    await app.getByRole('button', { name: 'Save address' }).first().click();
    const error = app.getByTestId('imago-error');
    await expect(error).toHaveAttribute('data-kind', 'validation');
    await expect(error).toContainText('must start with http:// or https://');
  });

  test('the bridge refuses a connection without the token', async ({ app }) => {
    const outcome = await app.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/bridge`);
          ws.onopen = () => resolve('opened');
          ws.onclose = () => resolve('refused');
        }),
    );
    expect(outcome).toBe('refused');
  });

  test('a page from another origin cannot use the bridge, even with the token', async ({ page, corelog }) => {
    let other: Server | null = null;
    try {
      other = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
      await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(
        ({ port, token }) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`);
            ws.onopen = () => resolve('opened');
            ws.onclose = () => resolve('refused');
          }),
        { port: corelog.server.port, token: corelog.server.token },
      );
      expect(outcome).toBe('refused');
    } finally {
      await new Promise((resolve) => other?.close(resolve));
    }
  });

  test('serves the page with a strict Content-Security-Policy', async ({ page, corelog }) => {
    const response = await page.goto(corelog.server.url);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response?.headers()['x-frame-options']).toBe('DENY');
  });
});
