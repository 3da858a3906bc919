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
