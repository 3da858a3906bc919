/**
 * The hole's depth strip (intervals in depth order, with their photos and the gaps between them)
 * and the form that adds or edits an interval and its attributes. Depths are in the dataset's
 * units, shown with them and sent to Imago as typed; every field is checked as it is typed with
 * the rule the bridge applies too (common/forms), and what fails is said at the field.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { Fragment, useEffect, useState } from 'react';
import type { CatalogueImageryType } from '../../../common/bridge/photo-contract';
import { fromDepthField, toDepthField } from '../../../common/forms/depth-fields';
import { lengthUnitWords, withLengthUnit } from '../../../common/forms/length-units';
import { attributeText, formatRange, gapsBetween, intervalError, parseAttributes } from './interval-rules';
import { asBridgeError, saveInterval } from './photo-records';
import { photosDb, type ImageryInterval, type TrayPhoto } from './photos-db';
import type { ViewerStart } from './PhotoViewer';
import { useBlobUrl } from './use-blob-url';
import type { ResolvedSelection } from './use-photo-selection';

export function HoleLog({ view, onView }: { view: ResolvedSelection; onView: (start: ViewerStart) => void }) {
  const { hole, imageryType, intervals, interval: selected, readonly, select, lengthUnits: units } = view;
  const photos = useLiveQuery(
    () => (intervals.length ? photosDb.photos.where('intervalId').anyOf(intervals.map((i) => i.id)).toArray() : Promise.resolve([] as TrayPhoto[])),
    [intervals.map((i) => i.id).join()],
    [],
  );
  if (!hole || !imageryType) {
    return (
      <div className="card">
        <h2>Depth strip</h2>
        <p className="muted">Choose a hole and an imagery type to log intervals.</p>
      </div>
    );
  }
  const gaps = gapsBetween(intervals);
  return (
    <div className="card">
      <h2>
        {hole.name} · {imageryType.name}
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
          return (
            <Fragment key={interval.id}>
              {gap && (
                <li className="gap-warning" role="note">
                  Gap {formatRange(gap, units)} not logged
                </li>
              )}
              <li className={`strip-interval${selected?.id === interval.id ? ' selected' : ''}`} data-testid="strip-interval">
                <button type="button" className="strip-range" onClick={() => select({ intervalId: interval.id })} aria-pressed={selected?.id === interval.id}>
                  {formatRange(interval, units)}
                </button>
                <span className="strip-sync muted">{interval.remoteId ? 'in Imago' : 'not sent yet'}</span>
                <span className="strip-photos">
                  {mine.map((p) => (
                    <Thumb key={p.id} photo={p} onOpen={() => onView({ intervalId: interval.id, key: `local:${p.id}` })} />
                  ))}
                  {interval.remoteImages
                    .filter((r) => !mine.some((p) => p.remoteImageId === r.id))
                    .map((r) => (
                      <button key={r.id} type="button" className="remote-image" onClick={() => onView({ intervalId: interval.id, key: `remote:${r.id}` })}>
                        {r.imageTypeName}
                      </button>
                    ))}
                </span>
              </li>
            </Fragment>
          );
        })}
      </ol>
      <IntervalForm key={`${hole.id}/${imageryType.name}/${selected?.id ?? 'new'}`} view={view} imageryType={imageryType} editing={selected} readonly={readonly} />
    </div>
  );
}

function Thumb({ photo, onOpen }: { photo: TrayPhoto; onOpen: () => void }) {
  const url = useBlobUrl(photo.thumbnail);
  return (
    <button type="button" className={`thumb state-${photo.state}`} onClick={onOpen} title={`${photo.originalName} · ${photo.binding.imageTypeName} · ${photo.state}`}>
      {url && <img src={url} alt={`${photo.binding.imageTypeName} photo ${photo.originalName}`} />}
    </button>
  );
}

function IntervalForm({ view, imageryType, editing, readonly }: { view: ResolvedSelection; imageryType: CatalogueImageryType; editing: ImageryInterval | undefined; readonly: boolean }) {
  const units = view.lengthUnits;
  const nextFrom = view.intervals.length ? Math.max(...view.intervals.map((i) => i.to)) : 0;
  const [from, setFrom] = useState(String(editing?.from ?? nextFrom));
  const [to, setTo] = useState(editing ? String(editing.to) : '');
  const [text, setText] = useState(() => attributeText(editing?.attributes ?? {}));
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => setSaved(null), [from, to, text]);

  // Imago's API has no way to move an interval (POST /imagery upserts by depths), so depths are fixed once it is there.
  const depthsFixed = Boolean(editing?.remoteId);
  // Each depth is read by its field's rule (`5,5` asks for a point, `-2` is refused); the pair only when both are depths.
  const fromReading = fromDepthField.read(from);
  const toReading = toDepthField.read(to);
  const fromProblem = fromReading.ok ? null : fromReading.problem;
  const toProblem = toReading.ok ? null : toReading.problem;
  const range = { id: editing?.id, from: fromReading.ok ? (fromReading.value ?? NaN) : NaN, to: toReading.ok ? (toReading.value ?? NaN) : NaN };
  const rangeProblem = fromReading.ok && toReading.ok && fromReading.value !== null && toReading.value !== null ? intervalError(range, view.intervals, units) : null;
  // Values the form has no field for (definitions the cached catalogue lacks) stay as Imago has them.
  const { values, issues } = parseAttributes(imageryType, text, editing?.attributes);

  const submit = async () => {
    const depthProblem = fromProblem ?? toProblem ?? rangeProblem ?? intervalError(range, view.intervals, units);
    if (depthProblem || Object.keys(issues).length) return setProblem(depthProblem ?? 'Fix the attributes marked below.');
    try {
      const id = await saveInterval({ id: editing?.id, holeId: view.hole!.id, imageryTypeName: imageryType.name, from: range.from, to: range.to, attributes: values });
      setProblem(null);
      setSaved('Saved on this computer; it goes to Imago with the next sync.');
      view.select({ intervalId: id });
    } catch (error) {
      setProblem(asBridgeError(error).message);
    }
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
        {imageryType.attributeDefinitions.map((definition) => (
          <fieldset key={definition.name} className="attribute-group">
            <legend>{definition.name}</legend>
            {definition.attributeTypes.map((type) => {
              const key = `${definition.name}.${type.name}`;
              const value = text[definition.name]?.[type.name] ?? '';
              const set = (v: string) => setText((t) => ({ ...t, [definition.name]: { ...t[definition.name], [type.name]: v } }));
              return (
                <label key={key} className="attribute">
                  {type.name}
                  {type.dataType === 'note' ? (
                    <textarea rows={2} value={value} onChange={(e) => set(e.target.value)} aria-invalid={key in issues} />
                  ) : type.dataType === 'colour' ? (
                    <span className="colour-input">
                      <input value={value} onChange={(e) => set(e.target.value)} placeholder="#RRGGBB" aria-invalid={key in issues} />
                      <input type="color" aria-label={`${type.name} picker`} value={/^#[0-9a-f]{6}$/i.test(value) ? value : '#000000'} onChange={(e) => set(e.target.value.toUpperCase())} />
                    </span>
                  ) : type.dataType === 'date' ? (
                    // Typed (checked against the calendar at the field) or picked.
                    <span className="colour-input date-input">
                      <input value={value} onChange={(e) => set(e.target.value)} placeholder="YYYY-MM-DD" aria-invalid={key in issues} />
                      <input type="date" aria-label={`${type.name} picker`} value={key in issues ? '' : value} onChange={(e) => set(e.target.value)} tabIndex={-1} />
                    </span>
                  ) : (
                    <input type="text" inputMode={type.dataType === 'number' ? 'decimal' : undefined} value={value} onChange={(e) => set(e.target.value)} aria-invalid={key in issues} />
                  )}
                  {issues[key] && (
                    <span className="field-error" data-testid="attribute-problem">
                      {issues[key]}
                    </span>
                  )}
                </label>
              );
            })}
          </fieldset>
        ))}
        <div className="row">
          <button type="submit" className="primary">
            {editing ? 'Save interval' : 'Add interval'}
          </button>
          {editing && (
            <button type="button" onClick={() => view.select({ intervalId: '' })}>
              New interval
            </button>
          )}
        </div>
      </fieldset>
      {problem && (
        <p className="field-error" role="alert" data-testid="interval-error">
          {problem}
        </p>
      )}
      {saved && <p className="save-state">{saved}</p>}
    </form>
  );
}
