/**
 * Saving a printable report as PDF: the hole report (issue 12 §4) and the event log's watch and
 * sequence reports (issue 13 §3). The page is printed by Electron (`webContents.printToPDF`,
 * electron/main/print-to-pdf.main.ts) and the file is written here, so the rules — a real PDF,
 * the name ending in .pdf, written whole or not at all — are plain Node and tested without
 * Electron. Browser mode has no host: the page prints itself there (`window.print()`).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { CorelogError } from '../../../common/errors';
import { safeFileNamePart } from '../../../common/safe-file-name';
import type { ServiceContext, ServiceModule } from '../app-services';

export interface PdfPageOptions {
  pageSize: 'A4' | 'Letter';
  landscape: boolean;
}

/** What electron/main lends for printing: the window's page as PDF bytes, and the save dialog. */
export interface ReportPdfHost {
  /** Prints Corelog's own page (with its print CSS) to PDF bytes. */
  printPageToPdf(options: PdfPageOptions): Promise<Uint8Array>;
  /** Asks where to save `fileName` (`title`: the dialog's title, naming the report); null when the user cancels. */
  chooseSavePath(fileName: string, title?: string): Promise<string | null>;
}

const PDF_MAGIC = '%PDF-';

/** True when the bytes start as a PDF does (a printer that answered anything else is a bug to report, not a file to save). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  return bytes.length > PDF_MAGIC.length && Buffer.from(bytes.subarray(0, PDF_MAGIC.length)).toString('latin1') === PDF_MAGIC;
}

/** The path with `.pdf` at the end (a save dialog lets the user type a name without it). */
export function withPdfExtension(path: string): string {
  return /\.pdf$/i.test(path) ? path : `${path}.pdf`;
}

/**
 * The name the save dialog offers. The window already builds it with safeFileNamePart, but the
 * bridge's own check lets through what a file name should never carry (a right-to-left override
 * that makes `evil<U+202E>fdp.exe.pdf` read as `evilexe.pdf…`, zero-width and other format characters),
 * so main applies the same rule again: a renderer bug or a hostile page cannot offer such a name.
 */
export function offeredFileName(fileName: string): string {
  const stem = safeFileNamePart(fileName.replace(/\.pdf$/i, ''), 200);
  return withPdfExtension(stem || 'report');
}

/** Writes the PDF whole (temp file, then rename), so a full disk never leaves half a report under the chosen name. */
export async function writePdfFile(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.part`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new CorelogError('internal', `The PDF could not be written there (${(error as NodeJS.ErrnoException).code ?? 'write failed'}); choose another folder.`, {
      retryable: false,
      cause: error,
    });
  }
}

/** The report's name as the dialog title and the log say it. */
const REPORT_NAMES = { hole: 'hole report', watch: 'watch report', sequence: 'sequence report' } as const;
export type ReportKind = keyof typeof REPORT_NAMES;

/** Asks where, prints the page, checks it is a PDF and writes it whole: one path for every report. */
export async function saveReportPdf(
  host: ReportPdfHost | undefined,
  log: ServiceContext['desktop']['log'],
  report: ReportKind,
  { fileName, pageSize, landscape }: { fileName: string } & PdfPageOptions,
): Promise<{ path: string; bytes: number }> {
  if (!host) {
    throw new CorelogError('unavailable', 'Here the browser makes the PDF: use Print and choose “Save as PDF” as the printer.', { retryable: false });
  }
  const name = REPORT_NAMES[report];
  // Where first: a cancelled dialog costs no printing.
  const chosen = await host.chooseSavePath(offeredFileName(fileName), `Save the ${name} as PDF`);
  if (!chosen) throw new CorelogError('cancelled', 'The report was not saved.', { retryable: false });
  const path = withPdfExtension(chosen);
  const bytes = await host.printPageToPdf({ pageSize, landscape });
  if (!looksLikePdf(bytes)) throw new CorelogError('internal', 'Printing did not produce a PDF; the details are in the log.', { retryable: false });
  await writePdfFile(path, bytes);
  log.info(`${name} saved as PDF (${bytes.length.toLocaleString('en-US')} bytes)`);
  return { path, bytes: bytes.length };
}

/** The bridge methods that save a report as PDF: the hole report's and the event log's. */
export function createReportPdfModule(context: Pick<ServiceContext, 'options' | 'desktop'>, host: ReportPdfHost | undefined = context.options.desktop?.reportPdf): ServiceModule {
  const handlers: Pick<BridgeHandlers, 'saveHoleReportPdf' | 'saveLogReportPdf'> = {
    saveHoleReportPdf: (request) => saveReportPdf(host, context.desktop.log, 'hole', request),
    saveLogReportPdf: ({ report, ...request }) => saveReportPdf(host, context.desktop.log, report, request),
  };
  return { handlers };
}
