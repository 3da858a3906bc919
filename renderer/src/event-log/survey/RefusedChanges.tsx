/**
 * Changes Dougal refused (a number already taken, a sequence gone, someone else's change first),
 * each with Dougal's reason in our words. They stay until the user fixes them (a new number,
 * "send mine anyway" after seeing theirs, try again) or drops them; a refused plan change holds
 * the later plan changes back, since they may build on it.
 */
import { useState } from 'react';
import { sequenceField } from '../../../../common/forms/number-fields';
import { CELL_CHARACTERS, ShownText } from '../../ui/ShownText';
import type { OutboxItem } from '../event-log-db';
import { changeStateOf } from './survey-change';
import { dropChange, reviseChange, sendMineAnyway } from './survey-writes';

function NewNumber({ item, onDone }: { item: OutboxItem; onDone: () => void }) {
  const change = item.survey!;
  const [text, setText] = useState(String(change.op === 'edit' ? (change.to ?? change.sequence) : change.sequence));
  const reading = sequenceField.read(text);
  const problem = reading.ok ? (reading.value === null || reading.value < 1 ? 'Give a sequence number.' : null) : reading.problem;
  const save = async () => {
    if (problem || !reading.ok || reading.value === null) return;
    const n = reading.value;
    if (change.op === 'add') await reviseChange(item.seq!, { ...change, sequence: n });
    else if (change.op === 'edit') await reviseChange(item.seq!, { ...change, to: n });
    onDone();
  };
  return (
    <span className="inline">
      <input
        aria-label="New number"
        className="entry-number"
        inputMode="numeric"
        value={text}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
          if (e.key === 'Escape') onDone();
        }}
      />
      <button type="button" onClick={() => void save()} disabled={problem !== null}>
        Send with this number
      </button>
      {problem && <span className="error">{problem}</span>}
    </span>
  );
}

export function RefusedChanges({ items, canWrite }: { items: OutboxItem[]; canWrite: boolean }) {
  const [renumbering, setRenumbering] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const refused = items.filter((i) => changeStateOf(i) === 'failed');
  if (refused.length === 0) return null;
  const act = (work: Promise<void>) => void work.catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  return (
    <div className="banner error" role="alert" data-testid="refused-changes">
      <p>
        <strong>Dougal did not take {refused.length === 1 ? 'this change' : `these ${refused.length} changes`}.</strong> They are kept here until you fix or drop them
        {refused.some((i) => i.kind === 'plan') ? '; later plan changes wait behind a refused one, since they may build on it.' : '.'}
      </p>
      <ul>
        {refused.map((item) => {
          const change = item.survey!;
          const numbered = change.op === 'add' || (change.op === 'edit' && change.to !== undefined);
          const conflict = item.lastError?.kind === 'conflict' && change.op !== 'add';
          return (
            <li key={item.seq} data-testid={`refused-${item.seq}`}>
              <ShownText text={item.label} max={CELL_CHARACTERS} /> — <ShownText testId="refusal-reason" text={item.lastError?.message ?? 'Refused.'} max={CELL_CHARACTERS} />{' '}
              {canWrite && (
                <span className="row inline">
                  {numbered &&
                    (renumbering === item.seq ? (
                      <NewNumber item={item} onDone={() => setRenumbering(null)} />
                    ) : (
                      <button type="button" onClick={() => setRenumbering(item.seq!)}>
                        Use another number…
                      </button>
                    ))}
                  {conflict && (
                    <button type="button" title="You have seen Dougal's version: send yours over it" onClick={() => act(sendMineAnyway(item.seq!))}>
                      Send mine anyway
                    </button>
                  )}
                  <button type="button" onClick={() => act(reviseChange(item.seq!, change))}>
                    Try again
                  </button>
                  <button type="button" onClick={() => act(dropChange(item.seq!))}>
                    Drop
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {problem && <p className="error">{problem}</p>}
    </div>
  );
}
