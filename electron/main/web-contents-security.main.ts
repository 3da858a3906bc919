/**
 * Hardening applied to every window: the renderer may only ever show our own pages. Navigation
 * elsewhere is stopped, new windows are refused (http/https links open in the system browser
 * instead, and nothing else is opened), and every permission request (camera, geolocation,
 * notifications from the page…) is denied — full screen for our own page aside: the main process
 * does those things itself.
 */
import type { Session, Shell, WebContents } from 'electron';
import { isAppUrl } from './app-protocol.main';

export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  // will-navigate covers only the main frame; a frame inside the page must not leave the app either.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Every permission is refused except `fullscreen` asked for by our own page (the photo viewer's F
 * key): it reaches nothing outside the window, and refusing it would leave the viewer stuck in
 * its fill-the-window fallback in the desktop app.
 */
export function denyAllPermissions(session: Session): void {
  const allowed = (permission: string, url: string | undefined) => permission === 'fullscreen' && url !== undefined && isAppUrl(url);
  session.setPermissionRequestHandler((contents, permission, callback, details) => callback(allowed(permission, details?.requestingUrl ?? contents?.getURL())));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => allowed(permission, requestingOrigin));
}
