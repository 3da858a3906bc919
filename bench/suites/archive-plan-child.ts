/**
 * The service-process side of the archive benchmark (run by archive.bench.ts as a child, so its
 * peak memory is the dry run's alone, not the emulator's): `planArchive` over the archive against
 * the Imago emulator, counting outcomes. Prints one line of JSON.
 *
 * usage: node --import tsx archive-plan-child.ts <imagoBaseUrl> <sourceJson>
 */
import { readFileSync } from 'node:fs';
import type { ArchiveOutcome, ArchiveSource } from '../../common/bridge/archive-contract';
import { planArchive } from '../../electron/services/archive-import/plan/plan-archive';
import { ImagoClient } from '../../electron/services/imago/imago-client';

const [baseUrl, sourceJson] = process.argv.slice(2);
if (!baseUrl || !sourceJson) throw new Error('usage: archive-plan-child <imagoBaseUrl> <sourceJson>');
const source = JSON.parse(sourceJson) as ArchiveSource;
const client = new ImagoClient({ baseUrl, timeoutMs: 30_000, credentials: async () => ({ username: 'demo', password: 'demo' }) });
const peakRssMb = () => Number(/VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;

const counts: Partial<Record<ArchiveOutcome, number>> = {};
const started = performance.now();
const { filesTotal } = await planArchive(source, { imago: () => client }, {
  row(row) {
    counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
  },
  progress() {},
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, filesTotal, counts, peakRssMb: peakRssMb() })}\n`);
