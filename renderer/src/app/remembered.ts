/**
 * Small things this window remembers across reloads and restarts (the last screen), in
 * localStorage, per profile: the sample systems and the user's own each come back where they were
 * left. Every key goes through `rememberedKey`. The selections are remembered with their data,
 * per profile too: the photo selection in the photos database (use-photo-selection.ts), the
 * Dougal project beside the event log (event-log/current-project.ts).
 */
import type { ProfileName } from '../../../common/bridge/connection-contract';
import { currentProfile } from '../first-run/profile';

/** The localStorage key of a remembered thing in `profile` (the real profile keeps plain `corelog.` keys). */
function keyIn(profile: ProfileName, name: string): string {
  return profile === 'sample' ? `corelog.sample.${name}` : `corelog.${name}`;
}

/** The localStorage key of a remembered thing in this page's profile. */
export function rememberedKey(name: string): string {
  return keyIn(currentProfile(), name);
}

/** The remembered value, or null (never stored, or storage unavailable: a private window, a full disk). */
export function recall(name: string): string | null {
  try {
    return localStorage.getItem(rememberedKey(name));
  } catch {
    return null;
  }
}

/** Remembers a value (in `profile`, this page's by default); losing it only means starting from the default next time. */
export function remember(name: string, value: string, profile: ProfileName = currentProfile()): void {
  try {
    localStorage.setItem(keyIn(profile, name), value);
  } catch {
    // Storage full or refused: nothing the user has to act on.
  }
}

/** The remembered choice when it is still one of `allowed` (a screen may be gone in another version), else `fallback`. */
export function recallChoice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = recall(name);
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}
