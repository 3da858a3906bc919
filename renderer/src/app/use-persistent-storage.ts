import { useEffect, useState } from 'react';

/**
 * Asks the browser to keep our IndexedDB data even under storage pressure; unsynced field data
 * must not be evicted. Returns 'granted', 'refused' or 'unknown' (API missing).
 */
export function usePersistentStorage(): 'granted' | 'refused' | 'unknown' | 'pending' {
  const [state, setState] = useState<'granted' | 'refused' | 'unknown' | 'pending'>('pending');
  useEffect(() => {
    if (!navigator.storage?.persist) {
      setState('unknown');
      return;
    }
    void navigator.storage
      .persisted()
      .then((already) => (already ? true : navigator.storage.persist()))
      .then((granted) => setState(granted ? 'granted' : 'refused'))
      .catch(() => setState('unknown'));
  }, []);
  return state;
}
