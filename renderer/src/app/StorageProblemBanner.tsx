/**
 * The one line that says this window cannot save its data (storage/storage-health.ts): a full disk
 * (clears by itself once space is back), or a database cleared or upgraded under the page (only a
 * reload mends it, offered here). Without it a refused write anywhere but the entry line showed
 * nothing at all, and a cleared database was quietly reopened empty.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { eventLogDb } from '../event-log/event-log-db';
import { templatesDb } from '../event-log/templates/templates-db';
import { photosDb } from '../photos/photos-db';
import { db as corelogDb } from '../db/corelog-db';
import { onStorageProblem, reportLocalWriteFailure, storageProblem, watchDatabases } from '../storage/storage-health';

/** Watches the window's databases, and writes that failed where nothing caught them. */
function useStorageWatch(): void {
  useEffect(() => {
    const unwatch = watchDatabases([eventLogDb, photosDb, templatesDb, corelogDb]);
    // A refused write that no screen handled (a settings toggle, a sync engine's bookkeeping)
    // still reaches the user, here, instead of only the console.
    const onRejection = (event: PromiseRejectionEvent) => void reportLocalWriteFailure(event.reason);
    const onError = (event: ErrorEvent) => void reportLocalWriteFailure(event.error);
    window.addEventListener('unhandledrejection', onRejection);
    window.addEventListener('error', onError);
    return () => {
      unwatch();
      window.removeEventListener('unhandledrejection', onRejection);
      window.removeEventListener('error', onError);
    };
  }, []);
}

export function StorageProblemBanner() {
  useStorageWatch();
  const problem = useSyncExternalStore(onStorageProblem, storageProblem);
  if (!problem) return null;
  return (
    <p className="banner error" role="alert" data-testid="storage-problem" data-kind={problem.kind}>
      {problem.message}{' '}
      {problem.needsReload && (
        <button type="button" onClick={() => window.location.reload()}>
          Reload Corelog
        </button>
      )}
    </p>
  );
}
