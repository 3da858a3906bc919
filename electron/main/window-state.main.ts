/**
 * Remembers the main window's size and position in `<userData>/window-state.json`. A saved
 * position is used only when the window would still be visible: laptops move between docks and
 * projectors, and a window restored onto a monitor that is gone is a window nobody can reach.
 */
import type { BrowserWindow, Rectangle } from 'electron';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../services/desktop/json-file';

export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_PLACEMENT: WindowPlacement = { width: 1280, height: 820, maximized: false };
export const WINDOW_STATE_FILE = 'window-state.json';

/** How much of the window's top strip (title bar) must lie on a display to count as reachable. */
const MIN_VISIBLE = { width: 120, height: 40 };

const savedSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean().default(false),
});

/** The placement to open with, given what was saved and the work areas of the displays now attached. */
export function restorablePlacement(saved: unknown, workAreas: Rectangle[]): WindowPlacement {
  const parsed = savedSchema.safeParse(saved);
  if (!parsed.success || workAreas.length === 0) return { ...DEFAULT_PLACEMENT };
  const { x, y, maximized } = parsed.data;
  const largest = workAreas.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const width = Math.min(parsed.data.width, largest.width);
  const height = Math.min(parsed.data.height, largest.height);
  if (x === undefined || y === undefined) return { width, height, maximized };
  const titleBar = { x, y, width, height: MIN_VISIBLE.height };
  const reachable = workAreas.some((area) => overlap(titleBar, area).width >= Math.min(MIN_VISIBLE.width, width) && overlap(titleBar, area).height >= MIN_VISIBLE.height);
  return reachable ? { x, y, width, height, maximized } : { width, height, maximized };
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

export function loadWindowPlacement(file: string, workAreas: Rectangle[]): WindowPlacement {
  return restorablePlacement(readJsonFile(file), workAreas);
}

type TrackedWindow = Pick<BrowserWindow, 'on' | 'getNormalBounds' | 'isMaximized' | 'isDestroyed'>;

/** Saves the placement after moves and resizes settle, and once more when the window closes. */
export function trackWindowPlacement(window: TrackedWindow, file: string, settleMs = 500): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    if (window.isDestroyed()) return;
    const { x, y, width, height } = window.getNormalBounds();
    writeJsonFile(file, { x, y, width, height, maximized: window.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, settleMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event as 'resize', later);
  window.on('close', save);
}
