/**
 * Run in a child process by two-processes.test.ts and kill-nine-state.test.ts: one Corelog service
 * process's settings, credential and originals stores on a data folder, driven by stdin.
 *
 *   node --import tsx state-process-child.ts <dataDir> [loop <from>]
 *
 * Each stdin line is one command; its answer is one stdout line `ok <line>` once the call returned
 * (that is, acknowledged), or `error <message>`:
 *   settings <json patch> | vault-save <system> <user> <password> | taken-in <sha> | confirmed <sha> <imageId> | compact
 * With `loop <from>` it writes without end instead (settings, vault, ledger in turn, acknowledging
 * each as `S n`, `V n`, `L n`), for the kill -9 test to stop it at a random moment.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SystemId } from '../../../common/errors';
import { CredentialVault } from '../../../electron/services/credentials/credential-vault';
import { FileKeyCipher } from '../../../electron/services/credentials/file-key-cipher';
import { AppSettingsFile } from '../../../electron/services/settings/app-settings-file';
import { OriginalsLedger } from '../../../electron/services/settings/originals-ledger';

const [dir, mode, fromArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: state-process-child <dataDir> [loop <from>]');
const settings = new AppSettingsFile(join(dir, 'app-settings.json'));
const vault = new CredentialVault(join(dir, 'credentials.json'), new FileKeyCipher(join(dir, 'credential.key')));
const ledger = new OriginalsLedger(dir);

export const loopSha = (n: number) => createHash('sha256').update(`photo ${n}`).digest('hex');

if (mode === 'loop') {
  for (let n = Number(fromArg ?? 0); ; n++) {
    settings.change({ keepOriginalsDays: 1 + (n % 3000) });
    process.stdout.write(`S ${n}\n`);
    vault.save(n % 2 ? 'imago' : 'dougal', { username: `user-${n}`, password: `pw-${n}` }, true);
    process.stdout.write(`V ${n}\n`);
    ledger.takenIn(loopSha(n));
    process.stdout.write(`L ${n}\n`);
    if (n % 25 === 24) ledger.compact();
  }
} else {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, ...args] = line.split(' ');
    try {
      if (command === 'settings') settings.change(JSON.parse(args.join(' ')));
      else if (command === 'vault-save') vault.save(args[0] as SystemId, { username: args[1]!, password: args[2]! }, true);
      else if (command === 'taken-in') ledger.takenIn(args[0]!);
      else if (command === 'confirmed') ledger.confirmed(args[0]!, args[1]!);
      else if (command === 'compact') ledger.compact();
      else throw new Error(`unknown command ${command}`);
      process.stdout.write(`ok ${line}\n`);
    } catch (error) {
      process.stdout.write(`error ${(error as Error).message}\n`);
    }
  });
  process.stdout.write('ready\n');
}
