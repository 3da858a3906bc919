/** What the structure checks and the decode check find wrong with a file, in words a user can follow. */
export class ImageDamage extends Error {
  constructor(
    /** Completes "the JPEG is damaged: …", e.g. "its image data is corrupt (premature end of data segment)". */
    readonly what: string,
  ) {
    super(what);
    this.name = 'ImageDamage';
  }
}

/**
 * The file got shorter while Corelog was reading it (still being saved or copied, or cut by
 * another program): not damage of the photo, so it is said differently and may be retried.
 */
export class FileChanged extends Error {
  constructor() {
    super(FILE_CHANGED_REASON);
    this.name = 'FileChanged';
  }
}

export const FILE_CHANGED_REASON = 'the file changed while it was being taken in; take it in again once it is saved';

/** Thousands separators, as everywhere in Corelog's messages. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
