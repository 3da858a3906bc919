/**
 * The "new import" form as the user left it (folder, patterns, manifest, target, sample path),
 * remembered in this window per profile: preparing an import of a big archive is a few tries of
 * the patterns, and a reload must not lose them. Turned into the contract's `ArchiveSource` with
 * its own field-by-field problems, before anything is sent.
 */
import { archiveSourceSchema, type ArchiveSource } from '../../../common/bridge/archive-contract';
import type { z } from 'zod';
import { compileArchivePatterns } from '../../../common/photos/archive-pattern';
import { recall, remember } from '../app/remembered';

export interface SourceDraft {
  folder: string;
  /** One pattern a line, tried in order. */
  patterns: string;
  manifest: string;
  workspaceName: string;
  datasetName: string;
  imageryTypeName: string;
  /** A path to try the patterns on (the live preview). */
  sample: string;
}

export const EMPTY_DRAFT: SourceDraft = {
  folder: '',
  patterns: '{hole}/{from}-{to}_{imageType}\n{hole}_{from}_{to}_{imageType}',
  manifest: '',
  workspaceName: '',
  datasetName: '',
  imageryTypeName: '',
  sample: 'FF-DD-0012/102.0-106.8_Wet.jpg',
};

const KEY = 'archiveImportDraft';

export function recallDraft(): SourceDraft {
  try {
    const stored = JSON.parse(recall(KEY) ?? 'null') as Partial<SourceDraft> | null;
    if (!stored || typeof stored !== 'object') return EMPTY_DRAFT;
    const draft = { ...EMPTY_DRAFT };
    for (const key of Object.keys(EMPTY_DRAFT) as (keyof SourceDraft)[]) if (typeof stored[key] === 'string') draft[key] = stored[key];
    return draft;
  } catch {
    // An unreadable note from another version: start from the default.
    return EMPTY_DRAFT;
  }
}

export function rememberDraft(draft: SourceDraft): void {
  remember(KEY, JSON.stringify(draft));
}

/** The draft's pattern lines (blank lines ignored). */
export function patternLines(draft: Pick<SourceDraft, 'patterns'>): string[] {
  return draft.patterns
    .split(/\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Where each field's problem is shown. */
export type DraftField = 'folder' | 'patterns' | 'manifest' | 'target';

/** The source to send, or the problems to show beside their fields. */
export function sourceFromDraft(draft: SourceDraft): { ok: true; source: ArchiveSource } | { ok: false; problems: Partial<Record<DraftField, string>> } {
  const problems: Partial<Record<DraftField, string>> = {};
  if (!draft.workspaceName || !draft.datasetName || !draft.imageryTypeName) problems.target = 'Choose the workspace, dataset and imagery type the photos go to.';
  const parsed = archiveSourceSchema.safeParse({
    folder: draft.folder,
    patterns: patternLines(draft),
    manifest: draft.manifest.trim() === '' ? null : draft.manifest,
    target: { workspaceName: draft.workspaceName, datasetName: draft.datasetName, imageryTypeName: draft.imageryTypeName },
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'folder') problems.folder ??= draft.folder.trim() === '' ? 'Give the archive folder’s full path.' : plainIssue(issue, 'The folder path');
      else if (field === 'patterns') problems.patterns ??= typeof issue.path[1] === 'number' ? plainIssue(issue, `Pattern ${issue.path[1] + 1}`) : plainIssue(issue, 'The list of patterns');
      else if (field === 'manifest') problems.manifest ??= plainIssue(issue, 'The manifest path');
      else if (field === 'target') problems.target ??= 'Choose the workspace, dataset and imagery type the photos go to.';
      // The "patterns or manifest" rule is about the whole source: said under the patterns.
      else problems.patterns ??= issue.message;
    }
  }
  // Said here too: the schema's whole-source rule does not run while a field has a problem.
  const lines = patternLines(draft);
  if (lines.length === 0 && draft.manifest.trim() === '') problems.patterns ??= 'Give at least one filename pattern or a manifest.';
  // A pattern the dry run would refuse is said before anything is sent.
  const compiled = compileArchivePatterns(lines);
  if (!compiled.ok) problems.patterns ??= `${compiled.reason}.`;
  if (!parsed.success || Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, source: parsed.data };
}

/** A schema issue in the form's words ("Pattern 3 is longer than 300 characters"), not zod's. */
function plainIssue(issue: z.core.$ZodIssue, what: string): string {
  if (issue.code === 'too_big') return issue.origin === 'array' ? `Give at most ${String(issue.maximum)} patterns (one a line).` : `${what} is longer than ${String(issue.maximum)} characters.`;
  if (issue.code === 'too_small') return `${what} is empty.`;
  return issue.message;
}

/** A draft from a job's source (to change it and dry-run again), keeping the sample path. */
export function draftFromSource(source: ArchiveSource, sample: string): SourceDraft {
  return {
    folder: source.folder,
    patterns: source.patterns.join('\n'),
    manifest: source.manifest ?? '',
    workspaceName: source.target.workspaceName,
    datasetName: source.target.datasetName,
    imageryTypeName: source.target.imageryTypeName,
    sample,
  };
}
