/**
 * The benchmark harness behind `npm run bench`. Suites register rows; the harness prints a table
 * and, with `--json FILE`, writes `{ name, value, unit, target, pass, baseline?, ratio? }` rows.
 * Targets live here, never in timed unit tests. `--smoke` runs every suite at a tiny size so
 * `npm test` proves the benchmarks still run without pretending to measure anything.
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "< 300" or "≤ 1.3". */
  target: string;
  pass: boolean;
  baseline?: number;
  ratio?: number;
}

export interface BenchContext {
  /** Tiny sizes for the smoke run inside `npm test`. */
  smoke: boolean;
  record(row: BenchRow): void;
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  run(context: BenchContext): Promise<void>;
}

/** A row whose value must stay below `limit`. */
export function below(name: string, value: number, unit: string, limit: number, extra: Partial<BenchRow> = {}): BenchRow {
  return { name, value: round(value), unit, target: `< ${limit}`, pass: value < limit, ...extra };
}

/** A row whose value must be at least `limit`. */
export function atLeast(name: string, value: number, unit: string, limit: number, extra: Partial<BenchRow> = {}): BenchRow {
  return { name, value: round(value), unit, target: `≥ ${limit}`, pass: value >= limit, ...extra };
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'value', 'unit', 'target', 'baseline', 'ratio', 'pass'];
  const lines = rows.map((r) => [r.name, String(r.value), r.unit, r.target, r.baseline === undefined ? '' : String(r.baseline), r.ratio === undefined ? '' : String(r.ratio), r.pass ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
