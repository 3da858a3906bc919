/**
 * What the hole report holds, worked out from the photos database alone (so it is the same
 * offline): the interval table's columns and rows per imagery type, and every tray photo of the
 * hole in depth order — Imago's photos, and those taken here and not uploaded yet.
 */
import type { AttributeValues, CatalogueImageryType } from '../../../../common/bridge/photo-contract';
import { isStructuredValue, structuredText } from '../../../../common/photos/attribute-value';
import { safeFileNamePart } from '../../../../common/safe-file-name';
import type { Hole, ImageryInterval, RemoteImageRef, TrayPhoto } from '../photos-db';

export interface ReportColumn {
  definition: string;
  attribute: string;
  /** The definition's data type ("colour", "number", …); null for an attribute the definitions do not list. */
  dataType: string | null;
}

export interface ReportTable {
  imageryTypeName: string;
  columns: ReportColumn[];
  intervals: ImageryInterval[];
}

/** One photo the report prints: Imago's (fetched through main's cache) or one taken here. */
export type ReportPhoto =
  | { key: string; source: 'imago'; interval: ImageryInterval; imageTypeName: string; image: RemoteImageRef }
  | { key: string; source: 'local'; interval: ImageryInterval; imageTypeName: string; photo: TrayPhoto };

/** Intervals sorted down the hole (From, then To): the order of the table and the photos. */
export function byDepth<T extends { from: number; to: number }>(a: T, b: T): number {
  return a.from - b.from || a.to - b.to;
}

/**
 * The table's columns: the imagery type's attribute definitions in their order, then any
 * attribute the intervals carry that the definitions do not list (Imago may hold more than we
 * were told about; the report prints everything it has).
 */
export function reportColumns(imageryType: CatalogueImageryType | undefined, intervals: readonly ImageryInterval[]): ReportColumn[] {
  const columns: ReportColumn[] = (imageryType?.attributeDefinitions ?? []).flatMap((d) => d.attributeTypes.map((t) => ({ definition: d.name, attribute: t.name, dataType: t.dataType })));
  const known = new Set(columns.map((c) => `${c.definition}\u0000${c.attribute}`));
  for (const interval of intervals) {
    for (const [definition, values] of Object.entries(interval.attributes ?? {})) {
      for (const attribute of Object.keys(values ?? {})) {
        const key = `${definition}\u0000${attribute}`;
        if (!known.has(key)) {
          known.add(key);
          columns.push({ definition, attribute, dataType: null });
        }
      }
    }
  }
  return columns;
}

/** The imagery types the report covers: the dataset's own order, then any name only the intervals carry. */
export function reportTables(imageryTypes: readonly CatalogueImageryType[], intervals: readonly ImageryInterval[]): ReportTable[] {
  const names = imageryTypes.map((t) => t.name).filter((name) => intervals.some((i) => i.imageryTypeName === name));
  for (const interval of intervals) if (!names.includes(interval.imageryTypeName)) names.push(interval.imageryTypeName);
  return names.map((name) => {
    const mine = intervals.filter((i) => i.imageryTypeName === name).sort(byDepth);
    return { imageryTypeName: name, columns: reportColumns(imageryTypes.find((t) => t.name === name), mine), intervals: mine };
  });
}

/** An attribute value as printed: numbers as they are, yes/no for booleans, blank for none. */
export function attributeText(attributes: AttributeValues | undefined, column: Pick<ReportColumn, 'definition' | 'attribute'>): string {
  const value = attributes?.[column.definition]?.[column.attribute];
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return isStructuredValue(value) ? structuredText(value) : String(value);
}

/** A colour attribute's value, if it is a colour CSS can draw safely (#rgb or #rrggbb only). */
export function colourSwatch(text: string): string | null {
  return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(text.trim()) ? text.trim() : null;
}

/**
 * Every photo of the hole in depth order (by interval, then image type): Imago's, and the ones
 * taken here that Imago does not have yet. An uploaded photo is printed once, as Imago has it.
 */
export function reportPhotos(intervals: readonly ImageryInterval[], local: readonly TrayPhoto[]): ReportPhoto[] {
  const photos: ReportPhoto[] = [];
  for (const interval of [...intervals].sort(byDepth)) {
    const mine: ReportPhoto[] = interval.remoteImages.map((image) => ({ key: `imago:${image.id}`, source: 'imago', interval, imageTypeName: image.imageTypeName, image }));
    for (const photo of local) {
      if (photo.intervalId !== interval.id || photo.state === 'draft') continue;
      if (photo.remoteImageId && interval.remoteImages.some((r) => r.id === photo.remoteImageId)) continue;
      mine.push({ key: `local:${photo.id}`, source: 'local', interval, imageTypeName: photo.binding.imageTypeName, photo });
    }
    photos.push(...mine.sort((a, b) => a.imageTypeName.localeCompare(b.imageTypeName) || a.key.localeCompare(b.key)));
  }
  return photos;
}

/** The name offered when saving: `<hole> hole report <yyyy-mm-dd>.pdf`, without characters a file system refuses. */
export function reportFileName(hole: Pick<Hole, 'name'>, date: Date): string {
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `${safeFileNamePart(hole.name, 150) || 'hole'} hole report ${day}.pdf`;
}
