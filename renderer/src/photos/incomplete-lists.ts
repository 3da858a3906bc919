/**
 * What the window knows of Imago lists it could not read whole (a server that ignores the paging
 * offset, a page cap below what was asked): one note per dataset's hole list and per hole's
 * interval list, kept beside the cache in IndexedDB, so the screen can say that some holes or
 * intervals may be missing here instead of showing part of a list as all of it. The next whole
 * read clears the note.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { photosDb } from './photos-db';

export const holeListNoteKey = (workspaceName: string, datasetName: string) => `incompleteList.holes.${workspaceName}/${datasetName}`;
export const intervalListNoteKey = (holeId: string) => `incompleteList.intervals.${holeId}`;

/** Records why a list was partial, or that it was whole (null); call inside a transaction that includes `settings`. */
export async function recordListNote(key: string, incomplete: string | null): Promise<void> {
  if (incomplete === null) await photosDb.settings.delete(key);
  else await photosDb.settings.put({ key, value: incomplete });
}

/** The notes for the chosen dataset's holes and the chosen hole's intervals (null where the list was whole). */
export function useIncompleteListNotes(workspaceName: string, datasetName: string, holeId: string | undefined): { holes: string | null; intervals: string | null } {
  const read = (key: string | null) => async () => {
    if (!key) return null;
    const value = (await photosDb.settings.get(key))?.value;
    return typeof value === 'string' ? value : null;
  };
  const holes = useLiveQuery(read(workspaceName && datasetName ? holeListNoteKey(workspaceName, datasetName) : null), [workspaceName, datasetName], null);
  const intervals = useLiveQuery(read(holeId ? intervalListNoteKey(holeId) : null), [holeId], null);
  return { holes, intervals };
}
