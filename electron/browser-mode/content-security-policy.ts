/**
 * The renderer's Content-Security-Policy, shared by the Electron protocol handler and browser
 * mode: only our own scripts, no eval, no plugins, no framing, network only to the bridge.
 * Styles allow inline attributes because React sets `style` props; scripts never run inline.
 */
export function rendererContentSecurityPolicy({ bridgeOrigin }: { bridgeOrigin?: string } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${bridgeOrigin ? ` ${bridgeOrigin}` : ''}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * Headers every response of ours carries (browser mode's server and the desktop app's `app://`
 * scheme alike): only our own pages may load or frame what is sent, and no browser guesses a type
 * other than the one given.
 */
export const EVERY_RESPONSE = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/** For answers that are not the renderer's own pages or scripts (errors, JSON, images): nothing in them may run. */
export const INERT_CONTENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";
