/**
 * Depths are shown in the dataset's own `lengthUnits` (Imago's user context says `metres`,
 * `feet`, …) and sent to Imago as typed: Imago keeps a dataset's depths in that dataset's units,
 * so Corelog never converts a number, it only labels it. A unit Corelog does not know is shown
 * as Imago names it rather than guessed.
 */

const METRES = new Set(['m', 'metre', 'metres', 'meter', 'meters']);
const FEET = new Set(['ft', 'foot', 'feet']);

/** The short unit for labels: "m", "ft", or the name as given ("" when the dataset names none). */
export function lengthUnitSymbol(units: string | null | undefined): string {
  const name = (units ?? '').trim();
  const key = name.toLowerCase();
  if (METRES.has(key)) return 'm';
  if (FEET.has(key)) return 'ft';
  return name;
}

/** The unit in a sentence: "metres", "feet", or the name as given. */
export function lengthUnitWords(units: string | null | undefined): string {
  const symbol = lengthUnitSymbol(units);
  return symbol === 'm' ? 'metres' : symbol === 'ft' ? 'feet' : symbol;
}

/** Decimals a depth is shown with. */
export const DEPTH_DECIMALS = 2;

/** A depth as shown, without its unit. */
export function formatDepthValue(value: number, decimals = DEPTH_DECIMALS): string {
  return value.toFixed(decimals);
}

/** `102.00–106.80 m` (`102.00–106.80` when the units are not known). */
export function formatDepthRange(from: number, to: number, units?: string | null, decimals = DEPTH_DECIMALS): string {
  const symbol = lengthUnitSymbol(units);
  const range = `${formatDepthValue(from, decimals)}–${formatDepthValue(to, decimals)}`;
  return symbol ? `${range} ${symbol}` : range;
}

/** A field label with its unit: `From (ft)`; just `From` when the units are not known. */
export function withLengthUnit(label: string, units: string | null | undefined): string {
  const symbol = lengthUnitSymbol(units);
  return symbol ? `${label} (${symbol})` : label;
}
