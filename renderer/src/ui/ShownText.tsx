/**
 * Text Corelog did not write, shown through the one rule of common/display-text.ts, in a span that
 * wraps anywhere: a 100,000-character word from a server wraps in its cell instead of widening
 * the table past the window. `breakLongWords` is for tables that keep short words whole (a
 * printed report's "Basalt" must not become "Basa-lt"): only words longer than LONG_WORD get
 * break opportunities, every BREAK_EVERY characters.
 */
import type { ReactNode } from 'react';
import { displayText } from '../../../common/display-text';
import './shown-text.css';

const LONG_WORD = 24;
const BREAK_EVERY = 16;

export function ShownText({ text, max, className, testId, breakLongWords = false }: { text: unknown; max?: number; className?: string; testId?: string; breakLongWords?: boolean }) {
  const shown = displayText(text, { maxCharacters: max });
  return (
    <span className={breakLongWords ? className : className ? `shown-text ${className}` : 'shown-text'} data-testid={testId}>
      {breakLongWords ? withBreaks(shown) : shown}
    </span>
  );
}

/** The text with a `<wbr>` every BREAK_EVERY code points inside each word longer than LONG_WORD. */
export function withBreaks(text: string): ReactNode[] {
  const longWords = new RegExp(`(\\S{${LONG_WORD + 1},})`, 'u');
  return text.split(longWords).flatMap((part, i) => {
    if (i % 2 === 0) return part ? [part] : [];
    const points = [...part];
    const pieces: ReactNode[] = [];
    for (let at = 0; at < points.length; at += BREAK_EVERY) {
      if (at > 0) pieces.push(<wbr key={`${i}:${at}`} />);
      pieces.push(points.slice(at, at + BREAK_EVERY).join(''));
    }
    return pieces;
  });
}

/** How many characters a table cell shows of a server's text before saying how much more there is. */
export const CELL_CHARACTERS = 600;
/** How many characters of a name (a hole, an attribute, an imagery type) a heading or a choice shows. */
export const NAME_CHARACTERS = 300;
/** How many characters a printed report's cell holds before saying how much more there is. */
export const REPORT_CELL_CHARACTERS = 2000;
