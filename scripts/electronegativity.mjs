#!/usr/bin/env node
// The Electronegativity stage of `npm test`: scans the app's sources (electron/, common/,
// renderer/, package.json) for Electron security misconfigurations. Every HIGH or MEDIUM finding
// must be explained in build/electronegativity-accepted.md, or the stage fails. LOW and
// informational findings are printed for review.
//
// Two of the tool's habits are switched off, because tests here talk to loopback only: it fetches
// translations on every run (we answer "not found" and it uses its bundled English strings), and
// AvailableSecurityFixesGlobalCheck downloads Electron's release list from GitHub (skipped;
// Electron is pinned in package.json and updated deliberately).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const SCANNED = ['electron', 'common', 'renderer', 'package.json'];
export const SKIPPED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
export const ACCEPTED_FILE = 'build/electronegativity-accepted.md';
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

/** Accepted findings from the markdown table: rows of `| CHECK_ID | path/to/file.ts | why |`. */
export function parseAccepted(markdown) {
  return markdown
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => cells.length >= 5 && /^[A-Z0-9_]+$/.test(cells[1]) && cells[3].length > 0)
    .map((cells) => ({ id: cells[1], file: cells[2].replace(/^`|`$/g, ''), reason: cells[3] }));
}

/** Splits findings into blocking (HIGH/MEDIUM without an explanation), accepted and informational. */
export function classifyFindings(findings, accepted) {
  const explained = (finding) => accepted.find((entry) => entry.id === finding.id && entry.file === finding.file);
  const result = { unexplained: [], accepted: [], informational: [], unusedAcceptances: [] };
  for (const finding of findings) {
    if (!BLOCKING.has(finding.severity)) result.informational.push(finding);
    else if (explained(finding)) result.accepted.push({ ...finding, reason: explained(finding).reason });
    else result.unexplained.push(finding);
  }
  result.unusedAcceptances = accepted.filter((entry) => !findings.some((f) => f.id === entry.id && f.file === entry.file));
  return result;
}

/** Runs Electronegativity over a copy of the sources; findings carry repository-relative paths. */
export async function scanSources(root = process.cwd()) {
  const toolDir = dirname(require.resolve('@doyensec/electronegativity/package.json', { paths: [root] }));
  const gotPath = require.resolve('got', { paths: [toolDir] });
  const offline = async () => ({ statusCode: 404, body: '' });
  offline.head = offline;
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  const run = require(join(toolDir, 'dist', 'runner.js'));

  // A copy, so build output, tests and emulators (which fake Electron on purpose) stay out of the scan.
  const input = mkdtempSync(join(tmpdir(), 'corelog-electronegativity-'));
  try {
    for (const entry of SCANNED) if (existsSync(join(root, entry))) cpSync(join(root, entry), join(input, entry), { recursive: true });
    const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json', { paths: [root] }), 'utf8')).version;
    const report = await run({ input, isRelative: true, excludeFromScan: SKIPPED_CHECKS, electronVersionOverride: electronVersion, parserPlugins: [] }, false);
    return {
      electronVersion,
      checks: report.globalChecks + report.atomicChecks,
      errors: report.errors.filter((e) => !e.tolerable).map((e) => ({ file: e.file.replace(`${input}/`, ''), message: e.message })),
      findings: report.issues.map((issue) => ({
        id: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: issue.file.replaceAll('\\', '/'),
        line: issue.location.line,
        manualReview: Boolean(issue.manualReview),
      })),
    };
  } finally {
    rmSync(input, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  const scan = await scanSources();
  const accepted = parseAccepted(readFileSync(ACCEPTED_FILE, 'utf8'));
  const result = classifyFindings(scan.findings, accepted);
  const show = (f) => `${f.severity.padEnd(13)} ${f.id} ${f.file}:${f.line}${f.manualReview ? ' (review)' : ''}`;
  console.log(`Electronegativity: ${scan.checks} checks over ${SCANNED.join(', ')} (Electron ${scan.electronVersion}); skipped ${SKIPPED_CHECKS.join(', ')}`);
  for (const f of result.accepted) console.log(`  accepted  ${show(f)}\n            ↳ ${f.reason}`);
  for (const f of result.informational) console.log(`  info      ${show(f)}`);
  for (const f of result.unexplained) console.log(`  UNEXPLAINED ${show(f)}`);
  for (const e of scan.errors) console.log(`  NOT SCANNED ${e.file}: ${e.message}`);
  for (const a of result.unusedAcceptances) console.log(`  note: ${ACCEPTED_FILE} accepts ${a.id} in ${a.file}, which is no longer reported; remove that row.`);
  const failed = result.unexplained.length > 0 || scan.errors.length > 0;
  console.log(
    failed
      ? `✘ ${result.unexplained.length} unexplained HIGH/MEDIUM finding(s), ${scan.errors.length} unscanned file(s): fix them, or explain them in ${ACCEPTED_FILE}.`
      : `✔ no unexplained HIGH/MEDIUM findings (${result.accepted.length} accepted, ${result.informational.length} low/informational) in ${Date.now() - started} ms`,
  );
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
