/**
 * The strip log's attribute columns, taken from the imagery type's attribute definitions: a
 * colour attribute is drawn as a colour column, a number as a bar, anything else as a text label.
 * Which ones show is the user's choice, remembered per imagery type in the photos database.
 */
import type { AttributeValues, CatalogueImageryType } from '../../../../common/bridge/photo-contract';
import { rememberSetting } from '../photos-db';

export type ColumnKind = 'colour' | 'bar' | 'label';

export interface StripColumn {
  /** `Definition.Attribute`, unique within an imagery type. */
  key: string;
  definition: string;
  attribute: string;
  kind: ColumnKind;
}

/** Every column the imagery type's definitions offer, in definition order. */
export function availableColumns(imageryType: CatalogueImageryType): StripColumn[] {
  return imageryType.attributeDefinitions.flatMap((definition) =>
    definition.attributeTypes.map((type) => ({
      key: `${definition.name}.${type.name}`,
      definition: definition.name,
      attribute: type.name,
      kind: type.dataType === 'colour' ? ('colour' as const) : type.dataType === 'number' ? ('bar' as const) : ('label' as const),
    })),
  );
}

/**
 * The columns shown before the user chooses: every colour, the first text attribute, and numbers
 * that read as percentages (RQD %, recovery %) — box and tray numbers drawn as bars say nothing.
 */
export function defaultColumns(available: readonly StripColumn[]): string[] {
  const firstLabel = available.find((c) => c.kind === 'label');
  return available.filter((c) => c.kind === 'colour' || c === firstLabel || (c.kind === 'bar' && /%|percent|rqd|recovery/i.test(c.attribute))).map((c) => c.key);
}

/**
 * The columns to draw: `requested` (keys or bare attribute names, as a caller such as the hole
 * report may pass them) if given, else the remembered choice, else the defaults; always in the
 * definitions' order, and never a column the definitions no longer have.
 */
export function shownColumns(available: readonly StripColumn[], requested: readonly string[] | undefined, remembered: readonly string[] | undefined): StripColumn[] {
  const wanted = requested ?? remembered ?? defaultColumns(available);
  return available.filter((c) => wanted.includes(c.key) || wanted.includes(c.attribute));
}

export const columnsSettingKey = (imageryTypeId: string) => `stripLog.columns.${imageryTypeId}`;

/** Remembers the user's column choice for an imagery type. */
export async function rememberColumns(imageryTypeId: string, keys: readonly string[]): Promise<void> {
  await rememberSetting(columnsSettingKey(imageryTypeId), [...keys]);
}

/** A value as an interval holds it (whatever types the contract allows). */
export type ColumnValue = AttributeValues[string][string];

/** An interval's value for a column (null when it has none). */
export function columnValue(attributes: AttributeValues, column: StripColumn): ColumnValue {
  return attributes[column.definition]?.[column.attribute] ?? null;
}

/** A CSS colour from an attribute value, or null: only `#RGB`/`#RRGGBB` are drawn, never arbitrary text. */
export function swatch(value: ColumnValue): string | null {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value.trim()) ? value.trim() : null;
}

/**
 * The bar scale of a number column: 0–100 for percentages (so 50 % is always half), otherwise
 * 0 to the largest value in the hole.
 */
export function barMaximum(column: StripColumn, values: readonly ColumnValue[]): number {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const largest = numbers.length ? Math.max(...numbers) : 0;
  if (/%|percent|rqd|recovery/i.test(column.attribute) && largest <= 100) return 100;
  return largest > 0 ? largest : 1;
}
