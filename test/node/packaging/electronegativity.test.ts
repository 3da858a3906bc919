/** The Electronegativity stage's rules: HIGH/MEDIUM findings fail unless build/electronegativity-accepted.md explains them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_FILE, classifyFindings, parseAccepted } from '../../../scripts/electronegativity.mjs';

describe('electronegativity acceptance', () => {
  const accepted = parseAccepted(readFileSync(ACCEPTED_FILE, 'utf8'));

  it('reads the accepted findings, each with a reason', () => {
    expect(accepted.map((a) => a.id)).toEqual(expect.arrayContaining(['OPEN_EXTERNAL_JS_CHECK', 'PRELOAD_JS_CHECK']));
    for (const entry of accepted) expect(entry.reason.length).toBeGreaterThan(40);
  });

  it('fails an unexplained HIGH or MEDIUM finding and passes explained and low ones', () => {
    const result = classifyFindings(
      [
        { id: 'OPEN_EXTERNAL_JS_CHECK', severity: 'MEDIUM', file: 'electron/main/web-contents-security.main.ts' },
        { id: 'OPEN_EXTERNAL_JS_CHECK', severity: 'MEDIUM', file: 'electron/main/somewhere-else.main.ts' },
        { id: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH', file: 'electron/main/main-window.main.ts' },
        { id: 'CSP_GLOBAL_CHECK', severity: 'LOW', file: 'electron/main/app-protocol.main.ts' },
      ],
      accepted,
    );
    expect(result.accepted.map((f) => f.file)).toEqual(['electron/main/web-contents-security.main.ts']);
    expect(result.unexplained.map((f) => `${f.id} ${f.file}`)).toEqual(['OPEN_EXTERNAL_JS_CHECK electron/main/somewhere-else.main.ts', 'CONTEXT_ISOLATION_JS_CHECK electron/main/main-window.main.ts']);
    expect(result.informational).toHaveLength(1);
    expect(result.unusedAcceptances.map((a) => a.id)).toEqual(['PRELOAD_JS_CHECK']);
  });
});
