/**
 * Which profile this page works in: the sample systems or the user's own. The main process decides
 * (getProfile); the page keeps a copy in localStorage so that it is known synchronously at start,
 * before any IndexedDB database opens: Dexie opens by name, and each profile's databases have their
 * own names (`corelog-eventlog` / `corelog-eventlog-sample`), so the two never mix. Switching
 * profile reloads the page.
 */
import { useSyncExternalStore } from 'react';
import type { ProfileInfo, ProfileName } from '../../../common/bridge/connection-contract';

const PROFILE_KEY = 'corelog.profile';

/** The profile this page was loaded for (the user's own systems unless told otherwise). */
export function currentProfile(): ProfileName {
  return localStorage.getItem(PROFILE_KEY) === 'sample' ? 'sample' : 'real';
}

/** The IndexedDB name of `base` in this page's profile: the real profile keeps the names it always had. */
export function profileDbName(base: string): string {
  return currentProfile() === 'sample' ? `${base}-sample` : base;
}

/**
 * localStorage keys that belong to one profile's systems (the Dougal project, the roles seen per
 * user). Everything else there is this computer's (time zone, theme, dismissed warnings).
 */
const PROFILE_SCOPED: readonly RegExp[] = [/^corelog\.eventLog\.project$/, /^corelog\.eventLog\.role\./];
const stashKey = (profile: ProfileName) => `corelog.profileStash.${profile}`;

/**
 * Makes `next` this page's profile: the current profile's own keys are put aside and `next`'s
 * brought back. The caller reloads the page afterwards.
 */
export function adoptProfile(next: ProfileName): void {
  const from = currentProfile();
  if (from === next) return;
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key && PROFILE_SCOPED.some((rule) => rule.test(key))) keys.push(key);
  }
  const stash: Record<string, string> = {};
  for (const key of keys) {
    stash[key] = localStorage.getItem(key) ?? '';
    localStorage.removeItem(key);
  }
  localStorage.setItem(stashKey(from), JSON.stringify(stash));
  let restore: Record<string, unknown> = {};
  try {
    restore = JSON.parse(localStorage.getItem(stashKey(next)) ?? '{}') as Record<string, unknown>;
  } catch {
    // A damaged stash only costs choosing the project again.
  }
  for (const [key, value] of Object.entries(restore)) if (typeof value === 'string' && PROFILE_SCOPED.some((rule) => rule.test(key))) localStorage.setItem(key, value);
  localStorage.removeItem(stashKey(next));
  localStorage.setItem(PROFILE_KEY, next);
}

// ---- what main said, for the screens (set by the ProfileGate) ----------------------------------

let info: ProfileInfo | null = null;
let switchingTo: ProfileName | null = null;
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of [...listeners]) listener();
};
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

export function setProfileInfo(next: ProfileInfo): void {
  info = next;
  notify();
}

/** The profile as main last described it (null before the gate has asked). */
export function useProfileInfo(): ProfileInfo | null {
  return useSyncExternalStore(subscribe, () => info);
}

/** While set, the gate has taken the screens (and their sync engines) down for a switch. */
export function setSwitchingTo(profile: ProfileName | null): void {
  switchingTo = profile;
  notify();
}

export function useSwitchingTo(): ProfileName | null {
  return useSyncExternalStore(subscribe, () => switchingTo);
}
