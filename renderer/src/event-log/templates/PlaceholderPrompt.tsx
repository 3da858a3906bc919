/**
 * The one small prompt a template with placeholders opens: one box per placeholder, in turn;
 * Enter goes to the next, and on the last one logs. Esc gives up (nothing is logged) and the
 * focus goes back to where it was.
 *
 * An event that could not be logged (a full disk) comes back here with what was typed
 * (`typed`) and why (`problem`), on the last box: the values are not typed twice, and Enter logs
 * it once the cause is gone.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { REMARKS_RULES } from '../../../../common/bridge/event-log-contract';
import { cleanFreeText, freeTextProblem } from '../../../../common/free-text';
import { fillPlaceholders, KEYS_OFF_ATTRIBUTE, placeholdersOf, templateTitle } from './template-model';
import type { TemplateRow } from './templates-db';

export interface PlaceholderPromptProps {
  template: TemplateRow;
  /** The filled remarks, and the values as typed (to come back with if the event is not logged). */
  onDone: (remarks: string, typed: ReadonlyMap<string, string>) => void;
  onCancel: () => void;
  /** Values typed before, for an event that was not logged: the prompt opens on its last box. */
  typed?: ReadonlyMap<string, string>;
  /** Why that event was not logged. */
  problem?: string | null;
}

export function PlaceholderPrompt({ template, onDone, onCancel, typed, problem: notLogged = null }: PlaceholderPromptProps) {
  const names = placeholdersOf(template.remarks);
  const allTyped = typed !== undefined && names.every((n) => (typed.get(n) ?? '').trim() !== '');
  const [index, setIndex] = useState(allTyped ? names.length - 1 : 0);
  // A Map, not an object: a placeholder may be called {constructor} or {toString}.
  const [values, setValues] = useState<ReadonlyMap<string, string>>(() => new Map(typed ?? []));
  const [problem, setProblem] = useState<string | null>(notLogged);
  const box = useRef<HTMLInputElement>(null);
  // The last Enter logs once: a second submit before the prompt closes must not log it again.
  const done = useRef(false);
  const name = names[index]!;
  const value = values.get(name) ?? '';

  useEffect(() => box.current?.focus(), [index]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) return setProblem(`Type the ${name} first (Esc cancels).`);
    const tooMuch = freeTextProblem(value, { ...REMARKS_RULES, multiline: false, label: `The ${name}` });
    if (tooMuch) return setProblem(tooMuch);
    setProblem(null);
    if (index < names.length - 1) return setIndex(index + 1);
    if (done.current) return;
    done.current = true;
    onDone(
      fillPlaceholders(template.remarks, new Map([...values].map(([k, v]) => [k, v.trim()]))),
      values,
    );
  };

  const preview = fillPlaceholders(template.remarks, new Map(names.slice(0, index).map((n) => [n, (values.get(n) ?? '').trim()])));
  return (
    <form className="template-prompt card" aria-label={`Fill in ${templateTitle(template)}`} onSubmit={submit} data-testid="template-prompt" {...{ [KEYS_OFF_ATTRIBUTE]: '' }}>
      <span className="muted">{preview}</span>
      <label>
        {name}{' '}
        <input
          ref={box}
          type="text"
          aria-label={name}
          value={value}
          onChange={(e) => setValues((v) => new Map(v).set(name, cleanFreeText(e.target.value, false)))}
          onKeyDown={(e) => {
            // A held Enter repeats: it would answer the next placeholder unseen, then (once the
            // prompt has closed and the focus is back) log whatever the entry line holds.
            if (e.key === 'Enter' && e.repeat) e.preventDefault();
            if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            }
          }}
          aria-invalid={problem !== null}
        />
      </label>
      <span className="muted">
        {names.length > 1 ? `${index + 1} of ${names.length} · ` : ''}Enter {index < names.length - 1 ? 'for the next' : 'logs it'}, Esc cancels
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
