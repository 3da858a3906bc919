/**
 * Serves the built renderer from `app://corelog/…` instead of `file://`, so the page has a real
 * origin (IPC sender checks, CSP 'self', no access to the rest of the disk). Every answer carries
 * the same security headers as browser mode's (nosniff, same-origin only, never framed) and a
 * Content-Security-Policy: the renderer's for pages, a sandboxing one for anything but scripts.
 */
import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { EVERY_RESPONSE, INERT_CONTENT_POLICY, rendererContentSecurityPolicy } from '../browser-mode/content-security-policy';

export const APP_SCHEME = 'app';
export const APP_HOST = 'corelog';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True for URLs of our own pages. Compares scheme and host rather than `URL.origin`: Node's URL
 * follows WHATWG, where a non-special scheme such as app: has an opaque origin ("null"), so an
 * origin comparison would refuse our own pages (or, compared against "null", accept others).
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Must run before `app.whenReady()`. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}


function plainAnswer(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...EVERY_RESPONSE, 'content-security-policy': INERT_CONTENT_POLICY, 'content-type': 'text/plain; charset=utf-8' } });
}

/** The path below the renderer folder a request names, or null when it names none (a bad % sequence, a NUL byte). */
function relativePathOf(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null; // "%E0%A4%A" or a lone "%": no file has that name
  }
  if (decoded.includes('\0')) return null;
  return normalize(decoded).replace(/^([/\\])+/, '') || 'index.html';
}

/**
 * Answers one `app://` request from the renderer folder; anything outside it, or any path that
 * names no file, is a 404. It never throws: a handler that throws gives the page a network error.
 */
export async function respondFromRenderer(rendererDir: string, requestUrl: string): Promise<Response> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return plainAnswer(404, 'Not found');
  }
  if (url.host !== APP_HOST) return plainAnswer(404, 'Not found');
  const relative = relativePathOf(url.pathname);
  if (relative === null) return plainAnswer(404, 'Not found');
  if (relative.split(sep).includes('..')) return plainAnswer(403, 'Forbidden');
  let body: Buffer;
  try {
    body = await readFile(join(rendererDir, relative));
  } catch {
    return plainAnswer(404, 'Not found');
  }
  const type = TYPES[extname(relative)] ?? 'application/octet-stream';
  const headers: Record<string, string> = { ...EVERY_RESPONSE, 'content-type': type };
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = rendererContentSecurityPolicy();
    headers['cross-origin-opener-policy'] = 'same-origin';
  } else if (!type.startsWith('text/javascript')) {
    // Scripts keep none: a worker's script would take it as the worker's own policy. An SVG or a map opened on its own runs nothing.
    headers['content-security-policy'] = INERT_CONTENT_POLICY;
  }
  return new Response(new Uint8Array(body), { status: 200, headers });
}

export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => respondFromRenderer(rendererDir, request.url).catch(() => plainAnswer(500, 'Could not read that file.')));
}
