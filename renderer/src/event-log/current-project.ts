/** The Dougal project the event log shows and pulls; remembered on this computer. */
import { useSyncExternalStore } from 'react';

const KEY = 'corelog.eventLog.project';
const listeners = new Set<() => void>();

export function currentProject(): string | null {
  return localStorage.getItem(KEY);
}

export function setCurrentProject(pid: string): void {
  if (pid === currentProject()) return;
  localStorage.setItem(KEY, pid);
  for (const listener of [...listeners]) listener();
}

export function onCurrentProject(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useCurrentProject(): string | null {
  return useSyncExternalStore(onCurrentProject, currentProject);
}
