/**
 * The archive source form's problems in its own words, for what a person can paste into it: too
 * many patterns, a pattern or a path longer than the bridge takes (zod's "Too big: expected
 * string to have <=300 characters" said nothing a geologist could act on).
 */
import { describe, expect, it } from 'vitest';
import { sourceFromDraft, type SourceDraft } from '../../../renderer/src/archive-import/source-draft';

const PATTERN = '{hole}_{from}_{to}_{imageType}';
const draft = (over: Partial<SourceDraft> = {}): SourceDraft => ({ folder: '/archive', patterns: PATTERN, manifest: '', workspaceName: 'W', datasetName: 'D', imageryTypeName: 'T', sample: '', ...over });
const problems = (over: Partial<SourceDraft>) => {
  const result = sourceFromDraft(draft(over));
  return result.ok ? null : result.problems;
};

describe('sourceFromDraft: what is pasted in', () => {
  it('accepts the ordinary source', () => {
    expect(sourceFromDraft(draft()).ok).toBe(true);
  });

  it('says how many patterns it takes', () => {
    const many = Array.from({ length: 21 }, (_, i) => `${PATTERN}_${i}`).join('\n');
    expect(problems({ patterns: many })).toEqual({ patterns: 'Give at most 20 patterns (one a line).' });
  });

  it('names the pattern that is too long, and how long a pattern may be', () => {
    expect(problems({ patterns: `${PATTERN}\n${PATTERN}_${'x'.repeat(300)}` })).toEqual({ patterns: 'Pattern 2 is longer than 300 characters.' });
  });

  it('says which path is too long', () => {
    expect(problems({ folder: `/${'x'.repeat(5000)}` })).toEqual({ folder: 'The folder path is longer than 4096 characters.' });
    expect(problems({ manifest: `/${'y'.repeat(5000)}` })).toEqual({ manifest: 'The manifest path is longer than 4096 characters.' });
  });
});
