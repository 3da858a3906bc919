/**
 * Saving the hole report as a PDF (issue 12 §4). The rules are shared with the event log's
 * reports and live in services/reports/report-pdf.ts; this keeps the names the rest of the code
 * (app-services, desktop-services, tests) already imports from here.
 */
export { createReportPdfModule as createHoleReportPdfModule, looksLikePdf, withPdfExtension, writePdfFile } from '../reports/report-pdf';
export type { PdfPageOptions, ReportPdfHost } from '../reports/report-pdf';
