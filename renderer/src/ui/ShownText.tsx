/**
 * Text Corelog did not write, shown through the one rule of common/display-text.ts, in a span that
 * wraps anywhere: a 100,000-character word from a server wraps in its cell instead of widening
 * the table past the window.
 */
import { displayText } from '../../../common/display-text';
import './shown-text.css';

export function ShownText({ text, max, className, testId }: { text: unknown; max?: number; className?: string; testId?: string }) {
  return (
    <span className={className ? `shown-text ${className}` : 'shown-text'} data-testid={testId}>
      {displayText(text, { maxCharacters: max })}
    </span>
  );
}

/** How many characters a table cell shows of a server's text before saying how much more there is. */
export const CELL_CHARACTERS = 600;
