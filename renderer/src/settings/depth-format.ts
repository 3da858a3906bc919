/**
 * Depths as the UI shows them: the decimals chosen in Settings ("Depth precision") and the
 * dataset's own length unit ("12.35 m", "40.5 ft"). The unit rules are common/forms/length-units.ts
 * (never a guessed "m"); this adds the user's precision, which only the renderer knows. Call
 * `formatDepth(value, { units })` and the current precision applies; pass `precision` to fix it
 * (tests, exports with a set format). `useDepthPrecision()` re-renders a component when it changes.
 */
import { useSyncExternalStore } from 'react';
import { formatDepthRange as formatRangeWith, formatDepthValue, lengthUnitSymbol } from '../../../common/forms/length-units';
import { MAX_DEPTH_DECIMALS } from '../../../common/bridge/settings-contract';
import { appSettings, subscribeAppSettings } from './settings-snapshot';

export interface DepthFormat {
  /** The dataset's `lengthUnits` as Imago gives it ("metres", "feet", …); absent: no unit is written. */
  units?: string | null | undefined;
  /** Decimals; absent: the app setting. */
  precision?: number | undefined;
}

/** The decimals in effect (the app setting unless `precision` says otherwise). */
export function depthDecimals(precision?: number): number {
  const decimals = precision ?? appSettings().depthDecimals;
  return Number.isInteger(decimals) ? Math.min(Math.max(decimals, 0), MAX_DEPTH_DECIMALS) : appSettings().depthDecimals;
}

/** "12.35 m": the depth with the chosen decimals and, when the units are known, their symbol. */
export function formatDepth(value: number, { units, precision }: DepthFormat = {}): string {
  const number = Number.isFinite(value) ? formatDepthValue(value, depthDecimals(precision)) : String(value);
  const symbol = lengthUnitSymbol(units);
  return symbol ? `${number} ${symbol}` : number;
}

/** "12.00–15.50 m": a range, the unit written once. */
export function formatDepthRange(from: number, to: number, { units, precision }: DepthFormat = {}): string {
  return formatRangeWith(from, to, units, depthDecimals(precision));
}

/** The current precision, re-rendering the component when it changes. */
export function useDepthPrecision(): number {
  return useSyncExternalStore(subscribeAppSettings, () => appSettings().depthDecimals);
}
