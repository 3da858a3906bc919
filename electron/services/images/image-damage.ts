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

/** Thousands separators, as everywhere in Corelog's messages. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
