/**
 * What the report-PDF tests (hole report, watch and sequence reports) share: a small but real PDF
 * as printToPDF hands it back, and the real services with the desktop report-PDF host, the other
 * systems unreachable.
 */
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import type { DesktopHost } from '../../electron/services/desktop/desktop-services';

/** A small but real PDF header and trailer: what printToPDF hands back, as far as the service checks. */
export const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

/** Services in `dir` whose Save as PDF goes through `reportPdf` (made with the mocked `createReportPdfHost`). */
export function reportPdfServices(dir: string, reportPdf: NonNullable<DesktopHost['reportPdf']>): AppServices {
  return createAppServices({
    dataDir: dir,
    appVersion: '9.9.9',
    transport: 'electron',
    env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' },
    desktop: { reportPdf },
  });
}
