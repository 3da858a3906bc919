/**
 * The renderer's offline store (IndexedDB via Dexie). Every user action is written here first;
 * syncing to Imago and Dougal happens from here later. Schema changes add a new `version(n)`
 * below (never edit an old one), so a database created by any earlier release still opens.
 */
import Dexie, { type EntityTable } from 'dexie';

export interface ScratchNote {
  id: string;
  text: string;
  updatedAt: string;
}

export class CorelogDb extends Dexie {
  scratchNotes!: EntityTable<ScratchNote, 'id'>;

  constructor(name = 'corelog') {
    super(name);
    this.version(1).stores({
      scratchNotes: 'id',
    });
  }
}

export const db = new CorelogDb();
