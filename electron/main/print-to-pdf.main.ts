/**
 * The desktop app's half of "Save as PDF" for the printable reports (hole report, watch and
 * sequence reports): Electron prints the main window's page with its print CSS
 * (`webContents.printToPDF`, the same layout the browser's Print gives) and the native save dialog
 * says where. Writing the file is the service's (services/reports/report-pdf.ts).
 */
import type { BrowserWindow, Dialog, SaveDialogOptions } from 'electron';
import { join } from 'node:path';
import { CorelogError } from '../../common/errors';
import type { PdfPageOptions, ReportPdfHost } from '../services/reports/report-pdf';
import { isAppUrl } from './app-protocol.main';

export interface ReportPdfHostOptions {
  /** The window whose page is printed (the main window; null while there is none). */
  window: () => BrowserWindow | null;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  /** Where the save dialog opens (Documents). */
  documentsDir: string;
}

/** Electron's print settings for the report: the page's own backgrounds (colour columns), default margins, no browser header or footer. */
export function printSettings({ pageSize, landscape }: PdfPageOptions): Electron.PrintToPDFOptions {
  return { pageSize, landscape, printBackground: true, displayHeaderFooter: false, margins: { marginType: 'default' }, generateDocumentOutline: false };
}

export function createReportPdfHost({ window, dialog, documentsDir }: ReportPdfHostOptions): ReportPdfHost {
  const openWindow = (): BrowserWindow => {
    const current = window();
    if (!current || current.isDestroyed()) throw new CorelogError('unavailable', 'There is no Corelog window to print.', { retryable: false });
    return current;
  };
  return {
    async chooseSavePath(fileName, title = 'Save the report as PDF') {
      const options: SaveDialogOptions = {
        title,
        defaultPath: join(documentsDir, fileName),
        filters: [{ name: 'PDF document', extensions: ['pdf'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const current = window();
      const choice = current && !current.isDestroyed() ? await dialog.showSaveDialog(current, options) : await dialog.showSaveDialog(options);
      return choice.canceled || !choice.filePath ? null : choice.filePath;
    },
    async printPageToPdf(options) {
      const contents = openWindow().webContents;
      // Only Corelog's own page is ever printed to a file: never a page the window was somehow sent to.
      if (!isAppUrl(contents.getURL())) throw new CorelogError('forbidden', 'Only Corelog’s own pages can be saved as PDF.', { retryable: false });
      return contents.printToPDF(printSettings(options));
    },
  };
}
