/**
 * Serves the built renderer from `app://corelog/…` instead of `file://`, so the page has a real
 * origin (IPC sender checks, CSP 'self', no access to the rest of the disk) and every response
 * carries the Content-Security-Policy header.
 */
import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { rendererContentSecurityPolicy } from '../browser-mode/content-security-policy';

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

/** Answers one `app://` request from the renderer folder; anything outside it is a 404. */
export async function respondFromRenderer(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
  const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html';
  if (relative.split(sep).includes('..')) return new Response('Forbidden', { status: 403 });
  try {
    const body = await readFile(join(rendererDir, relative));
    const type = TYPES[extname(relative)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' };
    if (type.startsWith('text/html')) headers['content-security-policy'] = rendererContentSecurityPolicy();
    return new Response(body, { status: 200, headers });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => respondFromRenderer(rendererDir, request.url));
}
