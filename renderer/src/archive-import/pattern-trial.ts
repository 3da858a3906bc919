/**
 * Tries archive patterns on one sample path for the live preview, with the same rules the dry run
 * uses (common/photos/archive-pattern.ts): each pattern on its own, to say what it reads or why it
 * does not fit, and all of them in order, to say which one the import would use.
 */
import { compileArchivePattern, matchArchivePath, type ArchiveFields, type CompiledArchivePattern } from '../../../common/photos/archive-pattern';

export interface PatternTrial {
  pattern: string;
  /** Why the pattern cannot be used at all, or null. */
  problem: string | null;
  /** What it reads from the sample, or null when it does not fit. */
  fields: ArchiveFields | null;
  /** Why it does not fit the sample (null when it fits or cannot be used). */
  misfit: string | null;
}

/** `imageTypes`: the target imagery type's, when chosen (turns `wet` into `Wet`, refuses unknown types). */
export function tryPatterns(samplePath: string, patterns: readonly string[], imageTypes?: readonly string[]): { trials: PatternTrial[]; used: number | null } {
  const path = samplePath.trim();
  const usable: CompiledArchivePattern[] = [];
  const trials = patterns.map((pattern): PatternTrial => {
    const compiled = compileArchivePattern(pattern);
    if (!compiled.ok) return { pattern, problem: compiled.reason, fields: null, misfit: null };
    usable.push(compiled.compiled);
    if (!path) return { pattern, problem: null, fields: null, misfit: null };
    const match = matchArchivePath(path, [compiled.compiled], imageTypes);
    if (match.ok) return { pattern, problem: null, fields: match.fields, misfit: null };
    // Alone, "no pattern fits (tried …)" only repeats the pattern: say it plainly; keep a reason that says which part failed.
    return { pattern, problem: null, fields: null, misfit: match.reason.startsWith('The name fits') ? match.reason : 'does not fit this path' };
  });
  // The dry run refuses the whole source when one pattern cannot be used, so then none is "used".
  if (!path || usable.length !== patterns.length) return { trials, used: null };
  const overall = matchArchivePath(path, usable, imageTypes);
  return { trials, used: overall.ok ? usable.findIndex((c) => c.pattern === overall.pattern) : null };
}
