/**
 * The app:// protocol handler, on a real renderer folder, through the handler it registers with
 * (the mocked) Electron. A path with a bad % sequence used to make the handler throw (the page got
 * a network error, not a 404), and answers lacked the headers browser mode sends: nosniff only, no
 * Cross-Origin-Resource-Policy, no framing ban, no sandbox for an SVG or JSON opened on its own.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createElectronMock } from './electron-mock';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { serveRenderer } = await import('../../electron/main/app-protocol.main');

let dir: string;
let handler: (request: { url: string }) => Promise<Response>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-app-protocol-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Corelog</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'main.js'), 'console.log(1)');
  await writeFile(join(dir, 'renderer', 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  await writeFile(join(dir, 'renderer', 'assets', 'data.json'), '{}');
  await writeFile(join(dir, 'renderer', 'assets', 'a b%.css'), 'body{}');
  serveRenderer(electron.mock.protocol as never, join(dir, 'renderer'));
  const registered = electron.mock.protocol.handle.mock.calls.at(-1) as unknown as [string, typeof handler];
  expect(registered[0]).toBe('app');
  handler = registered[1];
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const get = (url: string) => handler({ url });

function expectEveryHeader(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
}

describe('app:// paths that name no file', () => {
  for (const path of ['/%', '/%E0%A4%A', '/assets/%ZZ.js', '/%C0%AF', '/index.html%00', '/assets/%00main.js']) {
    it(`${path}: a 404 with the security headers, not a thrown error`, async () => {
      const response = await get(`app://corelog${path}`);
      expect(response.status).toBe(404);
      expectEveryHeader(response);
      expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
    });
  }

  it('a well-formed escaped name still finds its file', async () => {
    const response = await get('app://corelog/assets/a%20b%25.css');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('body{}');
  });

  it('a path out of the renderer folder or another host is refused with the same headers', async () => {
    for (const url of ['app://corelog/..%2F..%2Fetc%2Fpasswd', 'app://elsewhere/index.html']) {
      const response = await get(url);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expectEveryHeader(response);
    }
  });
});

describe('app:// answers carry the headers browser mode sends', () => {
  it('the page: the renderer policy (no framing) and same-origin opener', async () => {
    const response = await get('app://corelog/index.html');
    expect(response.status).toBe(200);
    expectEveryHeader(response);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/sandbox/);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('a script: no policy of its own (a worker would take it as its own)', async () => {
    const response = await get('app://corelog/assets/main.js');
    expect(response.status).toBe(200);
    expectEveryHeader(response);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('an SVG or JSON opened on its own runs nothing: a sandboxing policy', async () => {
    for (const path of ['/assets/logo.svg', '/assets/data.json']) {
      const response = await get(`app://corelog${path}`);
      expect(response.status).toBe(200);
      expectEveryHeader(response);
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    }
  });
});
