/**
 * The viewer's full-screen mode. It asks for the screen through the Fullscreen API (in the desktop
 * app that makes the window full screen); where that is refused or missing, the mode still drops
 * the viewer's chrome so the photos use the whole window. Leaving full screen the browser's way
 * (Esc, F11, the system's gesture) leaves the mode too.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Chromium exits full screen on Esc itself and may still pass the key on: an Esc this soon after
 * the exit was that one, and must not also close the viewer.
 */
const ESC_AFTER_EXIT_MS = 400;

export interface FullScreen {
  on: boolean;
  toggle(): void;
  leave(): void;
  /** True just after the browser left full screen (see ESC_AFTER_EXIT_MS). */
  justLeft(): boolean;
}

export function useFullScreen(target: RefObject<HTMLElement | null>): FullScreen {
  const [on, setOn] = useState(false);
  const onRef = useRef(false);
  const leftAt = useRef(0);
  const set = (value: boolean) => {
    onRef.current = value;
    setOn(value);
  };

  useEffect(() => {
    // Taken now: by the time the cleanup runs, React has already let go of the ref.
    const element = target.current;
    const changed = () => {
      if (document.fullscreenElement === null && onRef.current) {
        leftAt.current = Date.now();
        set(false);
      }
    };
    document.addEventListener('fullscreenchange', changed);
    return () => {
      document.removeEventListener('fullscreenchange', changed);
      // Closing the viewer ends full screen. Browsers also do so when the element is removed; this does not rely on it.
      if (document.fullscreenElement && document.fullscreenElement === element) void document.exitFullscreen().catch(() => undefined);
    };
  }, []);

  const leave = useCallback(() => {
    set(false);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  }, []);

  const toggle = useCallback(() => {
    if (onRef.current) return leave();
    set(true);
    // Refused (no user gesture, a policy, an embedder without full screen): the window-filling mode stays.
    const element = target.current;
    if (element && typeof element.requestFullscreen === 'function' && !document.fullscreenElement) void element.requestFullscreen().catch(() => undefined);
  }, [leave]);

  return { on, toggle, leave, justLeft: () => Date.now() - leftAt.current < ESC_AFTER_EXIT_MS };
}
