/**
 * Each system's connection status outside React, for the sync engines: reachability, session and
 * whether main can sign in again by itself. Fetched once, then kept current from main's events.
 */
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import type { SystemId } from '../../../common/errors';
import { bridge } from '../bridge/bridge';

const current: Partial<Record<SystemId, ConnectionStatus>> = {};
const listeners = new Set<(system: SystemId) => void>();
let started = false;

function set(status: ConnectionStatus): void {
  current[status.system] = status;
  for (const listener of [...listeners]) listener(status.system);
}

function start(): void {
  if (started) return;
  started = true;
  bridge.on('connectionChanged', set);
  void bridge.getConnections().then((result) => {
    if (!result.ok) return;
    // An event may have arrived while the first fetch was under way: it is newer, keep it.
    for (const status of result.value.connections) if (!current[status.system]) set(status);
  });
}

export function systemStatus(system: SystemId): ConnectionStatus | null {
  start();
  return current[system] ?? null;
}

export function onSystemStatus(system: SystemId, listener: () => void): () => void {
  start();
  const filtered = (changed: SystemId) => changed === system && listener();
  listeners.add(filtered);
  return () => listeners.delete(filtered);
}

/**
 * Why nothing can be sent to the system until the user acts, or null. Signed out is not such a
 * reason while main holds a usable login: it signs in again by itself (with backoff) and the
 * engines carry on meanwhile, each request also triggering a re-login inside the client.
 */
export function needsUserToSignIn(status: ConnectionStatus | null): boolean {
  return status !== null && status.session === 'signed-out' && !status.credentialAvailable;
}

/**
 * Whether the path to the system is usable: reachable, and signed in or able to sign in. The
 * engines watch this go from false to true to end every wait at once (items backing off, a
 * queue paused for the network or for a sign-in).
 */
export function pathUsable(status: ConnectionStatus | null): boolean {
  return status !== null && status.reachability === 'reachable' && !needsUserToSignIn(status);
}

/** Keeps track of `pathUsable` and of the session, and says when either came back. */
export class RegainWatch {
  private usable = false;
  private signedIn = false;

  constructor(status: ConnectionStatus | null) {
    this.update(status);
  }

  /** True when the system just became usable, or a session just came back. */
  update(status: ConnectionStatus | null): boolean {
    const usable = pathUsable(status);
    const signedIn = status !== null && status.session !== 'signed-out';
    const regained = (usable && !this.usable) || (signedIn && !this.signedIn && usable);
    this.usable = usable;
    this.signedIn = signedIn;
    return regained;
  }
}
