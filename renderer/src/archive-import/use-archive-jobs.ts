/**
 * The archive import jobs this computer knows, as main has them: the jobs live in the service
 * process's journal, not in the page, so the list is asked for when the screen opens (and again
 * when the bridge comes back after a lost link) and kept current by `archiveJobChanged` events.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import type { BridgeError } from '../../../common/errors';
import { bridge, onBridgeLinkState } from '../bridge/bridge';

export interface ArchiveJobList {
  /** Newest first. */
  jobs: ArchiveJobStatus[];
  loaded: boolean;
  /** Why the list could not be read (the background service unreachable…), or null. */
  error: BridgeError | null;
  /** Takes in a status a call answered (it may arrive before or after its event). */
  upsert(status: ArchiveJobStatus): void;
  drop(jobId: string): void;
}

const newestFirst = (a: ArchiveJobStatus, b: ArchiveJobStatus) => b.createdAt.localeCompare(a.createdAt) || b.jobId.localeCompare(a.jobId);

/** Keeps the later of two statuses of a job: events and call answers can cross on the way. */
function later(known: ArchiveJobStatus | undefined, next: ArchiveJobStatus): ArchiveJobStatus {
  return known && known.updatedAt > next.updatedAt ? known : next;
}

export function useArchiveJobs(): ArchiveJobList {
  const [jobs, setJobs] = useState<ArchiveJobStatus[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<BridgeError | null>(null);

  const upsert = useCallback((status: ArchiveJobStatus) => {
    setJobs((current) => {
      const known = current.find((j) => j.jobId === status.jobId);
      const next = later(known, status);
      if (next === known) return current;
      return [...current.filter((j) => j.jobId !== status.jobId), next].sort(newestFirst);
    });
  }, []);
  const drop = useCallback((jobId: string) => setJobs((current) => current.filter((j) => j.jobId !== jobId)), []);

  useEffect(() => {
    let live = true;
    const load = async () => {
      const result = await bridge.archiveJobs();
      if (!live) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setJobs((current) =>
        // A job changed by an event while the list was on its way keeps its newer status.
        result.value.map((job) => later(current.find((j) => j.jobId === job.jobId), job)).sort(newestFirst),
      );
      setLoaded(true);
    };
    void load();
    const offEvent = bridge.on('archiveJobChanged', upsert);
    // Events sent while the link was down are lost: read the whole list again when it is back.
    const offLink = onBridgeLinkState((state) => state === 'open' && void load());
    return () => {
      live = false;
      offEvent();
      offLink();
    };
  }, [upsert]);

  return { jobs, loaded, error, upsert, drop };
}
