/**
 * Makes sure only one window runs a given sync engine: two engines pushing the same outbox could
 * send an item twice. Uses the Web Locks API, which works across tabs (browser mode) and windows
 * of the same origin (Electron); the lock is released when the window closes or crashes.
 */
import { useEffect, useState } from 'react';

/** True while this window holds the lock named `name`; the other windows wait their turn. */
export function useEngineLock(name: string): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!navigator.locks) {
      // No Web Locks (very old browser): run anyway; the engines are idempotent as a second line of defence.
      setHeld(true);
      return;
    }
    const controller = new AbortController();
    let release: () => void = () => undefined;
    navigator.locks
      .request(`corelog:${name}`, { signal: controller.signal }, () => {
        setHeld(true);
        return new Promise<void>((resolve) => (release = resolve));
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      release();
      setHeld(false);
    };
  }, [name]);
  return held;
}

/** Runs `engine` while this window holds its lock; returns whether it does. */
export function useLockedEngine(name: string, engine: { start(): void; stop(): void }): boolean {
  const active = useEngineLock(name);
  useEffect(() => {
    if (!active) return;
    engine.start();
    return () => engine.stop();
  }, [active, engine]);
  return active;
}
