/**
 * kill -9 of the service process while it writes its state: a real child process changes the app
 * settings, saves a login and records an intake in the originals ledger (compacting it now and
 * then) as fast as it can, and is killed at a random moment, again and again on the same folder.
 * After every kill each file must read back whole, and every change the process had acknowledged
 * (answered after its call returned) must be there.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';
import { AppSettingsFile } from '../../../electron/services/settings/app-settings-file';
import { OriginalsLedger } from '../../../electron/services/settings/originals-ledger';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const ROUNDS = 25;
const loopSha = (n: number) => createHash('sha256').update(`photo ${n}`).digest('hex');

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'corelog-kill-state-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** Runs the writer from `from` until killed after `afterMs` of writing; returns the last acknowledged number of each kind. */
async function writeUntilKilled(from: number, afterMs: number): Promise<{ S: number; V: number; L: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'state-process-child.ts'), dir, 'loop', String(from)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const acked = { S: -1, V: -1, L: [] as number[] };
  const firstAck = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, n] = line.split(' ');
      if (kind === 'S' || kind === 'V') acked[kind] = Number(n);
      if (kind === 'L') acked.L.push(Number(n));
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`the writer ended by itself (${code}): ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await firstAck;
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  child.kill('SIGKILL');
  await exited;
  return acked;
}

describe('kill -9 of the service process while it writes its state', () => {
  it(`loses nothing acknowledged and leaves every file readable (${ROUNDS} kills)`, async () => {
    const intakes: number[] = [];
    let from = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await writeUntilKilled(from, 5 + Math.floor(Math.random() * 120));
      intakes.push(...acked.L);

      const settings = new AppSettingsFile(join(dir, 'app-settings.json'));
      expect(settings.problems, `round ${round}`).toEqual([]);
      // The acknowledged value, or the next one (written, killed before it was acknowledged).
      if (acked.S >= 0) expect([1 + (acked.S % 3000), 1 + ((acked.S + 1) % 3000)], `round ${round}`).toContain(settings.current.keepOriginalsDays);
      const vault = new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
      expect(vault.problems, `round ${round}`).toEqual([]);
      if (acked.V >= 0) {
        const login = vault.load(acked.V % 2 ? 'imago' : 'dougal');
        expect([`user-${acked.V}`, `user-${acked.V + 2}`], `round ${round}`).toContain(login?.username);
        expect(login?.password).toBe(login?.username.replace('user-', 'pw-'));
      }
      const ledger = new OriginalsLedger(dir);
      expect(intakes.filter((n) => !ledger.get(loopSha(n))), `round ${round}`).toEqual([]);
      from = Math.max(acked.S, acked.V, ...acked.L) + 1;
    }
    expect(intakes.length).toBeGreaterThan(ROUNDS);
    expect((await readdir(dir)).filter((name) => name.includes('.corrupt-'))).toEqual([]);
  }, 180_000);
});
