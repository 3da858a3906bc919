/**
 * A real full disk for tests: a 512 KB tmpfs mounted on a fresh folder, unmounted after the file's
 * tests. Mounting needs root; elsewhere `whyNot` says why, for the tests to skip with that reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function useTinyDisk(prefix: string): { dir: string; whyNot: string | null } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let whyNot: string | null = null;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    whyNot = `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]}): run as root to test a full disk`;
  }
  afterAll(() => {
    if (!whyNot) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, whyNot };
}
