/**
 * Labels in their Dougal colours, and the type-ahead that picks them: type a few letters, then
 * Tab or Enter takes the highlighted match (↑/↓ move it), Backspace in the empty box drops the
 * last label. Enter with nothing typed is left to the form (it logs the event).
 */
import { useId, useState, type KeyboardEvent } from 'react';
import type { EventLabel } from '../../../common/bridge/event-log-contract';
import { inkOn, safeCssColour } from '../../../common/css-colour';
import { displayText } from '../../../common/display-text';
import '../ui/shown-text.css';

const MAX_SUGGESTIONS = 8;
/** A label's name or description is shown up to this many characters (a server may send 100,000). */
const LABEL_CHARACTERS = 200;

/** A label chip: the name shown safely and cut to the cell, the colour only when it is plainly a colour. */
export function LabelChip({ name, label, onRemove }: { name: string; label: EventLabel | undefined; onRemove?: () => void }) {
  const colour = safeCssColour(label?.colour);
  const shown = displayText(name, { maxCharacters: LABEL_CHARACTERS });
  return (
    <span
      className="label-chip"
      style={colour ? { backgroundColor: colour, color: inkOn(colour), borderColor: colour } : undefined}
      title={label?.description ? displayText(label.description, { maxCharacters: LABEL_CHARACTERS }) : shown}
    >
      <span className="label-chip-name">{shown}</span>
      {onRemove && (
        <button type="button" className="label-remove" aria-label={`Remove label ${shown}`} onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}

/**
 * The chosen labels with what is still typed in the box when the form is sent: a label's exact
 * name is taken (the list may not have been there yet when Enter was pressed, just after opening
 * the log); anything else stops the form, since logging without it would drop it silently.
 */
export function withTypedLabel(labels: EventLabel[], chosen: string[], typed: string): string[] {
  const name = typed.trim();
  if (!name) return chosen;
  const match = labels.find((l) => l.user && l.name.toLowerCase() === name.toLowerCase());
  if (!match) throw new Error(`“${name}” in the labels box is not a label of this project: pick one from the list, or clear the box.`);
  return chosen.includes(match.name) ? chosen : [...chosen, match.name];
}

export function LabelPicker({
  labels,
  value,
  onChange,
  label = 'Labels',
  typed,
  onTypedChange,
}: {
  labels: EventLabel[];
  value: string[];
  onChange: (next: string[]) => void;
  label?: string;
  /** The text in the box, when the form needs it at submit (withTypedLabel); else the picker keeps it. */
  typed?: string;
  onTypedChange?: (text: string) => void;
}) {
  const [ownText, setOwnText] = useState('');
  const text = typed ?? ownText;
  const setText = onTypedChange ?? setOwnText;
  const [highlight, setHighlight] = useState(0);
  const listId = useId();
  const needle = text.trim().toLowerCase();
  const suggestions = needle
    ? labels
        .filter((l) => l.user && !value.includes(l.name) && l.name.toLowerCase().includes(needle))
        .sort((a, b) => Number(!a.name.toLowerCase().startsWith(needle)) - Number(!b.name.toLowerCase().startsWith(needle)))
        .slice(0, MAX_SUGGESTIONS)
    : [];
  const byName = new Map(labels.map((l) => [l.name, l]));

  const take = (name: string) => {
    onChange([...value, name]);
    setText('');
    setHighlight(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setHighlight((h) => (suggestions.length ? (h + step + suggestions.length) % suggestions.length : 0));
    } else if ((event.key === 'Enter' || event.key === 'Tab') && needle) {
      const pick = suggestions[Math.min(highlight, suggestions.length - 1)];
      if (pick) {
        event.preventDefault();
        take(pick.name);
      } else if (event.key === 'Enter') {
        event.preventDefault(); // an unknown label: do not log the event with the typo in limbo
      }
    } else if (event.key === 'Backspace' && !text && value.length) {
      onChange(value.slice(0, -1));
    } else if (event.key === 'Escape' && text) {
      event.stopPropagation();
      setText('');
    }
  };

  return (
    <div className="label-picker">
      {value.map((name) => (
        <LabelChip key={name} name={name} label={byName.get(name)} onRemove={() => onChange(value.filter((n) => n !== name))} />
      ))}
      <input
        type="text"
        aria-label={label}
        role="combobox"
        aria-expanded={suggestions.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        value={text}
        placeholder={value.length ? '' : 'labels…'}
        onChange={(e) => {
          setText(e.target.value);
          setHighlight(0);
        }}
        onKeyDown={onKeyDown}
      />
      {suggestions.length > 0 && (
        <ul className="label-suggestions" role="listbox" id={listId}>
          {suggestions.map((l, i) => (
            <li
              key={l.name}
              role="option"
              aria-selected={i === highlight}
              className={i === highlight ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                take(l.name);
              }}
            >
              <LabelChip name={l.name} label={l} /> <span className="muted shown-text">{displayText(l.description, { maxCharacters: LABEL_CHARACTERS })}</span>
              {!l.multiple && <span className="muted"> · once per sequence</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
