/**
 * Where each part of an imagery type's column group sits across the strip log, in pixels: the
 * pending/conflict mark, the interval blocks, the attribute columns the user chose, and one
 * thumbnail column per image type (Wet, Dry, …). Depth runs down; widths never scale.
 */
import type { CatalogueImageryType } from '../../../../common/bridge/photo-contract';
import type { StripColumn } from './strip-columns';

/** Space above the shallowest and below the deepest depth, in pixels. */
export const PAD = 10;
export const HEADER_HEIGHT = 96;
/** Intervals need this many pixels before they get an element of their own (an option), text, and thumbnails. */
export const OPTION_MIN_PX = 3;
export const LABEL_MIN_PX = 12;
export const THUMB_MIN_PX = 18;
/** Gaps and overlaps never draw thinner than this, so a 10 cm gap shows on a 1,000 m hole. */
export const MARK_MIN_PX = 3;
/** Gap and overlap marks drawn at most (a hole with more is badly broken, and the interval list says so). */
export const MAX_MARKS = 500;
export const AXIS_WIDTH = 60;
export const GROUP_GAP = 18;
export const MARK_WIDTH = 6;
export const BLOCK_WIDTH = 28;
export const THUMB_WIDTH = 64;
const GUTTER = 3;
const COLUMN_WIDTH: Record<StripColumn['kind'], number> = { colour: 20, bar: 52, label: 108 };

export interface PlacedColumn {
  column: StripColumn;
  x: number;
  width: number;
}

export interface GroupLayout {
  imageryType: CatalogueImageryType;
  x: number;
  width: number;
  markX: number;
  blockX: number;
  columns: PlacedColumn[];
  thumbs: { imageTypeName: string; x: number }[];
}

/** Lays the groups out left to right after the depth axis; returns them and the total width. */
export function layoutGroups(groups: readonly { imageryType: CatalogueImageryType; columns: readonly StripColumn[] }[]): { layouts: GroupLayout[]; width: number } {
  let x = AXIS_WIDTH;
  const layouts = groups.map(({ imageryType, columns }) => {
    const start = x;
    const markX = x;
    x += MARK_WIDTH + GUTTER;
    const blockX = x;
    x += BLOCK_WIDTH + GUTTER;
    const placed = columns.map((column) => {
      const width = COLUMN_WIDTH[column.kind];
      const at = { column, x, width };
      x += width + GUTTER;
      return at;
    });
    const thumbs = imageryType.imageTypes.map((t) => {
      const at = { imageTypeName: t.name, x };
      x += THUMB_WIDTH + GUTTER;
      return at;
    });
    const layout: GroupLayout = { imageryType, x: start, width: x - start, markX, blockX, columns: placed, thumbs };
    x += GROUP_GAP;
    return layout;
  });
  return { layouts, width: Math.max(x, AXIS_WIDTH + 120) };
}
