/**
 * Reply text decoded as the server declared it. A server behind an older proxy or on Windows may
 * answer `charset=iso-8859-1` or `windows-1252`; read as UTF-8, "altéré" becomes "alt�r�", and
 * Corelog would later write that damage back as if the user had typed it. UTF-8 stays the default
 * (JSON's own, RFC 8259), and a charset this runtime cannot decode falls back to it.
 */
import { TextDecoder } from 'node:util';

const UTF8 = new TextDecoder('utf-8');
const decoders = new Map<string, TextDecoder>();

/** The `charset` parameter of a Content-Type, lower-cased, or null. */
export function charsetOf(contentType: string | null): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase() ?? null;
}

export function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const charset = charsetOf(contentType);
  if (!charset || charset === 'utf-8' || charset === 'utf8') return UTF8.decode(bytes);
  let decoder = decoders.get(charset);
  if (!decoder) {
    try {
      decoder = new TextDecoder(charset);
    } catch {
      return UTF8.decode(bytes); // a label nobody knows: UTF-8 is the best guess for JSON
    }
    decoders.set(charset, decoder);
  }
  return decoder.decode(bytes);
}
