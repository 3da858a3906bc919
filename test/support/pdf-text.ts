/**
 * A PDF's text as pdf.js reads it, every page, a line end where the PDF ends a line: what the tests
 * of report PDFs check (the watch and sequence reports, the hole report, hostile text in both).
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function pdfText(bytes: Buffer | Uint8Array): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    let text = '';
    for (let n = 1; n <= document.numPages; n++) {
      const content = await (await document.getPage(n)).getTextContent();
      text += content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('') + '\n';
    }
    return text;
  } finally {
    await document.destroy();
  }
}
