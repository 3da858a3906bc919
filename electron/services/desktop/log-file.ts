/**
 * The app's log: one line per entry in `<userData>/logs/corelog.log`, rotated by size
 * (corelog.log → corelog.1.log → … ) so a vessel workstation that runs for months never fills its
 * disk. Every line is redacted before it is written. Plain Node, so browser mode logs the same way.
 */
import { appendFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { ensureDataFolder } from '../user-data-dir';
import { redactText, redactValue } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, details?: unknown): void;
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

export interface RotatingLogOptions {
  /** Rotate once the current file would grow past this many bytes. */
  maxBytes?: number;
  /** How many rotated files to keep besides the current one. */
  keep?: number;
  now?: () => Date;
}

export const LOG_FILE_NAME = 'corelog.log';

export class RotatingLogFile implements Logger {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private size: number;

  constructor(
    readonly dir: string,
    options: RotatingLogOptions = {},
  ) {
    this.file = join(dir, LOG_FILE_NAME);
    this.maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
    this.keep = options.keep ?? 4;
    this.now = options.now ?? (() => new Date());
    try {
      ensureDataFolder(dir);
    } catch {
      // A folder that cannot be made (read-only disk): the app runs without its log file rather
      // than not at all; each entry is lost as in `write` below.
    }
    this.size = fileSize(this.file);
  }

  debug(message: string, details?: unknown): void {
    this.write('debug', message, details);
  }
  info(message: string, details?: unknown): void {
    this.write('info', message, details);
  }
  warn(message: string, details?: unknown): void {
    this.write('warn', message, details);
  }
  error(message: string, details?: unknown): void {
    this.write('error', message, details);
  }

  write(level: LogLevel, message: string, details?: unknown): void {
    const extra = details === undefined ? '' : ` ${describe(details)}`;
    const line = `${this.now().toISOString()} ${level.toUpperCase().padEnd(5)} ${redactText(message + extra).replace(/\r?\n/g, '\n    ')}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.file, line);
      this.size += bytes;
    } catch {
      // A full or read-only disk must not take the app down with it; the entry is lost.
    }
  }

  /** The current file and the rotated ones, newest first. */
  files(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const rotated = names
      .map((name) => ({ name, index: Number(/^corelog\.(\d+)\.log$/.exec(name)?.[1]) }))
      .filter((entry) => Number.isInteger(entry.index))
      .sort((a, b) => a.index - b.index)
      .map((entry) => join(this.dir, entry.name));
    return [...(fileSize(this.file) > 0 ? [this.file] : []), ...rotated];
  }

  private rotate(): void {
    rmSync(this.rotatedName(this.keep), { force: true });
    for (let index = this.keep - 1; index >= 1; index--) {
      try {
        renameSync(this.rotatedName(index), this.rotatedName(index + 1));
      } catch {
        // That generation does not exist yet.
      }
    }
    renameSync(this.file, this.rotatedName(1));
    this.size = 0;
  }

  private rotatedName(index: number): string {
    return join(this.dir, `corelog.${index}.log`);
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function describe(details: unknown): string {
  if (details instanceof Error) return details.stack ?? `${details.name}: ${details.message}`;
  if (typeof details === 'string') return details;
  try {
    return JSON.stringify(redactValue(details));
  } catch {
    return format('%o', details);
  }
}
