/**
 * Dougal's connection status for the event log, outside React (the sync engine needs it too):
 * reachability, session and role, pushed by main. The role is remembered per user, so a guest
 * who opens the app offline (no session yet) still gets no write controls.
 */
import { useSyncExternalStore } from 'react';
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import { onSystemStatus, systemStatus } from '../sync/system-status';

const roleKey = (user: string) => `corelog.eventLog.role.${user}`;

let rememberedFrom: ConnectionStatus | null = null;

function rememberRole(status: ConnectionStatus | null): void {
  if (status === rememberedFrom) return;
  rememberedFrom = status;
  if (status?.user && status.role) localStorage.setItem(roleKey(status.user), status.role);
}

export function dougalStatus(): ConnectionStatus | null {
  const status = systemStatus('dougal');
  rememberRole(status);
  return status;
}

export function onDougalStatus(listener: () => void): () => void {
  return onSystemStatus('dougal', () => {
    rememberRole(systemStatus('dougal'));
    listener();
  });
}

/** The Dougal role now, or the last one this user had. Null: not known (never signed in here). */
export function dougalRole(status: ConnectionStatus | null = dougalStatus()): string | null {
  if (!status) return null;
  return status.role ?? (status.user ? localStorage.getItem(roleKey(status.user)) : null);
}

/** Guests may only read (reference §4.2): no write controls at all, online or not. */
export function mayWrite(status: ConnectionStatus | null = dougalStatus()): boolean {
  return status !== null && dougalRole(status) !== 'guest';
}

export function useDougalStatus(): ConnectionStatus | null {
  return useSyncExternalStore(onDougalStatus, dougalStatus);
}
