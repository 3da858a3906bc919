/**
 * The name main offers when a report is saved as PDF, whatever the window asked for: through the
 * real bridge module, with a host that records what the save dialog was given.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { holeReportPdfSchema } from '../../../common/bridge/photo-contract';
import { offeredFileName, saveReportPdf, type ReportPdfHost } from '../../../electron/services/reports/report-pdf';
import { removeTestFolder } from '../../support/temp-folder';

const folders: string[] = [];
afterAll(async () => Promise.all(folders.map((f) => removeTestFolder(f))));

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Parameters<typeof saveReportPdf>[1];

async function offered(fileName: string): Promise<{ offered: string; saved: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'corelog-pdf-name-'));
  folders.push(dir);
  let asked = '';
  const host: ReportPdfHost = {
    printPageToPdf: async () => new TextEncoder().encode('%PDF-1.7\n%%EOF\n'),
    chooseSavePath: async (name) => {
      asked = name;
      return join(dir, name);
    },
  };
  // What the bridge lets through first, then the module, as a call from the window goes.
  const request = holeReportPdfSchema.parse({ fileName });
  const result = await saveReportPdf(host, silentLog, 'hole', request);
  expect(await readFile(result.path, 'latin1')).toMatch(/^%PDF-/);
  return { offered: asked, saved: result.path };
}

describe('the name a report PDF is offered under', () => {
  it('keeps an ordinary name', async () => {
    expect((await offered('FF-DD-0012 hole report 2026-11-27.pdf')).offered).toBe('FF-DD-0012 hole report 2026-11-27.pdf');
    expect(offeredFileName('Sequence 19 report eq24301')).toBe('Sequence 19 report eq24301.pdf');
  });

  it('never offers a right-to-left override, a zero-width or other format character, which the bridge lets through', async () => {
    const { offered: name } = await offered('evil\u202Efdp.exe.pdf');
    expect(name).toBe('evil-fdp.exe.pdf');
    expect(name).not.toMatch(/\p{Cf}/u);
    expect((await offered('DH\u200B-01 \u2066x\u2069 hole report.pdf')).offered).toBe('DH--01 -x- hole report.pdf');
  });

  it('offers "report.pdf" for a name that is nothing but format characters, and cuts a long one at a whole character', async () => {
    expect((await offered('\u202E\u200B.pdf')).offered).toBe('--.pdf');
    expect(offeredFileName('\u202E')).toBe('-.pdf');
    expect(offeredFileName('...')).toBe('report.pdf');
    const long = offeredFileName(`${'😀'.repeat(250)}x.pdf`);
    expect([...long.replace(/\.pdf$/, '')]).toHaveLength(200);
    expect(long).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
