/**
 * Two Corelog service processes on one data folder (browser mode beside the app, or two browser-mode
 * copies): real child processes, each with the stores opened at its start, take turns changing
 * things. Nothing either acknowledged may be lost: a login saved by one survives the other saving
 * its own, a setting changed by one survives the other changing another, and an intake one records
 * survives the other compacting the originals ledger. (Each used to write what it had read at
 * start, dropping the other's changes; the ledger's compaction emptied the other's journal.)
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';
import { AppSettingsFile } from '../../../electron/services/settings/app-settings-file';
import { OriginalsLedger } from '../../../electron/services/settings/originals-ledger';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'corelog-two-'))));
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface ServiceProcess {
  send(line: string): Promise<string>;
}

async function startProcess(): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'state-process-child.ts'), dir], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Interface = createInterface({ input: child.stdout });
  const answers: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : answers.push(line)));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      if (answers.length > 0) return resolve(answers.shift()!);
      waiting.push(resolve);
      child.once('exit', () => reject(new Error(`the service process ended: ${stderr}`)));
    });
  expect(await next()).toBe('ready');
  return {
    async send(line) {
      child.stdin.write(`${line}\n`);
      return next();
    },
  };
}

const sha = (c: string) => c.repeat(64);

describe('two service processes on one data folder', () => {
  it('keep each other’s logins, settings and ledger records', async () => {
    const [a, b] = await Promise.all([startProcess(), startProcess()]);
    expect(await a.send('vault-save imago core-a pw-a')).toBe('ok vault-save imago core-a pw-a');
    expect(await b.send('vault-save dougal nav-b pw-b')).toBe('ok vault-save dougal nav-b pw-b');
    expect(await a.send('settings {"theme":"night"}')).toMatch(/^ok/);
    expect(await b.send('settings {"depthDecimals":3}')).toMatch(/^ok/);
    expect(await a.send(`taken-in ${sha('a')}`)).toMatch(/^ok/);
    expect(await b.send(`confirmed ${sha('b')} img-b`)).toMatch(/^ok/);
    expect(await b.send('compact')).toMatch(/^ok/);
    expect(await a.send(`taken-in ${sha('c')}`)).toMatch(/^ok/);
    expect(await a.send('compact')).toMatch(/^ok/);
    expect(await b.send(`taken-in ${sha('d')}`)).toMatch(/^ok/);

    const vault = new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
    expect(vault.load('imago')).toEqual({ username: 'core-a', password: 'pw-a' });
    expect(vault.load('dougal')).toEqual({ username: 'nav-b', password: 'pw-b' });
    expect(new AppSettingsFile(join(dir, 'app-settings.json')).current).toMatchObject({ theme: 'night', depthDecimals: 3 });
    const ledger = new OriginalsLedger(dir);
    for (const c of ['a', 'c', 'd']) expect(ledger.get(sha(c))?.takenInAt, `intake ${c}`).not.toBeNull();
    expect(ledger.get(sha('b'))).toMatchObject({ imageId: 'img-b' });
    expect((await readdir(dir)).filter((name) => name.includes('folding'))).toEqual([]);
  }, 60_000);
});
