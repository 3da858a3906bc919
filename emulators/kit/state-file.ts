/**
 * Persists an emulator's state as one JSON file when `--data DIR` is given, written atomically
 * (temp file + rename) so a killed emulator never leaves half a file behind.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class JsonStateFile<T> {
  private timer: NodeJS.Timeout | null = null;
  private pending: T | null = null;

  constructor(private readonly filePath: string | null) {}

  /** The saved state, or null when there is none (first start, or in-memory mode). */
  load(): T | null {
    if (!this.filePath) return null;
    try {
      return JSON.parse(readFileSync(this.filePath, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`emulator state file ${this.filePath} is unreadable: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Saves soon (coalescing bursts of writes); `flush()` forces it. */
  save(state: T): void {
    if (!this.filePath) return;
    this.pending = state;
    this.timer ??= setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.filePath || this.pending === null) return;
    mkdirSync(dirname(this.filePath), { recursive: true });
    const tmp = `${this.filePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.pending));
    renameSync(tmp, this.filePath);
    this.pending = null;
  }
}
