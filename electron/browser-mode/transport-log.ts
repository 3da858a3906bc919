/**
 * How browser mode logs what goes wrong on its sockets: one line per failed connection or
 * request, with enough to debug it (what failed, the close code, the peer's port) and never the
 * bridge key. A client that sends thousands of bad frames must not flood the log (and rotate the
 * useful lines away), so at most `maxPerWindow` lines are written per window; the rest are counted
 * and summed up in one line.
 */
import type { Logger } from '../services/desktop/log-file';

export interface TransportLog {
  warn(message: string): void;
  /** Writes the count of lines held back, if any. */
  flush(): void;
}

export function createTransportLog(
  log: Logger,
  options: { maxPerWindow?: number; windowMs?: number; now?: () => number; secrets?: readonly string[] } = {},
): TransportLog {
  const maxPerWindow = options.maxPerWindow ?? 50;
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 8);
  let windowStart = now();
  let written = 0;
  let heldBack = 0;

  const flush = () => {
    if (heldBack > 0) log.warn(`transport: ${heldBack} more transport error${heldBack === 1 ? '' : 's'} in the last ${Math.round(windowMs / 1000)} s not logged one by one`);
    heldBack = 0;
  };
  return {
    warn(message) {
      const at = now();
      if (at - windowStart >= windowMs) {
        flush();
        windowStart = at;
        written = 0;
      }
      if (written >= maxPerWindow) {
        heldBack++;
        return;
      }
      written++;
      log.warn(secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), message));
    },
    flush,
  };
}

/** An error's message and code in one short line (never a raw request packet, which may carry the key). */
export function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const code = (error as NodeJS.ErrnoException).code;
  return `${error.message.slice(0, 200)}${code ? ` (${code})` : ''}`;
}

/** The close code ws sent for a protocol error (1002 protocol, 1007 bad UTF-8, 1008 policy, 1009 too big). */
export function wsCloseCodeOf(error: Error): number | string {
  // ws keeps it under a private symbol; read it by its description rather than depend on ws internals' identity.
  const key = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === 'status-code');
  const code = key === undefined ? undefined : (error as unknown as Record<symbol, unknown>)[key];
  return typeof code === 'number' ? code : 'none';
}
