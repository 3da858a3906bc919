/**
 * A photo stored in the photo store survives a power cut once its intake is acknowledged: the
 * bytes are flushed before the rename (as before), and now the rename itself is flushed too — the
 * folder holding the new name is opened and fsync'd after it (and the store's folder, when the
 * shard folder is new). Likewise the originals ledger's journal, when an append makes it anew.
 * Watched with strace on a real child process, as a power cut cannot be
 * made here; skipped, saying why, where strace is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'corelog-store-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function straceMissing(): string | null {
  try {
    execFileSync('strace', ['-V'], { stdio: 'pipe' });
  } catch {
    return 'strace is not installed';
  }
  try {
    execFileSync('strace', ['-qq', '-o', '/dev/null', 'true'], { stdio: 'pipe' });
    return null;
  } catch {
    return 'strace may not trace processes here (ptrace is not allowed)';
  }
}
const whyNot = straceMissing();

/** The system calls of one child process running `script` on `target`, and what it printed. */
function tracePut(target: string, script = 'photo-store-put-child.ts'): { calls: string[]; stored: string } {
  const traceFile = join(dir, `trace-${script}`);
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat,rename,renameat,renameat2,fsync,fdatasync', '-o', traceFile, process.execPath, '--import', 'tsx', join(here, script), target], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the child failed: ${run.stderr}`);
  return { calls: readFileSync(traceFile, 'utf8').split('\n'), stored: run.stdout.trim() };
}

/** Whether, after the call at `from`, `folder` is opened and the descriptor it got is fsync'd. */
function folderSyncedAfter(calls: string[], from: number, folder: string): boolean {
  for (let i = from + 1; i < calls.length; i++) {
    const opened = new RegExp(`openat\\(AT_FDCWD, "${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", [^)]*\\) = (\\d+)`).exec(calls[i]!);
    if (!opened) continue;
    const fd = opened[1];
    return calls.slice(i + 1).some((call) => new RegExp(`\\b(fsync|fdatasync)\\(${fd}\\)`).test(call));
  }
  return false;
}

describe.skipIf(whyNot !== null)(`the photo store's rename is flushed${whyNot ? ` (skipped: ${whyNot})` : ''}`, () => {
  it('the new name’s folder (and the store’s folder for a new shard) is fsync’d after the rename', () => {
    const root = join(dir, 'photos');
    const { calls, stored } = tracePut(root);
    const renamed = calls.findIndex((call) => /rename/.test(call) && call.includes(`"${stored}"`) && / = 0$/.test(call));
    expect(renamed, 'the rename into place').toBeGreaterThan(-1);
    expect(folderSyncedAfter(calls, renamed, dirname(stored)), 'the shard folder flushed after the rename').toBe(true);
    expect(folderSyncedAfter(calls, renamed, root), 'the store folder flushed for the new shard').toBe(true);
  });

  it('a journal the ledger makes by appending is flushed with its folder', () => {
    const dataDir = join(dir, 'ledger');
    const { calls } = tracePut(dataDir, 'ledger-append-child.ts');
    const created = calls.findIndex((call) => call.includes(`"${join(dataDir, 'originals.journal')}"`) && /O_CREAT/.test(call));
    expect(created, 'the journal made').toBeGreaterThan(-1);
    expect(folderSyncedAfter(calls, created, dataDir), 'the folder flushed after the journal was made').toBe(true);
  });
});
