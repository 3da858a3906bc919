/**
 * The renderer's offline store (IndexedDB via Dexie). Every user action is written here first;
 * syncing to Imago and Dougal happens from here later. Schema changes add a new `version(n)`
 * below (never edit an old one), so a database created by any earlier release still opens.
 *
 * One database per profile, like every other: `corelog` for the user's own systems (the name it
 * always had), `corelog-sample` on the sample systems (first-run/profile.ts).
 */
import Dexie, { type EntityTable } from 'dexie';
import { currentProfile, profileDbName } from '../first-run/profile';
import { withPlainStorageErrors } from '../storage/plain-storage-errors';

export const CORELOG_DB_NAME = 'corelog';

export interface ScratchNote {
  id: string;
  text: string;
  updatedAt: string;
  /**
   * Which write this is (random per save): a window saves over the note only if it is still the
   * version it started from, so two windows never silently overwrite each other. Rows written
   * before it existed are told apart by `updatedAt`.
   */
  rev?: string;
}

/** A one-time upgrade step done in this database, so it is never done twice. */
export interface UpgradeDone {
  name: string;
  at: string;
}

export class CorelogDb extends Dexie {
  scratchNotes!: EntityTable<ScratchNote, 'id'>;
  upgrades!: EntityTable<UpgradeDone, 'name'>;

  constructor(name = CORELOG_DB_NAME) {
    super(name);
    this.version(1).stores({
      scratchNotes: 'id',
    });
    this.version(2).stores({
      upgrades: 'name',
    });
  }
}

/** A write the browser's storage refuses (a full disk) fails in plain words (storage/plain-storage-errors.ts). */
export const db = withPlainStorageErrors(new CorelogDb(profileDbName(CORELOG_DB_NAME)));

/** The version a note is (see ScratchNote.rev). */
export function noteRevision(note: ScratchNote | undefined): string | null {
  return note ? (note.rev ?? note.updatedAt) : null;
}

const SHARED_NOTE_ADOPTED = 'shared-scratch-note-adopted';

/**
 * Upgrade path for the scratch note. Until profiles had their own `corelog` database, both the
 * sample systems and the user's own systems read and wrote the one note in `corelog`, so an
 * existing note may have been typed in either. It stays where it is, in `corelog`, which is the
 * user's own profile's database: the user's own profile keeps the names it always had, and it is
 * where real work lives (the sample systems can be thrown away). Because it may have been typed
 * while on the sample systems, the sample profile is given a copy of it, once, the first time this
 * version opens it, so whichever profile it was written in, it is still there after the upgrade.
 * From then on the two notes go their own ways (a note written later on the user's own systems
 * never shows on the sample ones).
 */
export async function adoptSharedScratchNote(noteId: string): Promise<void> {
  if (currentProfile() !== 'sample') return;
  if (await db.upgrades.get(SHARED_NOTE_ADOPTED)) return;
  let shared: ScratchNote | undefined;
  // Never create the user's own database from the sample profile just to look into it.
  if (await Dexie.exists(CORELOG_DB_NAME)) {
    const own = new CorelogDb(CORELOG_DB_NAME);
    try {
      shared = await own.scratchNotes.get(noteId);
    } finally {
      own.close();
    }
  }
  await db.transaction('rw', db.scratchNotes, db.upgrades, async () => {
    // Another window of the sample profile may have done it meanwhile.
    if (await db.upgrades.get(SHARED_NOTE_ADOPTED)) return;
    await db.upgrades.put({ name: SHARED_NOTE_ADOPTED, at: new Date().toISOString() });
    if (shared && !(await db.scratchNotes.get(noteId))) await db.scratchNotes.put(shared);
  });
}
