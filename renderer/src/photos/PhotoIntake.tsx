/**
 * Taking photos in: the file picker, drag and drop, and the watch folder of a tethered camera.
 * Files go to main by reference; main checks, converts and stores them and sends back a
 * thumbnail. Each accepted photo waits here as a draft, bound to hole, interval and image type
 * (from its file name or the current selection), until the user queues it; refused files are
 * listed with the reason. Depths are the dataset's units, labelled so; a draft's From and To are
 * read by the same field rule as everywhere (common/forms), and one that is wrong is said at the
 * field and keeps the draft from being queued.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import type { StageableFile, StagedFileOutcome } from '../../../common/bridge/contract';
import type { WatchFolderStatus } from '../../../common/bridge/photo-contract';
import type { BridgeError } from '../../../common/errors';
import { fromDepthField, toDepthField } from '../../../common/forms/depth-fields';
import type { FormField } from '../../../common/forms/form-field';
import { lengthUnitWords, withLengthUnit } from '../../../common/forms/length-units';
import { filenamePatternProblem } from '../../../common/forms/text-fields';
import { DEFAULT_FILENAME_PATTERN } from '../../../common/photos/filename-pattern';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge, onBridgeLinkState } from '../bridge/bridge';
import { useEngineLock } from '../sync/engine-lock';
import { asBridgeError, discardDrafts, draftProblem, intakeStaged, queueDrafts, updateDraftBinding, type IntakeDefaults } from './photo-records';
import { optionName } from './catalogue-options';
import { photosDb, type TrayPhoto } from './photos-db';
import { useBlobUrl } from './use-blob-url';
import type { ResolvedSelection } from './use-photo-selection';

export function PhotoIntake({ view }: { view: ResolvedSelection }) {
  const { selection, imageryType, interval, hole, readonly, workspace, dataset, lengthUnits: units } = view;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [left, setLeft] = useState<{ name: string; reason: string }[]>([]);
  /** Files of the last intake that could be neither kept nor listed as refused (a full disk). */
  const [notKept, setNotKept] = useState<{ name: string; reason: string }[]>([]);
  const [dragging, setDragging] = useState(false);
  const watch = useWatchFolder();
  const drafts = useLiveQuery(
    () =>
      photosDb.photos
        .where('state')
        .equals('draft')
        .filter((p) => p.workspaceName === selection.workspaceName && p.datasetName === selection.datasetName)
        .sortBy('originalName'),
    [selection.workspaceName, selection.datasetName],
    [],
  );
  const rejections = useLiveQuery(() => photosDb.rejections.orderBy('at').reverse().limit(200).toArray(), [], []);
  const canTakeIn = Boolean(workspace && dataset && imageryType) && !readonly;

  const defaults = (): IntakeDefaults => ({
    workspaceName: selection.workspaceName,
    datasetName: selection.datasetName,
    pattern: watch.status?.pattern ?? DEFAULT_FILENAME_PATTERN,
    imageryType,
    binding: {
      hole: hole?.name,
      imageryTypeName: imageryType?.name,
      imageTypeName: selection.imageTypeName || imageryType?.imageTypes[0]?.name,
      from: interval?.from,
      to: interval?.to,
    },
  });

  const takeIn = async (label: string, stage: () => Promise<StagedFileOutcome[]>, source: TrayPhoto['source']) => {
    setBusy(label);
    setNotKept([]);
    try {
      const staged = await stage();
      const { accepted, alreadyWaiting, rejected, notKept: lost } = await intakeStaged(staged, defaults(), source);
      setError(null);
      setNotKept(lost);
      const added = accepted - alreadyWaiting;
      setBusy(`Took in ${added} photo${added === 1 ? '' : 's'}${alreadyWaiting ? `; ${alreadyWaiting} already waiting for review` : ''}${rejected ? `; ${rejected} refused` : ''}.`);
    } catch (e) {
      setError(asBridgeError(e));
      setBusy(null);
    }
  };
  const takeInFiles = (files: readonly StageableFile[]) => {
    if (files.length === 0 || !canTakeIn) return;
    void takeIn(`Taking in ${files.length} file${files.length === 1 ? '' : 's'}…`, async () => {
      // One outcome per file: those that could not be handed over are listed as refused, with their reason.
      const result = await bridge.stageFiles(files);
      if (!result.ok) throw Object.assign(new Error(result.error.message), { bridgeError: result.error });
      return result.value;
    }, 'picker');
  };

  // The watch folder's finds are taken in while this screen is open (review comes before queueing).
  const watchLock = useEngineLock('photo-watch-folder');
  const pendingRefs = watch.status?.pending.map((f) => f.ref).join() ?? '';
  const takingIn = useRef(new Set<string>());
  useEffect(() => {
    const files = (watch.status?.pending ?? []).filter((f) => !takingIn.current.has(f.ref));
    if (!watchLock || !canTakeIn || files.length === 0) return;
    for (const file of files) takingIn.current.add(file.ref);
    void takeIn(`Taking in ${files.length} file${files.length === 1 ? '' : 's'} from the watch folder…`, async () => files.map((f) => ({ ok: true as const, ref: f.ref, name: f.name, bytes: f.bytes })), 'watch-folder').finally(() => {
      // A find whose intake was cut off (the link lost) is still offered: tried again with the next status.
      for (const file of files) takingIn.current.delete(file.ref);
    });
  }, [watchLock, canTakeIn, pendingRefs]);

  const ready = drafts.filter((d) => !draftProblem(d, imageryType));
  // One queueing at a time: a double click must not start a second run over the same drafts.
  const [queueing, setQueueing] = useState(false);
  const queueRunning = useRef(false);
  const queueReady = async () => {
    if (queueRunning.current || !imageryType) return;
    queueRunning.current = true;
    setQueueing(true);
    try {
      setLeft((await queueDrafts(ready.map((d) => d.id), imageryType)).left);
    } catch (e) {
      setError(asBridgeError(e));
    } finally {
      queueRunning.current = false;
      setQueueing(false);
    }
  };
  return (
    <div className="card photo-intake">
      <h2>Take photos in</h2>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}${canTakeIn ? '' : ' disabled'}`}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          takeInFiles([...e.dataTransfer.files]);
        }}
      >
        <label className="file-pick">
          <span>{canTakeIn ? 'Drop tray photos here, or choose files' : readonly ? 'Read-only workspace' : 'Choose workspace, dataset and imagery type first'}</span>
          <input
            type="file"
            multiple
            accept="image/*,.tif,.tiff"
            aria-label="Add photos"
            disabled={!canTakeIn}
            onChange={(e) => {
              takeInFiles([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        {imageryType && (
          <label>
            Image type for photos whose name does not say
            <select value={selection.imageTypeName || imageryType.imageTypes[0]?.name} onChange={(e) => view.select({ imageTypeName: e.target.value })}>
              {imageryType.imageTypes.map((t) => (
                <option key={t.name} value={t.name}>
                  {optionName(t.name)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <WatchFolderSettings watch={watch} disabled={readonly} units={units} />
      {busy && (
        <p className="save-state" role="status" data-testid="intake-status">
          {busy}
        </p>
      )}
      {error && <ErrorNotice error={error} testId="intake-error" />}
      {notKept.length > 0 && (
        <div className="notice notice-error" role="alert" data-testid="intake-not-kept">
          <span>
            Not taken in: {notKept.length} file{notKept.length === 1 ? '' : 's'} (nothing of them is saved in Corelog; the files you picked are where they were):
          </span>
          <ul>
            {notKept.map((file, i) => (
              <li key={i}>
                {file.name}: {file.reason}
              </li>
            ))}
          </ul>
        </div>
      )}

      {drafts.length > 0 && (
        <section aria-label="Review before queueing" className="review">
          <div className="row">
            <h3>Review ({drafts.length})</h3>
            <button
              type="button"
              className="primary"
              disabled={readonly || !imageryType || ready.length === 0 || queueing}
              data-testid="queue-drafts"
              onClick={() => void queueReady()}
            >
              Queue {ready.length} photo{ready.length === 1 ? '' : 's'}
            </button>
            <button type="button" onClick={() => void discardDrafts(drafts.map((d) => d.id))}>
              Discard all
            </button>
          </div>
          <ul className="draft-list" data-testid="draft-list">
            {drafts.map((d) => (
              <DraftRow key={d.id} photo={d} problem={draftProblem(d, imageryType)} imageTypes={imageryType?.imageTypes.map((t) => t.name) ?? []} units={units} />
            ))}
          </ul>
          {left.length > 0 && (
            <ul className="left-behind" data-testid="left-behind">
              {left.map((l, i) => (
                <li key={i}>
                  {l.name}: {l.reason}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {rejections.length > 0 && (
        <section aria-label="Refused files" className="rejections">
          <div className="row">
            <h3>Refused ({rejections.length})</h3>
            <button type="button" onClick={() => void photosDb.rejections.clear()}>
              Clear
            </button>
          </div>
          <ul data-testid="rejections">
            {rejections.map((r) => (
              <li key={r.id} data-testid="rejection">
                <strong>{r.name}</strong>: <span className="error">{r.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function DraftRow({ photo, problem, imageTypes, units }: { photo: TrayPhoto; problem: string | null; imageTypes: string[]; units: string | undefined }) {
  const url = useBlobUrl(photo.thumbnail);
  const b = photo.binding;
  return (
    <li className="draft" data-testid="draft">
      {url && <img className="draft-thumb" src={url} alt={`Thumbnail of ${photo.originalName}`} />}
      <div className="draft-body">
        <span className="draft-name">
          {photo.originalName} <span className="muted">{photo.width} × {photo.height}</span>
        </span>
        {photo.converted && <span className="muted">{photo.converted}</span>}
        <span className="draft-binding">
          <DraftHole photo={photo} />
          <DraftDepth photo={photo} side="from" field={fromDepthField} units={units} />
          <DraftDepth photo={photo} side="to" field={toDepthField} units={units} />
          <select aria-label="Image type" value={b.imageTypeName} onChange={(e) => void updateDraftBinding(photo.id, { imageTypeName: e.target.value })}>
            {!imageTypes.includes(b.imageTypeName) && <option value={b.imageTypeName}>{b.imageTypeName ? optionName(b.imageTypeName) : 'Choose…'}</option>}
            {imageTypes.map((t) => (
              // The value is the exact name: without it the browser takes the text with its spaces collapsed.
              <option key={t} value={t}>
                {optionName(t)}
              </option>
            ))}
          </select>
        </span>
        {problem && <span className="field-error">{problem}</span>}
      </div>
      <button type="button" onClick={() => void discardDrafts([photo.id])} aria-label={`Discard ${photo.originalName}`}>
        ✕
      </button>
    </li>
  );
}

/**
 * A draft's hole. The field shows what is typed, not the stored value, which follows a keystroke
 * later (each change is written in order, none lost); a change made elsewhere is taken up while
 * the field is not being edited.
 */
function DraftHole({ photo }: { photo: TrayPhoto }) {
  const stored = photo.binding.hole;
  const [text, setText] = useState(stored);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (document.activeElement !== input.current) setText(stored);
  }, [stored]);
  return (
    <input
      ref={input}
      aria-label="Hole"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        void updateDraftBinding(photo.id, { hole: e.target.value });
      }}
    />
  );
}

/**
 * A draft's From or To. Every change is read by the depth field's rule and stored at once: a
 * depth, or nothing when the text is not one (`5,5`, `-2`), so a draft whose field shows a problem
 * can never be queued with an older value.
 */
function DraftDepth({ photo, side, field, units }: { photo: TrayPhoto; side: 'from' | 'to'; field: FormField<number>; units: string | undefined }) {
  const [text, setText] = useState(() => String(photo.binding[side] ?? ''));
  const reading = field.read(text);
  const problemId = `draft-${side}-problem-${photo.id}`;
  return (
    // Input above its message, in the binding's grid cell (layout here until styles.css has a rule for it).
    <span className="draft-depth" style={{ display: 'grid', gap: '0.2rem', minWidth: 0 }}>
      <input
        aria-label={withLengthUnit(field.label, units)}
        inputMode="decimal"
        value={text}
        aria-invalid={!reading.ok}
        aria-describedby={reading.ok ? undefined : problemId}
        onChange={(e) => {
          setText(e.target.value);
          const next = field.read(e.target.value);
          void updateDraftBinding(photo.id, { [side]: next.ok ? next.value : null });
        }}
      />
      {!reading.ok && (
        <span className="field-error" id={problemId} data-testid={`draft-${side}-problem`} role="alert">
          {reading.problem}
        </span>
      )}
    </span>
  );
}

interface WatchFolderState {
  status: WatchFolderStatus | null;
  error: BridgeError | null;
  save(folder: string | null, pattern: string): Promise<void>;
}

function useWatchFolder(): WatchFolderState {
  const [status, setStatus] = useState<WatchFolderStatus | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  useEffect(() => {
    const read = () => void bridge.getWatchFolder().then((r) => r.ok && setStatus(r.value));
    const off = bridge.on('watchFolderChanged', setStatus);
    // Changes sent while the link was down never arrive: a restarted service has offered its finds again by now.
    const offLink = onBridgeLinkState((state) => state === 'open' && read());
    read();
    return () => {
      off();
      offLink();
    };
  }, []);
  return {
    status,
    error,
    async save(folder, pattern) {
      const result = await bridge.setWatchFolder({ folder, pattern });
      if (result.ok) {
        setStatus(result.value);
        setError(null);
      } else setError(result.error);
    },
  };
}

function WatchFolderSettings({ watch, disabled, units }: { watch: WatchFolderState; disabled: boolean; units: string | undefined }) {
  const [folder, setFolder] = useState('');
  const [pattern, setPattern] = useState(DEFAULT_FILENAME_PATTERN);
  // The same rule main applies to the pattern (common/forms), said while typing.
  const patternProblem = filenamePatternProblem(pattern);
  const unitWords = lengthUnitWords(units);
  const loaded = useRef(false);
  useEffect(() => {
    if (!watch.status || loaded.current) return;
    loaded.current = true;
    setFolder(watch.status.folder ?? '');
    setPattern(watch.status.pattern);
  }, [watch.status]);
  return (
    <details className="watch-folder">
      <summary>
        Watch folder and file names{' '}
        <span className="muted" data-testid="watch-state">
          {watch.status?.watching ? `watching ${watch.status.folder}` : 'not watching'}
        </span>
      </summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!patternProblem) void watch.save(folder.trim() || null, pattern);
        }}
      >
        <label>
          Folder the camera writes to (full path)
          <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/Pictures/tethered" disabled={disabled} />
        </label>
        <label>
          File name pattern ({'{hole}'}, {'{from}'}, {'{to}'}, {'{imageType}'}, {'{any}'})
          <input
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
            aria-label="File name pattern"
            aria-invalid={patternProblem !== null}
            aria-describedby={patternProblem ? 'filename-pattern-problem' : 'filename-pattern-hint'}
          />
        </label>
        <p className="hint" id="filename-pattern-hint" data-testid="filename-pattern-hint">
          {'{from}'} and {'{to}'} are depths{unitWords ? ` in ${unitWords}, the dataset’s units` : ' in the dataset’s units'}, e.g.{' '}
          <code>FF-DD-0012_102.0_106.8_Wet.jpg</code>.
        </p>
        {patternProblem && (
          <p className="field-error" id="filename-pattern-problem" data-testid="filename-pattern-problem" role="alert">
            {patternProblem}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={disabled || patternProblem !== null}>
            Save
          </button>
          {watch.status?.watching && (
            <button type="button" onClick={() => void watch.save(null, patternProblem ? (watch.status?.pattern ?? DEFAULT_FILENAME_PATTERN) : pattern)}>
              Stop watching
            </button>
          )}
        </div>
      </form>
      {watch.status?.error && <p className="field-error">{watch.status.error}</p>}
      {watch.error && <ErrorNotice error={watch.error} testId="watch-error" />}
    </details>
  );
}
