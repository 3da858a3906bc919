/**
 * Run in a child process by job-lock-pid-reuse.test.ts: a Corelog process holding an archive job's
 * lock, as the app or `corelog import` does during a dry run.
 *
 *   node --import tsx lock-holder-child.ts <dataDir> <imagoBaseUrl> <folder>
 *
 * Starts a dry run against an Imago that never answers (so the run, and its lock, last), prints one
 * line of JSON with the job's id and this process's id, and stays until it is killed.
 */
import { ArchiveJobs } from '../../../electron/services/archive-import/archive-jobs';
import { ImagoClient } from '../../../electron/services/imago/imago-client';

const [dataDir, baseUrl, folder] = process.argv.slice(2);
if (!dataDir || !baseUrl || !folder) throw new Error('usage: lock-holder-child <dataDir> <imagoBaseUrl> <folder>');

const client = new ImagoClient({ baseUrl, timeoutMs: 600_000, credentials: async () => ({ username: 'demo', password: 'demo' }) });
const jobs = new ArchiveJobs({ dataDir, imago: () => client });
const status = await jobs.dryRun({
  folder,
  patterns: ['{hole}_{from}_{to}_{imageType}'],
  manifest: null,
  target: { workspaceName: 'Demo', datasetName: 'Drilling', imageryTypeName: 'Core tray' },
});
process.stdout.write(`${JSON.stringify({ jobId: status.jobId, pid: process.pid, phase: status.phase })}\n`);
setInterval(() => undefined, 60_000);
