#!/usr/bin/env node
// `npm test`: every check, in order, each in its own process:
//   a Chromium for the browser tests (found, or installed where the platform allows: see
//   scripts/find-chromium.mjs; where neither works, it stops at once with the one command to run)
//   → typecheck (4 projects) → lint (incl. layering rules) → electronegativity → Node/Electron-mocked
//   unit tests (vitest, incl. a packaging check)
//   → build → Playwright (browser mode in that Chromium; Electron suite skips without the runtime)
// All stages run even when one fails, so one run shows everything; the exit code is non-zero if any
// failed. Ends with a plain "N passed, N failed, N skipped" line. The static checks (typecheck,
// lint, electronegativity, build) each keep one core busy at most, so they run side by side, their
// output held and printed whole, one stage after another, as they end.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium } from './find-chromium.mjs';

console.log('━━ chromium ━━');
const chromium = ensureChromium();
if (chromium.path === null) {
  // Before anything else runs: a missing browser should cost seconds, not a whole run.
  console.error(`${chromium.problem}\nThe browser tests need one. Run:\n\n  ${chromium.command}\n\nthen \`npm test\` again (or set CHROMIUM_PATH to a Chromium or Chrome).`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
console.log(`${chromium.installed ? 'installed' : 'found'} ${chromium.path} (${chromium.source === 'system' ? 'the system’s' : chromium.source === 'playwright' ? 'Playwright’s' : 'CHROMIUM_PATH'})`);

// Every stage (Playwright's config, the soak spec) uses the browser found here.
const env = { ...process.env, CHROMIUM_PATH: chromium.path, NO_COLOR: '1', FORCE_COLOR: '0' };
const npx = (args) => ['npx', ['--no-install', ...args]];

const stages = [
  { name: 'typecheck', command: ['npm', ['run', '--silent', 'typecheck']], together: true },
  { name: 'lint', command: ['npm', ['run', '--silent', 'lint']], together: true },
  // Electron security misconfigurations; unexplained HIGH/MEDIUM findings fail (build/electronegativity-accepted.md).
  { name: 'electronegativity', command: ['node', ['scripts/electronegativity.mjs']], together: true },
  { name: 'build', command: ['node', ['scripts/build.mjs']], together: true },
  {
    name: 'unit',
    command: npx(['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']),
    counts: () => {
      const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
      return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + (report.numTodoTests ?? 0) };
    },
  },
  // Benchmarks prove they still run at tiny sizes; their targets are only judged by `npm run bench`.
  { name: 'bench smoke', command: ['node', ['--import', 'tsx', 'bench/run.ts', '--smoke']] },
  {
    name: 'browser+electron',
    command: npx(['playwright', 'test']),
    extraEnv: { CORELOG_SKIP_BUILD: '1' },
    counts: () => {
      const { stats } = JSON.parse(readFileSync('test-results/playwright.json', 'utf8'));
      return { passed: stats.expected + (stats.flaky ?? 0), failed: stats.unexpected, skipped: stats.skipped };
    },
  },
];

/** Runs a stage; with `held`, its output is kept and handed back instead of printed as it comes. */
function run([command, args], extraEnv = {}, held = null) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...env, ...extraEnv } });
    if (held) for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => held.push(chunk));
    child.on('close', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
    child.on('error', () => resolve(1));
  });
}

mkdirSync('test-results', { recursive: true });
for (const file of ['test-results/vitest.json', 'test-results/playwright.json']) rmSync(file, { force: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const started = Date.now();
// The stages run side by side start together; each is printed whole, in order, once it has ended.
const together = new Map();
for (const stage of stages.filter((s) => s.together)) {
  const t0 = Date.now();
  const held = [];
  together.set(stage, run(stage.command, stage.extraEnv, held).then((code) => ({ code, held, seconds: ((Date.now() - t0) / 1000).toFixed(1) })));
}

for (const stage of stages) {
  const t0 = Date.now();
  console.log(`\n━━ ${stage.name} ━━`);
  let code;
  let seconds;
  if (together.has(stage)) {
    const ended = await together.get(stage);
    process.stdout.write(Buffer.concat(ended.held));
    ({ code, seconds } = ended);
  } else {
    code = await run(stage.command, stage.extraEnv);
    seconds = ((Date.now() - t0) / 1000).toFixed(1);
  }
  let counts = code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
  if (stage.counts) {
    try {
      counts = stage.counts();
      // A runner that crashed before reporting failures still failed.
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
    } catch {
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
  }
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  rows.push({ stage: stage.name, ok: code === 0, seconds, ...counts });
}

console.log('\n━━ summary ━━');
for (const row of rows) {
  const detail = row.stage === 'unit' || row.stage === 'browser+electron' ? `${row.passed} passed, ${row.failed} failed, ${row.skipped} skipped` : row.ok ? 'ok' : 'FAILED';
  console.log(`${row.ok ? '✔' : '✘'} ${row.stage.padEnd(18)} ${detail.padEnd(40)} ${row.seconds} s`);
}
console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(rows.every((r) => r.ok) ? 0 : 1);
