/** The strip log's column choice for one imagery type: which attribute definitions show, and how. */
import type { StripColumn } from './strip-columns';
import { displayText } from '../../../../common/display-text';
import { NAME_CHARACTERS, ShownText } from '../../ui/ShownText';

export function ColumnChooser({ name, available, shown, multiple, onChoose }: { name: string; available: StripColumn[]; shown: StripColumn[]; multiple: boolean; onChoose: (keys: string[]) => void }) {
  const keys = shown.map((c) => c.key);
  const toggle = (key: string, on: boolean) => onChoose(on ? [...keys, key] : keys.filter((k) => k !== key));
  return (
    <details className="strip-columns">
      <summary className="shown-text">{multiple ? `Columns: ${displayText(name, { maxCharacters: NAME_CHARACTERS })}` : 'Columns'}</summary>
      <fieldset>
        <legend className="shown-text">Columns shown for {displayText(name, { maxCharacters: NAME_CHARACTERS })}</legend>
        {available.map((c) => (
          <label key={c.key} className="check">
            <input type="checkbox" checked={keys.includes(c.key)} onChange={(e) => toggle(c.key, e.target.checked)} />
            <ShownText text={`${c.definition} › ${c.attribute}`} max={NAME_CHARACTERS} /> <span className="muted">({c.kind === 'colour' ? 'colour' : c.kind === 'bar' ? 'bar' : 'text'})</span>
          </label>
        ))}
      </fieldset>
    </details>
  );
}
