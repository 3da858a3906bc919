/**
 * The watch and sequence reports' Save as PDF in the desktop app: `saveLogReportPdf` through the
 * real IPC transport and services, Electron's printToPDF and save dialog from the electron mock,
 * the file written on the real disk. Same rules as the hole report's (print-to-pdf.test.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import { createElectronMock, ipcEvent } from './electron-mock';
import { PDF_BYTES, reportPdfServices } from './report-pdf-services';

const electron = createElectronMock();
vi.mock('electron', () => electron.mock);

const { createReportPdfHost } = await import('../../electron/main/print-to-pdf.main');
const { registerBridgeIpc } = await import('../../electron/main/bridge-ipc.main');


let dir: string;
let services: AppServices;
let printed: Electron.PrintToPDFOptions[];
let dialogCalls: Electron.SaveDialogOptions[];
let dialogAnswer: { canceled: boolean; filePath?: string };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-log-pdf-'));
  printed = [];
  dialogCalls = [];
  dialogAnswer = { canceled: false, filePath: join(dir, 'watch.pdf') };
  const window = {
    isDestroyed: () => false,
    webContents: {
      getURL: () => 'app://corelog/index.html',
      printToPDF: async (options: Electron.PrintToPDFOptions) => {
        printed.push(options);
        return PDF_BYTES;
      },
    },
  };
  const dialog = {
    showSaveDialog: async (_window: unknown, options: Electron.SaveDialogOptions) => {
      dialogCalls.push(options);
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

const save = (input: unknown) => electron.handlers.get('corelog:call:saveLogReportPdf')!(ipcEvent('app://corelog/index.html'), input) as Promise<{ ok: boolean; value?: { path: string; bytes: number }; error?: { kind: string } }>;

describe('saving the watch and sequence reports as PDF (desktop app)', () => {
  it('asks where with a dialog naming the report, prints the page and writes the PDF', async () => {
    const reply = await save({ fileName: 'Watch report eq24301 2024-06-07 0443-0729 UTC.pdf', report: 'watch' });
    expect(reply).toEqual({ ok: true, value: { path: join(dir, 'watch.pdf'), bytes: PDF_BYTES.length } });
    expect(await readFile(join(dir, 'watch.pdf'))).toEqual(PDF_BYTES);
    expect(dialogCalls[0]).toMatchObject({ title: 'Save the watch report as PDF', defaultPath: join(dir, 'Documents', 'Watch report eq24301 2024-06-07 0443-0729 UTC.pdf') });
    expect(printed[0]).toMatchObject({ pageSize: 'A4', landscape: false, printBackground: true });

    dialogAnswer = { canceled: false, filePath: join(dir, 'seq 19') };
    expect(await save({ fileName: 'Sequence 19 report eq24301', report: 'sequence' })).toMatchObject({ ok: true, value: { path: join(dir, 'seq 19.pdf') } });
    expect(dialogCalls[1]!.title).toBe('Save the sequence report as PDF');
  });

  it('refuses an unknown report, a folder in the name or unknown fields before asking or printing; a cancel writes nothing', async () => {
    for (const input of [{ fileName: 'a.pdf', report: 'hole' }, { fileName: 'a.pdf' }, { fileName: '../x.pdf', report: 'watch' }, { fileName: 'a.pdf', report: 'watch', path: '/tmp/a.pdf' }]) {
      expect(await save(input), JSON.stringify(input)).toMatchObject({ ok: false, error: { kind: 'validation' } });
    }
    expect(dialogCalls).toHaveLength(0);
    dialogAnswer = { canceled: true };
    expect(await save({ fileName: 'a.pdf', report: 'sequence' })).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(printed).toHaveLength(0);
  });

  it('in browser mode answers unavailable: the page prints itself there', async () => {
    const browser = createAppServices({ dataDir: join(dir, 'browser'), appVersion: '9.9.9', transport: 'browser', env: {} });
    try {
      await expect(browser.handlers.saveLogReportPdf({ fileName: 'a.pdf', report: 'watch', pageSize: 'A4', landscape: false })).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      await browser.dispose();
    }
  });
});
