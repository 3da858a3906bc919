/**
 * The hole's depth strip (intervals in depth order, with their photos and the gaps between them)
 * and the form that logs intervals from the keyboard: a new interval starts at the last To, Tab
 * moves through the fields, Enter saves and starts the next one, and attributes marked "carry"
 * (Alt+C at a field, remembered per imagery type) start with the previous interval's values. Text
 * attributes offer a pick list (the definition's values and those used in the dataset) with
 * type-ahead; a value new to the dataset is flagged once. Depths are in the dataset's units, shown
 * with them and sent to Imago as typed; every field is checked as it is typed with the rule the
 * bridge applies too (common/forms), and what fails is said at the field. An interval can be
 * removed (Imago documents no delete: one it has is removed here only, with a note saying so),
 * and one changed in Imago while a local edit waited is shown side by side until the user chooses.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { Fragment, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AttributeValues, CatalogueImageryType } from '../../../common/bridge/photo-contract';
import { displayText } from '../../../common/display-text';
import { attributeRuleHint } from '../../../common/forms/attribute-rules';
import { fromDepthField, toDepthField } from '../../../common/forms/depth-fields';
import { lengthUnitWords, withLengthUnit } from '../../../common/forms/length-units';
import { changedAttributes } from '../../../common/photos/attribute-versions';
import { formatDateTime } from '../app/time-format';
import { NAME_CHARACTERS, ShownText } from '../ui/ShownText';
import { attributeText, carriedText, carryForwardKey, formatRange, gapsBetween, intervalError, isNewPickValue, parseAttributes, pickListValues, typeAhead, valueText } from './interval-rules';
import { asBridgeError, deleteInterval, refreshIntervals, resolveConflict, saveInterval, usedAttributeValues } from './photo-records';
import { getSetting, photosDb, rememberSetting, type ImageryInterval, type OutboxItem, type RemovedInterval, type TrayPhoto } from './photos-db';
import type { ViewerStart } from './PhotoViewer';
import { isStructuredValue } from '../../../common/photos/attribute-value';
import { useEditStart } from './edit-start';
import { useBlobUrl } from './use-blob-url';
import type { ResolvedSelection } from './use-photo-selection';

export function HoleLog({ view, onView }: { view: ResolvedSelection; onView: (start: ViewerStart) => void }) {
  const { hole, imageryType, intervals, interval: selected, readonly, select, lengthUnits: units } = view;
  const photos = useLiveQuery(
    () => (intervals.length ? photosDb.photos.where('intervalId').anyOf(intervals.map((i) => i.id)).toArray() : Promise.resolve([] as TrayPhoto[])),
    [intervals.map((i) => i.id).join()],
    [],
  );
  const writes = useLiveQuery(() => (hole ? photosDb.outbox.where('kind').equals('interval').filter((o) => o.holeId === hole.id).toArray() : Promise.resolve([] as OutboxItem[])), [hole?.id], []);
  const removed = useLiveQuery(() => (hole ? photosDb.removedIntervals.where('holeId').equals(hole.id).toArray() : Promise.resolve([] as RemovedInterval[])), [hole?.id], []);
  const carry = useLiveQuery(() => (imageryType ? getSetting<string[]>(carryForwardKey(imageryType.name), []) : Promise.resolve([])), [imageryType?.name]);
  const used = useLiveQuery(
    () => (view.workspace && view.dataset && imageryType ? usedAttributeValues(view.workspace.name, view.dataset.name, imageryType.name) : Promise.resolve(new Map())),
    [view.workspace?.name, view.dataset?.name, imageryType?.name],
  );
  // Each save of a new interval starts a fresh form (a new key), so the next one begins at the last To.
  const [round, setRound] = useState(0);
  // The new interval just saved: the next form starts once the strip has it (its To is the next From).
  const [awaiting, setAwaiting] = useState<string | null>(null);
  useEffect(() => {
    if (awaiting && intervals.some((i) => i.id === awaiting)) {
      setAwaiting(null);
      setRound((r) => r + 1);
    }
  }, [awaiting, intervals]);
  const [notice, setNotice] = useState<{ text: string; testId: string } | null>(null);
  useEffect(() => setNotice(null), [hole?.id, imageryType?.name]);

  // A write that main refused as a conflict: read Imago's copy once so it can be shown beside ours.
  const fetchedFor = useRef(new Set<string>());
  useEffect(() => {
    if (!hole?.remoteId) return;
    const refused = writes.filter((o) => o.state === 'failed' && o.lastError?.kind === 'conflict' && o.intervalId && !fetchedFor.current.has(o.intervalId));
    if (!refused.some((o) => !intervals.find((i) => i.id === o.intervalId)?.conflict)) return;
    for (const o of refused) fetchedFor.current.add(o.intervalId!);
    refreshIntervals(hole.workspaceName, hole.datasetName, hole.name).catch(() => undefined);
  }, [writes, intervals, hole]);

  if (!hole || !imageryType) {
    return (
      <div className="card">
        <h2>Depth strip</h2>
        <p className="muted">Choose a hole and an imagery type to log intervals.</p>
      </div>
    );
  }
  const gaps = gapsBetween(intervals);
  const waiting = new Set(writes.map((o) => o.intervalId));
  const removedHere = removed.filter((r) => r.imageryTypeName === imageryType.name);
  return (
    <div className="card">
      <h2 className="shown-text">
        {displayText(hole.name, { maxCharacters: NAME_CHARACTERS })} · {displayText(imageryType.name, { maxCharacters: NAME_CHARACTERS })}
      </h2>
      {lengthUnitWords(units) && (
        <p className="muted" data-testid="depth-units">
          Depths in {lengthUnitWords(units)}, as the dataset keeps them.
        </p>
      )}
      <ol className="depth-strip" aria-label="Depth strip" data-testid="depth-strip">
        {intervals.length === 0 && <li className="muted">No intervals yet.</li>}
        {intervals.map((interval) => {
          const gap = gaps.find((g) => g.to === interval.from);
          const mine = photos.filter((p) => p.intervalId === interval.id);
          const state = interval.conflict ? 'conflict' : !interval.remoteId ? 'not sent yet' : waiting.has(interval.id) ? 'changes not sent yet' : 'in Imago';
          return (
            <Fragment key={interval.id}>
              {gap && (
                <li className="gap-warning" role="note">
                  Gap {formatRange(gap, units)} not logged
                </li>
              )}
              <li className={`strip-interval${selected?.id === interval.id ? ' selected' : ''}`} data-testid="strip-interval" data-sync={state}>
                <button type="button" className="strip-range" onClick={() => select({ intervalId: interval.id })} aria-pressed={selected?.id === interval.id}>
                  {formatRange(interval, units)}
                </button>
                <span className={`strip-sync${interval.conflict ? ' field-error' : ' muted'}`}>{interval.conflict ? 'changed in Imago too: choose' : state}</span>
                <span className="strip-photos">
                  {mine.map((p) => (
                    <Thumb key={p.id} photo={p} onOpen={() => onView({ intervalId: interval.id, key: `local:${p.id}` })} />
                  ))}
                  {interval.remoteImages
                    .filter((r) => !mine.some((p) => p.remoteImageId === r.id))
                    .map((r) => (
                      <button key={r.id} type="button" className="remote-image" onClick={() => onView({ intervalId: interval.id, key: `remote:${r.id}` })}>
                        {displayText(r.imageTypeName, { maxCharacters: NAME_CHARACTERS })}
                      </button>
                    ))}
                </span>
              </li>
            </Fragment>
          );
        })}
      </ol>
      {removedHere.length > 0 && (
        <div className="banner warning" data-testid="removed-here">
          Removed on this computer but still in Imago (its API has no way to delete an interval; remove {removedHere.length === 1 ? 'it' : 'them'} in Imago):{' '}
          {removedHere.map((r) => formatRange(r, units)).join(', ')}.
        </div>
      )}
      {notice && (
        <p className="save-state" role="status" data-testid={notice.testId}>
          {notice.text}
        </p>
      )}
      {carry !== undefined && used !== undefined && (
        <IntervalForm
          key={`${hole.id}/${imageryType.name}/${selected?.id ?? `new-${round}`}`}
          view={view}
          imageryType={imageryType}
          editing={selected}
          readonly={readonly}
          carry={carry}
          used={used}
          focusTo={round > 0 && !selected}
          onSaved={(id, wasNew) => {
            setNotice({ text: 'Saved on this computer; it goes to Imago with the next sync.', testId: 'interval-saved' });
            if (wasNew) setAwaiting(id);
            else select({ intervalId: id });
          }}
          onRemoved={(text) => {
            setNotice({ text, testId: 'interval-removed' });
            select({ intervalId: '' });
          }}
          onNew={() => {
            setNotice(null);
            setRound((r) => r + 1);
            select({ intervalId: '' });
          }}
        />
      )}
    </div>
  );
}

function Thumb({ photo, onOpen }: { photo: TrayPhoto; onOpen: () => void }) {
  const url = useBlobUrl(photo.thumbnail);
  return (
    <button type="button" className={`thumb state-${photo.state}`} onClick={onOpen} title={displayText(`${photo.originalName} · ${photo.binding.imageTypeName} · ${photo.state}`, { maxCharacters: NAME_CHARACTERS })}>
      {url && <img src={url} alt={displayText(`${photo.binding.imageTypeName} photo ${photo.originalName}`, { maxCharacters: NAME_CHARACTERS })} />}
    </button>
  );
}

interface IntervalFormProps {
  view: ResolvedSelection;
  imageryType: CatalogueImageryType;
  editing: ImageryInterval | undefined;
  readonly: boolean;
  /** Attribute keys (`definition.attribute`) carried forward to a new interval. */
  carry: readonly string[];
  /** Values each attribute has in the dataset (pick lists). */
  used: Map<string, (string | number | boolean | null)[]>;
  /** Put the cursor in To (the next interval after a save: From is already the last To). */
  focusTo: boolean;
  onSaved(id: string, wasNew: boolean): void;
  onRemoved(text: string): void;
  onNew(): void;
}

function IntervalForm({ view, imageryType, editing, readonly, carry, used, focusTo, onSaved, onRemoved, onNew }: IntervalFormProps) {
  const units = view.lengthUnits;
  const nextFrom = view.intervals.length ? Math.max(...view.intervals.map((i) => i.to)) : 0;
  const previous = view.intervals.find((i) => Math.abs(i.to - nextFrom) < 1e-9);
  const [from, setFrom] = useState(String(editing?.from ?? nextFrom));
  const [to, setTo] = useState(editing ? String(editing.to) : '');
  const [text, setText] = useState(() => (editing ? attributeText(editing.attributes) : carriedText(carry, previous)));
  const [problem, setProblem] = useState<string | null>(null);
  // Values new to the dataset, flagged once: the key → the value the user was told about.
  const [flagged, setFlagged] = useState<Record<string, string>>({});
  const [confirmRemove, setConfirmRemove] = useState(false);
  // The Imago version this form's values start from: a refresh landing while it is open is not it.
  const editStart = useEditStart(editing);
  const toInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusTo) toInput.current?.focus();
  }, [focusTo]);

  // Imago's API has no way to move an interval (POST /imagery upserts by depths), so depths are fixed once it is there.
  const depthsFixed = Boolean(editing?.remoteId);
  // Each depth is read by its field's rule (`5,5` asks for a point, `-2` is refused); the pair only when both are depths.
  const fromReading = fromDepthField.read(from);
  const toReading = toDepthField.read(to);
  const fromProblem = fromReading.ok ? null : fromReading.problem;
  const toProblem = toReading.ok ? null : toReading.problem;
  const range = { id: editing?.id, from: fromReading.ok ? (fromReading.value ?? NaN) : NaN, to: toReading.ok ? (toReading.value ?? NaN) : NaN };
  const rangeProblem = fromReading.ok && toReading.ok && fromReading.value !== null && toReading.value !== null ? intervalError(range, view.intervals, units) : null;
  const leavesGap = !editing && Number.isFinite(range.from) && view.intervals.length > 0 && range.from - nextFrom > 1e-6 ? formatRange({ from: nextFrom, to: range.from }, units) : null;
  // Values the form has no field for (definitions the cached catalogue lacks) stay as Imago has them.
  const { values, issues } = parseAttributes(imageryType, text, editing?.attributes);
  const pickLists = new Map<string, string[]>(
    imageryType.attributeDefinitions.flatMap((d) =>
      d.attributeTypes.filter((t) => t.dataType === 'string').map((t): [string, string[]] => [`${d.name}.${t.name}`, pickListValues(t.values, used.get(`${d.name}.${t.name}`) ?? [])]),
    ),
  );
  // New to a list that has values; with nothing known yet (no hole of the dataset opened here) nothing is flagged.
  const newValues = [...pickLists].filter(([key, list]) => {
    const [name, attribute] = pairOf(key, imageryType);
    if (list.length === 0) return false;
    const value = text[name]?.[attribute] ?? '';
    return isNewPickValue(value, list) && value.trim() !== String(editing?.attributes[name]?.[attribute] ?? '').trim();
  });

  const submit = async () => {
    const depthProblem = fromProblem ?? toProblem ?? rangeProblem ?? intervalError(range, view.intervals, units);
    if (depthProblem || Object.keys(issues).length) return setProblem(depthProblem ?? 'Fix the attributes marked below.');
    const unflagged = newValues.filter(([key]) => {
      const [name, attribute] = pairOf(key, imageryType);
      return flagged[key] !== (text[name]?.[attribute] ?? '').trim();
    });
    if (unflagged.length) {
      // Said once at the field; Enter again keeps the value (then it is in the dataset's list).
      setFlagged((f) => ({ ...f, ...Object.fromEntries(unflagged.map(([key]) => {
          const [name, attribute] = pairOf(key, imageryType);
          return [key, (text[name]?.[attribute] ?? '').trim()];
        })) }));
      return setProblem('A value is new to this dataset (marked below): press Enter again to keep it.');
    }
    try {
      const base = editing ? { base: editStart.base() } : {};
      const id = await saveInterval({ id: editing?.id, holeId: view.hole!.id, imageryTypeName: imageryType.name, from: range.from, to: range.to, attributes: values, ...base });
      editStart.saved(values);
      setProblem(null);
      onSaved(id, !editing);
    } catch (error) {
      setProblem(asBridgeError(error).message);
    }
  };

  const remove = async () => {
    if (!editing) return;
    try {
      const { stillInImago } = await deleteInterval(editing.id);
      onRemoved(
        stillInImago
          ? `Removed ${formatRange(editing, units)} on this computer. Imago’s API has no way to delete an interval, so it is still in Imago: remove it there.`
          : `Removed ${formatRange(editing, units)}; it had not been sent to Imago.`,
      );
    } catch (error) {
      setConfirmRemove(false);
      setProblem(asBridgeError(error).message);
    }
  };

  const toggleCarry = (key: string) => {
    const next = carry.includes(key) ? carry.filter((k) => k !== key) : [...carry, key];
    void rememberSetting(carryForwardKey(imageryType.name), next);
  };

  return (
    <form
      className="interval-form"
      aria-label={editing ? 'Edit interval' : 'New interval'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {editing?.conflict && <ConflictPanel interval={editing} imageryType={imageryType} />}
      <fieldset disabled={readonly}>
        <legend>{editing ? `Interval ${formatRange(editing, units)}` : 'New interval'}</legend>
        <div className="depth-inputs">
          <label>
            {withLengthUnit('From', units)}
            <input
              inputMode="decimal"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              aria-invalid={fromProblem !== null || rangeProblem !== null}
              aria-describedby={fromProblem ? 'interval-from-problem' : undefined}
              readOnly={depthsFixed}
            />
            {fromProblem && (
              <span className="field-error" id="interval-from-problem" data-testid="interval-from-problem" role="alert">
                {fromProblem}
              </span>
            )}
          </label>
          <label>
            {withLengthUnit('To', units)}
            <input
              ref={toInput}
              inputMode="decimal"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              aria-invalid={toProblem !== null || rangeProblem !== null}
              aria-describedby={toProblem ? 'interval-to-problem' : undefined}
              readOnly={depthsFixed}
            />
            {toProblem && (
              <span className="field-error" id="interval-to-problem" data-testid="interval-to-problem" role="alert">
                {toProblem}
              </span>
            )}
          </label>
        </div>
        {depthsFixed && <p className="hint">Imago keys an interval by its depths, so the depths of an interval already in Imago stay as they are.</p>}
        {rangeProblem && (
          <p className="field-error" role="alert" data-testid="interval-problem">
            {rangeProblem}
          </p>
        )}
        {!rangeProblem && leavesGap && (
          <p className="hint warning" data-testid="interval-gap">
            Leaves {leavesGap} unlogged.
          </p>
        )}
        <p className="hint">Tab moves through the fields, Enter saves and starts the next interval; Alt+C at a field carries it forward to the next one.</p>
        {imageryType.attributeDefinitions.map((definition) => (
          <fieldset key={definition.name} className="attribute-group">
            <legend className="shown-text">{displayText(definition.name, { maxCharacters: NAME_CHARACTERS })}</legend>
            {definition.attributeTypes.map((type) => {
              const key = `${definition.name}.${type.name}`;
              const value = text[definition.name]?.[type.name] ?? '';
              const set = (v: string) => setText((t) => ({ ...t, [definition.name]: { ...t[definition.name], [type.name]: v } }));
              const carried = carry.includes(key);
              const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
                if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === 'c') {
                  e.preventDefault();
                  toggleCarry(key);
                }
              };
              const hint = attributeRuleHint(type);
              const pickList = pickLists.get(key);
              const isFlagged = flagged[key] !== undefined && flagged[key] === value.trim() && newValues.some(([k]) => k === key);
              return (
                <div key={key} className="attribute" onKeyDown={onKeyDown}>
                  <label className="attribute">
                    <ShownText text={type.name} max={NAME_CHARACTERS} />
                    {isStructuredValue(editing?.attributes[definition.name]?.[type.name]) ? (
                      // An object or list set elsewhere: shown as it is and written back unchanged, never edited here.
                      <input type="text" value={value} readOnly aria-readonly="true" data-testid="attribute-structured" title="Set outside Corelog; kept as it is" />
                    ) : type.dataType === 'note' ? (
                      <textarea
                        rows={2}
                        value={value}
                        onChange={(e) => set(e.target.value)}
                        aria-invalid={key in issues}
                        onKeyDown={(e) => {
                          // Enter makes a new line in a note; Ctrl+Enter saves as Enter does elsewhere.
                          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                            e.preventDefault();
                            void submit();
                          }
                        }}
                      />
                    ) : type.dataType === 'colour' ? (
                      <span className="colour-input">
                        <input value={value} onChange={(e) => set(e.target.value)} placeholder="#RRGGBB" aria-invalid={key in issues} />
                        <input type="color" aria-label={`${type.name} picker`} value={/^#[0-9a-f]{6}$/i.test(value) ? value : '#000000'} onChange={(e) => set(e.target.value.toUpperCase())} tabIndex={-1} />
                      </span>
                    ) : type.dataType === 'date' ? (
                      // Typed (checked against the calendar at the field) or picked.
                      <span className="colour-input date-input">
                        <input value={value} onChange={(e) => set(e.target.value)} placeholder="YYYY-MM-DD" aria-invalid={key in issues} />
                        <input type="date" aria-label={`${type.name} picker`} value={key in issues ? '' : value} onChange={(e) => set(e.target.value)} tabIndex={-1} />
                      </span>
                    ) : pickList ? (
                      <PickListInput value={value} values={pickList} onChange={set} invalid={key in issues} label={type.name} />
                    ) : (
                      <input type="text" inputMode={type.dataType === 'number' ? 'decimal' : undefined} value={value} onChange={(e) => set(e.target.value)} aria-invalid={key in issues} />
                    )}
                    {issues[key] && (
                      <span className="field-error" data-testid="attribute-problem">
                        {issues[key]}
                      </span>
                    )}
                  </label>
                  {hint && <span className="muted attribute-rule">{hint}</span>}
                  {isFlagged && (
                    <span className="hint warning" data-testid="new-value-flag">
                      “{displayText(value.trim(), { maxCharacters: NAME_CHARACTERS })}” is new for {displayText(type.name, { maxCharacters: NAME_CHARACTERS })} in this dataset.
                    </span>
                  )}
                  <label className="carry muted">
                    {/* Named without the attribute's name, so a label search for the field finds the field only. */}
                    <input type="checkbox" tabIndex={-1} checked={carried} onChange={() => toggleCarry(key)} data-carry={key} title={`Carry ${type.name} forward to the next interval (Alt+C)`} /> carry forward
                  </label>
                </div>
              );
            })}
          </fieldset>
        ))}
        <div className="row">
          <button type="submit" className="primary">
            {editing ? 'Save interval' : 'Add interval'}
          </button>
          <button type="button" onClick={onNew}>
            New interval
          </button>
          {editing &&
            (confirmRemove ? (
              <>
                <button type="button" className="danger" onClick={() => void remove()}>
                  Remove {formatRange(editing, units)}
                </button>
                <button type="button" onClick={() => setConfirmRemove(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" onClick={() => setConfirmRemove(true)}>
                Delete interval
              </button>
            ))}
        </div>
        {editing && confirmRemove && (
          <p className="hint" data-testid="remove-note">
            {editing.remoteId
              ? 'Imago’s API has no way to delete an interval: it will be removed on this computer only and stay in Imago until someone removes it there.'
              : 'It has not been sent to Imago: it is simply removed.'}
          </p>
        )}
      </fieldset>
      {problem && (
        <p className="field-error" role="alert" data-testid="interval-error">
          {problem}
        </p>
      )}
    </form>
  );
}

/**
 * The definition and attribute a `definition.attribute` key names. Either name may hold a dot
 * ("Geol. logging", "Au g.t"), so a key is matched against the pairs it can be made of (the
 * catalogue's and the values'), never cut at its first dot; only a key none of them makes is.
 */
function pairOf(key: string, ...sources: (CatalogueImageryType | AttributeValues | undefined)[]): [string, string] {
  for (const source of sources) {
    if (!source) continue;
    const pairs: [string, string][] =
      'attributeDefinitions' in source && Array.isArray(source.attributeDefinitions)
        ? source.attributeDefinitions.flatMap((d) => d.attributeTypes.map((t): [string, string] => [d.name, t.name]))
        : Object.entries(source as AttributeValues).flatMap(([name, values]) => Object.keys(values ?? {}).map((attribute): [string, string] => [name, attribute]));
    const pair = pairs.find(([name, attribute]) => `${name}.${attribute}` === key);
    if (pair) return pair;
  }
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/**
 * A text field with the attribute's pick list: typing completes the first value that starts with
 * what was typed (the completed part selected, so typing on replaces it and Backspace drops it),
 * ↓ and ↑ step through the matching values, and a value not in the list is still allowed.
 */
function PickListInput({ value, values, onChange, invalid, label }: { value: string; values: readonly string[]; onChange(v: string): void; invalid: boolean; label: string }) {
  const input = useRef<HTMLInputElement>(null);
  const selection = useRef<[number, number] | null>(null);
  const [focused, setFocused] = useState(false);
  // The typed prefix the suggestions are for (the completion itself is not part of it).
  const [typed, setTyped] = useState(value);
  useLayoutEffect(() => {
    if (selection.current && input.current && document.activeElement === input.current) input.current.setSelectionRange(...selection.current);
    selection.current = null;
  });
  const matches = values.filter((v) => v.toLowerCase().startsWith(typed.trim().toLowerCase())).slice(0, 8);
  const listId = `pick-${label.replace(/\W+/g, '-')}`;
  return (
    <span className="pick-list">
      <input
        ref={input}
        type="text"
        value={value}
        aria-label={label}
        role="combobox"
        aria-autocomplete="inline"
        aria-expanded={focused && matches.length > 0}
        aria-controls={listId}
        aria-invalid={invalid}
        onFocus={() => {
          setFocused(true);
          setTyped(value);
        }}
        onBlur={() => setFocused(false)}
        onChange={(e) => {
          const next = e.target.value;
          const inserting = (e.nativeEvent as InputEvent).inputType?.startsWith('insert') ?? false;
          setTyped(next);
          const completion = inserting && e.target.selectionStart === next.length ? typeAhead(next, values) : null;
          if (completion) {
            const start = next.length - next.trimStart().length;
            selection.current = [next.length, start + completion.length];
            onChange(next.slice(0, start) + completion);
          } else onChange(next);
        }}
        onKeyDown={(e) => {
          if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && matches.length > 0) {
            e.preventDefault();
            const at = matches.findIndex((m) => m === value);
            const next = matches[(at + (e.key === 'ArrowDown' ? 1 : matches.length - 1) + (at < 0 && e.key === 'ArrowUp' ? 1 : 0)) % matches.length]!;
            onChange(next);
          }
        }}
      />
      {focused && matches.length > 0 && (
        <ul className="pick-suggestions" id={listId} role="listbox" aria-label={`${label} values`}>
          {matches.map((m) => (
            <li
              key={m}
              role="option"
              aria-selected={m === value}
              onMouseDown={(e) => {
                e.preventDefault();
                onChange(m);
                setTyped(m);
              }}
            >
              {m}
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}

/** An interval changed in Imago while a local edit waited: both side by side, the user chooses. */
function ConflictPanel({ interval, imageryType }: { interval: ImageryInterval; imageryType: CatalogueImageryType }) {
  const conflict = interval.conflict!;
  const [error, setError] = useState<string | null>(null);
  const known = imageryType.attributeDefinitions.flatMap((d) => d.attributeTypes.map((t) => `${d.name}.${t.name}`));
  const differing = new Set(changedAttributes(interval.attributes, conflict.attributes));
  const keys = [...known, ...[...differing].filter((k) => !known.includes(k))];
  const show = (values: AttributeValues, key: string) => {
    const [name, attribute] = pairOf(key, imageryType, interval.attributes, conflict.attributes);
    const v = valueText(values[name]?.[attribute]);
    return v === '' ? '—' : displayText(v, { maxCharacters: NAME_CHARACTERS });
  };
  const choose = (choice: 'mine' | 'theirs') => resolveConflict(interval.id, choice).catch((e: unknown) => setError(asBridgeError(e).message));
  return (
    <section className="banner warning interval-conflict" data-testid="interval-conflict" aria-label="Changed in Imago too">
      <p>
        This interval was changed in Imago{conflict.updatedAt && !Number.isNaN(Date.parse(conflict.updatedAt)) ? ` (${formatDateTime(conflict.updatedAt)})` : ''} while your change waited to be sent. Nothing has been overwritten: choose which to keep.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Attribute</th>
            <th scope="col">On this computer</th>
            <th scope="col">In Imago</th>
          </tr>
        </thead>
        <tbody>
          {keys
            .filter((key) => differing.has(key) || show(interval.attributes, key) !== '—')
            .map((key) => (
              <tr key={key} data-testid="conflict-row" data-differs={differing.has(key) ? 'yes' : 'no'} className={differing.has(key) ? 'field-error' : undefined}>
                <th scope="row">
                  <ShownText text={pairOf(key, imageryType, interval.attributes, conflict.attributes)[1]} max={NAME_CHARACTERS} />
                </th>
                <td data-testid="conflict-mine">{show(interval.attributes, key)}</td>
                <td data-testid="conflict-theirs">{show(conflict.attributes, key)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" onClick={() => void choose('mine')}>
          Keep mine (send to Imago)
        </button>
        <button type="button" onClick={() => void choose('theirs')}>
          Take Imago’s
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
    </section>
  );
}
