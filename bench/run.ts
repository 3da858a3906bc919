/**
 * `npm run bench [-- --json FILE] [--smoke] [--only NAME]`
 * Runs every suite in bench/suites and prints one table. Exits non-zero when a row misses its
 * target (except in --smoke mode, where sizes are too small for targets to mean anything).
 */
import { writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatTable, type BenchRow, type BenchSuite } from './bench-harness';

const { values } = parseArgs({ options: { json: { type: 'string' }, smoke: { type: 'boolean', default: false }, only: { type: 'string' } } });
const suiteDir = new URL('./suites/', import.meta.url);
const files = (await readdir(suiteDir).catch(() => [] as string[])).filter((f) => f.endsWith('.bench.ts')).sort();
const rows: BenchRow[] = [];
let failedSuites = 0;

for (const file of files) {
  const suite = (await import(new URL(file, suiteDir).href)).default as BenchSuite;
  if (values.only && !suite.name.includes(values.only)) continue;
  console.log(`\n▶ ${suite.name}${values.smoke ? ' (smoke)' : ''}`);
  const started = Date.now();
  try {
    await suite.run({ smoke: values.smoke, record: (row) => rows.push(row), log: (m) => console.log(`  ${m}`) });
  } catch (error) {
    failedSuites += 1;
    console.error(`  suite failed: ${(error as Error).stack ?? error}`);
  }
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`\n${formatTable(rows)}\n`);
if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
const misses = rows.filter((r) => !r.pass).length;
console.log(`${rows.length} rows, ${misses} missed their target, ${failedSuites} suites failed${values.smoke ? ' (smoke run: targets not enforced)' : ''}`);
process.exit(failedSuites > 0 || (!values.smoke && misses > 0) ? 1 : 0);
