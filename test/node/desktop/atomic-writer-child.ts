/**
 * Run in a child process by atomic-write.test.ts: one of two processes writing the same settings
 * file at the same time.
 *
 *   node --import tsx atomic-writer-child.ts <file> <writer> <iterations> <atomic|fixed-temp>
 *
 * Prints "ready", waits for a line on stdin (so both writers start together), writes its own
 * document `iterations` times, then prints one line of JSON: how many writes it made and the
 * errors it met. `fixed-temp` is the writer Corelog had before (one shared `<file>.tmp`, no
 * flush), kept so the test shows that its checks can see a collision.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { writeJsonFile } from '../../../electron/services/desktop/json-file';
import { documentFor } from './atomic-write-documents';

const [file, writer, iterationsArg, mode] = process.argv.slice(2);
if (!file || !writer || !iterationsArg || (mode !== 'atomic' && mode !== 'fixed-temp')) throw new Error('usage: atomic-writer-child <file> <writer> <iterations> atomic|fixed-temp');
const iterations = Math.min(Number(iterationsArg), 10_000);

const fixedTempWrite = (target: string, value: unknown) => {
  const tmp = `${target}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, target);
};
const write = mode === 'atomic' ? writeJsonFile : fixedTempWrite;

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
lines.once('line', () => {
  lines.close();
  process.stdin.destroy();
  const errors: string[] = [];
  let writes = 0;
  for (let i = 0; i < iterations; i++) {
    try {
      write(file, documentFor(writer, i));
      writes++;
    } catch (error) {
      if (errors.length < 20) errors.push(error instanceof Error ? error.message : String(error));
    }
  }
  process.stdout.write(`${JSON.stringify({ writes, errors })}\n`);
});
