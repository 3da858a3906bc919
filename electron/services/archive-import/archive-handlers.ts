/**
 * Bridge handlers of the archive import (issue 14): thin wrappers around the service process's
 * `ArchiveJobs`, which owns the jobs, their journals in the data folder and the one running job.
 * The renderer only describes a job, starts/pauses it and pages through its rows.
 */
import type { ServiceContext, ServiceModule } from '../app-services';
import { ArchiveJobs } from './archive-jobs';

export interface ArchiveModule extends ServiceModule {
  jobs: ArchiveJobs;
}

export function createArchiveModule(context: ServiceContext): ArchiveModule {
  const jobs = new ArchiveJobs({
    dataDir: context.dataDir,
    imago: () => context.clients.imago(),
    onChange: (status) => context.events.emit('archiveJobChanged', status),
    // A run the app was doing when it closed (or lost power) goes on by itself.
    resumeInterrupted: true,
    log: (level, message) => context.desktop.log[level](message),
  });
  return {
    jobs,
    handlers: {
      archiveDryRun: (source) => jobs.dryRun(source),
      archiveJobs: () => jobs.list(),
      archiveJob: ({ jobId }) => jobs.status(jobId),
      archiveRows: ({ jobId, offset, limit, outcomes }) => jobs.rows(jobId, offset, limit, outcomes),
      archiveRun: ({ jobId, maxBytesPerSecond }) => jobs.run(jobId, maxBytesPerSecond),
      archivePause: ({ jobId }) => jobs.pause(jobId),
      archiveSetRate: ({ jobId, maxBytesPerSecond }) => jobs.setRate(jobId, maxBytesPerSecond),
      archiveSaveReport: ({ jobId, path }) => jobs.saveReport(jobId, path),
      archiveRemoveJob: ({ jobId }) => jobs.remove(jobId),
    },
    start() {
      void jobs.start().catch((error: unknown) => context.desktop.log.warn(`archive import: jobs could not be read: ${(error as Error).message}`));
    },
    dispose: () => jobs.dispose(),
  };
}
