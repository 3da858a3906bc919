/**
 * Dougal's connection status for the event log, outside React (the sync engine needs it too):
 * reachability, session and role, pushed by main. The role is remembered per user, so a guest
 * who opens the app offline (no session yet) still gets no write controls.
 */
import { useSyncExternalStore } from 'react';
import type { ConnectionStatus } from '../../../common/bridge/connection-contract';
import { bridge } from '../bridge/bridge';

let current: ConnectionStatus | null = null;
const listeners = new Set<() => void>();
let started = false;

const roleKey = (user: string) => `corelog.eventLog.role.${user}`;

function set(status: ConnectionStatus): void {
  current = status;
  if (status.user && status.role) localStorage.setItem(roleKey(status.user), status.role);
  for (const listener of [...listeners]) listener();
}

function start(): void {
  if (started) return;
  started = true;
  bridge.on('connectionChanged', (status) => status.system === 'dougal' && set(status));
  void bridge.getConnections().then((result) => {
    const dougal = result.ok ? result.value.connections.find((c) => c.system === 'dougal') : undefined;
    if (dougal) set(dougal);
  });
}

export function dougalStatus(): ConnectionStatus | null {
  start();
  return current;
}

export function onDougalStatus(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The Dougal role now, or the last one this user had. Null: not known (never signed in here). */
export function dougalRole(status: ConnectionStatus | null = current): string | null {
  if (!status) return null;
  return status.role ?? (status.user ? localStorage.getItem(roleKey(status.user)) : null);
}

/** Guests may only read (reference §4.2): no write controls at all, online or not. */
export function mayWrite(status: ConnectionStatus | null = current): boolean {
  return status !== null && dougalRole(status) !== 'guest';
}

export function useDougalStatus(): ConnectionStatus | null {
  return useSyncExternalStore(onDougalStatus, dougalStatus);
}
