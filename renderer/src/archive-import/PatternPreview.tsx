/**
 * The live preview of the patterns: what each pattern reads from a sample path, as the user
 * types, and which one the import would use (the first that fits). A pattern that cannot be used
 * says why at once, before any dry run.
 */
import { patternLines } from './source-draft';
import { tryPatterns } from './pattern-trial';

export function PatternPreview({ id, samplePath, patterns, imageTypes }: { id: string; samplePath: string; patterns: string; imageTypes?: readonly string[] }) {
  const lines = patternLines({ patterns });
  const { trials, used } = tryPatterns(samplePath, lines, imageTypes);
  const hasSample = samplePath.trim() !== '';
  return (
    <div id={id} className="pattern-preview" aria-live="polite" data-testid="pattern-preview">
      {lines.length === 0 ? (
        <p className="muted">No pattern: every file must be named in the manifest.</p>
      ) : (
        <ol>
          {trials.map((trial, index) => (
            <li key={index} data-testid="pattern-trial" data-fits={trial.fields !== null} className={index === used ? 'pattern-used' : undefined}>
              <code>{trial.pattern}</code>{' '}
              {trial.problem ? (
                <span className="field-error">cannot be used: {trial.problem}</span>
              ) : trial.fields ? (
                <span>
                  {index === used ? '✓ used: ' : '✓ fits (an earlier pattern wins): '}
                  hole {trial.fields.hole} · from {trial.fields.from} · to {trial.fields.to} · image type {trial.fields.imageType}
                </span>
              ) : (
                <span className="muted">{hasSample ? (trial.misfit ?? 'does not fit') : 'type a path above to try it'}</span>
              )}
            </li>
          ))}
        </ol>
      )}
      {lines.length > 0 && hasSample && used === null && trials.every((t) => !t.problem) && (
        <p className="muted">This path would be listed as “Not matched” unless the manifest names it.</p>
      )}
    </div>
  );
}
