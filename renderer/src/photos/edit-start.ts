/**
 * The Imago version an interval form's edit starts from. Taken when the form opens and kept while
 * it stays open, so a refresh that lands under the form (someone changed the interval in Imago) is
 * not mistaken for what the user edited: the save carries the older version and is seen as a
 * conflict instead of overwriting the change. It moves on only while the interval still holds the
 * values the form started from (our own write reached Imago, or Imago came to agree with them),
 * so saving again from the same form is no false conflict.
 */
import { useRef } from 'react';
import type { AttributeValues, IntervalBase } from '../../../common/bridge/photo-contract';
import { sameAttributes } from '../../../common/photos/attribute-versions';
import type { ImageryInterval } from './photos-db';

export interface EditStart {
  /** The values the form's fields were filled from (or last saved). */
  attributes: AttributeValues;
  /** Imago's version those values are based on; undefined for rows from before versions were kept. */
  base: IntervalBase | null | undefined;
}

/** The edit's start after the interval row changed: its newer base is taken only if its values are still the form's. */
export function followEditStart(start: EditStart, row: Pick<ImageryInterval, 'attributes' | 'base'>): EditStart {
  return row.base !== start.base && sameAttributes(row.attributes, start.attributes) ? { attributes: start.attributes, base: row.base } : start;
}

/** Tracks the edit start of a form editing `editing` (keyed per interval, so one hook per opened interval). */
export function useEditStart(editing: ImageryInterval | undefined): { base(): EditStart['base']; saved(attributes: AttributeValues): void } {
  const start = useRef<EditStart | null>(null);
  if (editing) start.current = start.current ? followEditStart(start.current, editing) : { attributes: editing.attributes, base: editing.base };
  return {
    base: () => start.current?.base,
    saved(attributes) {
      if (start.current) start.current = { ...start.current, attributes };
    },
  };
}
