/**
 * Saving the hole report as a PDF (issue 12 §4). The page is printed by Electron
 * (`webContents.printToPDF`, electron/main/print-to-pdf.main.ts) and the file is written here, so
 * the rules — a real PDF, the name ending in .pdf, written whole or not at all — are plain Node and
 * tested without Electron. Browser mode has no host: the page prints itself there (`window.print()`).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { CorelogError } from '../../../common/errors';
import type { ServiceContext, ServiceModule } from '../app-services';

export interface PdfPageOptions {
  pageSize: 'A4' | 'Letter';
  landscape: boolean;
}

/** What electron/main lends for printing: the window's page as PDF bytes, and the save dialog. */
export interface ReportPdfHost {
  /** Prints Corelog's own page (with its print CSS) to PDF bytes. */
  printPageToPdf(options: PdfPageOptions): Promise<Uint8Array>;
  /** Asks where to save `fileName`; null when the user cancels. */
  chooseSavePath(fileName: string): Promise<string | null>;
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

export function createHoleReportPdfModule(context: Pick<ServiceContext, 'options' | 'desktop'>, host: ReportPdfHost | undefined = context.options.desktop?.reportPdf): ServiceModule {
  const handlers: Pick<BridgeHandlers, 'saveHoleReportPdf'> = {
    async saveHoleReportPdf({ fileName, pageSize, landscape }) {
      if (!host) {
        throw new CorelogError('unavailable', 'Here the browser makes the PDF: use Print and choose “Save as PDF” as the printer.', { retryable: false });
      }
      // Where first: a cancelled dialog costs no printing.
      const chosen = await host.chooseSavePath(withPdfExtension(fileName));
      if (!chosen) throw new CorelogError('cancelled', 'The report was not saved.', { retryable: false });
      const path = withPdfExtension(chosen);
      const bytes = await host.printPageToPdf({ pageSize, landscape });
      if (!looksLikePdf(bytes)) throw new CorelogError('internal', 'Printing did not produce a PDF; the details are in the log.', { retryable: false });
      await writePdfFile(path, bytes);
      context.desktop.log.info(`hole report saved as PDF (${bytes.length.toLocaleString('en-US')} bytes)`);
      return { path, bytes: bytes.length };
    },
  };
  return { handlers };
}
