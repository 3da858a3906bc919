/**
 * The hole report's Save as PDF in the desktop app: the bridge method through the real IPC
 * transport and services, Electron's printToPDF and save dialog from the electron mock, the file
 * written on the real disk.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { createElectronMock, ipcEvent } from './electron-mock';
import { PDF_BYTES, reportPdfServices } from './report-pdf-services';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { createReportPdfHost, printSettings } = await import('../../electron/main/print-to-pdf.main');
const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');


interface FakePage {
  url: string;
  printed: Electron.PrintToPDFOptions[];
  answer: Buffer;
}

function fakeWindow(page: FakePage) {
  return {
    isDestroyed: () => false,
    webContents: {
      getURL: () => page.url,
      printToPDF: async (options: Electron.PrintToPDFOptions) => {
        page.printed.push(options);
        return page.answer;
      },
    },
  };
}

let dir: string;
let services: AppServices;
let page: FakePage;
let dialogAnswer: { canceled: boolean; filePath?: string };
let dialogCalls: { window: unknown; options: Electron.SaveDialogOptions }[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-pdf-'));
  page = { url: 'app://corelog/index.html', printed: [], answer: PDF_BYTES };
  dialogCalls = [];
  dialogAnswer = { canceled: false, filePath: join(dir, 'chosen.pdf') };
  const window = fakeWindow(page);
  const dialog = {
    showSaveDialog: async (...args: unknown[]) => {
      const [first, second] = args;
      dialogCalls.push(second === undefined ? { window: null, options: first as Electron.SaveDialogOptions } : { window: first, options: second as Electron.SaveDialogOptions });
      return dialogAnswer;
    },
  };
  services = reportPdfServices(dir, createReportPdfHost({ window: () => window as never, dialog: dialog as never, documentsDir: join(dir, 'Documents') }));
  electron.handlers.clear();
  registerBridgeIpc(electron.mock.ipcMain as never, services, () => []);
});
afterEach(async () => {
  await services.dispose();
  await rm(dir, { recursive: true, force: true });
});

const save = (input: unknown, url = 'app://corelog/index.html') => electron.handlers.get('corelog:call:saveHoleReportPdf')!(ipcEvent(url), input) as Promise<{ ok: boolean; value?: { path: string; bytes: number }; error?: { kind: string; message: string } }>;

describe('saving the hole report as PDF (desktop app)', () => {
  it('asks where in Documents, prints the page with backgrounds on A4, and writes the PDF there', async () => {
    const reply = await save({ fileName: 'FF-DD-0012 hole report 2026-11-26.pdf' });
    expect(reply).toEqual({ ok: true, value: { path: join(dir, 'chosen.pdf'), bytes: PDF_BYTES.length } });
    expect(await readFile(join(dir, 'chosen.pdf'))).toEqual(PDF_BYTES);
    expect(dialogCalls).toHaveLength(1);
    expect(dialogCalls[0]!.window).not.toBeNull();
    expect(dialogCalls[0]!.options).toMatchObject({ defaultPath: join(dir, 'Documents', 'FF-DD-0012 hole report 2026-11-26.pdf'), filters: [{ extensions: ['pdf'] }] });
    expect(page.printed).toEqual([printSettings({ pageSize: 'A4', landscape: false })]);
    expect(page.printed[0]).toMatchObject({ pageSize: 'A4', landscape: false, printBackground: true, displayHeaderFooter: false });
    // Nothing but the report is left in the folder (no temp file).
    expect((await readdir(dir)).filter((name) => name.includes('.part'))).toEqual([]);
  });

  it('adds .pdf to a name typed without it, and passes Letter and landscape through', async () => {
    dialogAnswer = { canceled: false, filePath: join(dir, 'my report') };
    const reply = await save({ fileName: 'FF-DD-0012', pageSize: 'Letter', landscape: true });
    expect(reply).toMatchObject({ ok: true, value: { path: join(dir, 'my report.pdf') } });
    expect(await readFile(join(dir, 'my report.pdf'))).toEqual(PDF_BYTES);
    expect(dialogCalls[0]!.options.defaultPath).toBe(join(dir, 'Documents', 'FF-DD-0012.pdf'));
    expect(page.printed[0]).toMatchObject({ pageSize: 'Letter', landscape: true });
  });

  it('refuses a file name with a folder part, a control character, or unknown fields, before printing or asking', async () => {
    for (const input of [{ fileName: '../../etc/passwd' }, { fileName: 'C:\\report.pdf' }, { fileName: 'a\u0007b.pdf' }, { fileName: '  ' }, { fileName: '..' }, { fileName: 'ok.pdf', path: '/tmp/x.pdf' }, { fileName: 'ok.pdf', pageSize: 'A0' }, undefined]) {
      const reply = await save(input);
      expect(reply, JSON.stringify(input)).toMatchObject({ ok: false, error: { kind: 'validation' } });
    }
    expect(dialogCalls).toHaveLength(0);
    expect(page.printed).toHaveLength(0);
  });

  it('a cancelled dialog prints nothing and writes nothing', async () => {
    dialogAnswer = { canceled: true };
    expect(await save({ fileName: 'report.pdf' })).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(page.printed).toHaveLength(0);
    expect(await readdir(dir)).not.toContain('chosen.pdf');
  });

  it('never prints a page that is not Corelog’s own, nor saves what is not a PDF', async () => {
    page.url = 'https://elsewhere.example/';
    expect(await save({ fileName: 'report.pdf' })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    page.url = 'app://corelog/index.html';
    page.answer = Buffer.from('<html>not a pdf</html>');
    expect(await save({ fileName: 'report.pdf' })).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(await readdir(dir)).not.toContain('chosen.pdf');
  });

  it('refuses a call from a frame that is not Corelog’s page', async () => {
    expect(await save({ fileName: 'report.pdf' }, 'https://evil.example/')).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(dialogCalls).toHaveLength(0);
  });

  it('in browser mode (no Electron host) answers unavailable: the page prints itself there', async () => {
    const browser = createAppServices({ dataDir: join(dir, 'browser'), appVersion: '9.9.9', transport: 'browser', env: {} });
    try {
      await expect(browser.handlers.saveHoleReportPdf({ fileName: 'report.pdf', pageSize: 'A4', landscape: false })).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await browser.dispose();
    }
  });
});
