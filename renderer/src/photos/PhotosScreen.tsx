/**
 * The Photos screen: pick workspace › dataset › hole › imagery type, log intervals along the hole,
 * take photos in (picker, drag and drop, watch folder), review and queue them, and watch the
 * upload queue. Everything shown comes from IndexedDB, so it works offline once loaded.
 */
import { useEffect, useState } from 'react';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime } from '../app/time-format';
import { HoleLog } from './HoleLog';
import { HoleReportButton } from './hole-report/HoleReportButton';
import { holeNameProblem } from './interval-rules';
import { PhotoIntake } from './PhotoIntake';
import { PhotoViewer, type ViewerStart } from './PhotoViewer';
import { asBridgeError, createHole, refreshCatalogue, refreshHoles, refreshIntervals } from './photo-records';
import { UploadQueue } from './UploadQueue';
import { StripLogPanel } from './strip-log/StripLogPanel';
import { usePhotoSelection } from './use-photo-selection';
import { useIncompleteListNotes } from './incomplete-lists';
import { ShownText } from '../ui/ShownText';
import { DatasetOptions, ImageryTypeOptions, optionName, WorkspaceOptions } from './catalogue-options';

export function PhotosScreen() {
  const view = usePhotoSelection();
  const { selection, catalogue, workspace, dataset, hole, readonly, select } = view;
  const [error, setError] = useState<BridgeError | null>(null);
  const [newHole, setNewHole] = useState('');
  // Said while typing, so a pasted name with a control character is caught before it is queued.
  const newHoleProblem = newHole.trim() ? holeNameProblem(newHole) : null;
  const [viewer, setViewer] = useState<ViewerStart | null>(null);
  const partial = useIncompleteListNotes(selection.workspaceName, selection.datasetName, hole?.id);

  const attempt = (work: () => Promise<unknown>, quietWhenOffline = false) =>
    work().then(
      () => setError(null),
      (e: unknown) => {
        const bridgeError = asBridgeError(e);
        if (!(quietWhenOffline && bridgeError.retryable)) setError(bridgeError);
      },
    );

  useEffect(() => {
    void attempt(refreshCatalogue, true);
  }, []);
  useEffect(() => {
    if (selection.workspaceName && selection.datasetName) void attempt(() => refreshHoles(selection.workspaceName, selection.datasetName), true);
  }, [selection.workspaceName, selection.datasetName]);
  useEffect(() => {
    if (hole?.remoteId) void attempt(() => refreshIntervals(hole.workspaceName, hole.datasetName, hole.name), true);
  }, [hole?.id, hole?.remoteId]);

  return (
    <section className="screen photos" aria-labelledby="photos-title">
      <h1 id="photos-title">Photos</h1>
      <div className="card photo-selection">
        <div className="selection-grid">
          <label>
            Workspace
            <select aria-label="Workspace" value={selection.workspaceName} onChange={(e) => select({ workspaceName: e.target.value })}>
              <option value="">Choose…</option>
              <WorkspaceOptions catalogue={catalogue} />
            </select>
          </label>
          <label>
            Dataset
            <select aria-label="Dataset" value={selection.datasetName} onChange={(e) => select({ datasetName: e.target.value })} disabled={!workspace}>
              <option value="">Choose…</option>
              <DatasetOptions workspace={workspace} />
            </select>
          </label>
          <label>
            Hole
            <select aria-label="Hole" value={selection.holeId} onChange={(e) => select({ holeId: e.target.value })} disabled={!dataset}>
              <option value="">Choose…</option>
              {view.holes.map((h) => (
                <option key={h.id} value={h.id}>
                  {`${optionName(h.name)}${h.remoteId ? '' : ' (not in Imago yet)'}`}
                </option>
              ))}
            </select>
          </label>
          <label>
            Imagery type
            <select aria-label="Imagery type" value={selection.imageryTypeName} onChange={(e) => select({ imageryTypeName: e.target.value })} disabled={!dataset}>
              <option value="">Choose…</option>
              <ImageryTypeOptions dataset={dataset} />
            </select>
          </label>
        </div>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void attempt(async () => {
              const id = await createHole(selection.workspaceName, selection.datasetName, newHole);
              select({ holeId: id });
              setNewHole('');
            });
          }}
        >
          <input
            aria-label="New hole name"
            placeholder="New hole, e.g. FF-DD-0200"
            value={newHole}
            onChange={(e) => setNewHole(e.target.value)}
            disabled={!dataset || readonly}
            aria-invalid={newHoleProblem !== null}
            aria-describedby={newHoleProblem ? 'new-hole-problem' : undefined}
          />
          <button type="submit" disabled={!dataset || readonly || !newHole.trim() || newHoleProblem !== null}>
            New hole
          </button>
          <button type="button" onClick={() => void attempt(refreshCatalogue)}>
            Refresh from Imago
          </button>
          <HoleReportButton hole={hole} />
          {newHoleProblem && (
            <span className="field-error" id="new-hole-problem" role="alert">
              {newHoleProblem}
            </span>
          )}
          <span className="muted" data-testid="catalogue-age">
            {catalogue ? `Workspaces loaded ${formatDateTime(catalogue.fetchedAt)}` : 'Not loaded from Imago yet: sign in on the Connections screen.'}
          </span>
        </form>
        {readonly && (
          <p className="banner warning" role="status" data-testid="readonly-notice">
            “{workspace?.name}” is read-only for your account: you can browse its photos but not add or change anything.
          </p>
        )}
        {partial.holes && (
          <p className="banner warning" role="status" data-testid="hole-list-incomplete">
            Some holes of this dataset may be missing here: {partial.holes}. Refresh later, or ask your Imago administrator.
          </p>
        )}
        {hole && partial.intervals && (
          <p className="banner warning" role="status" data-testid="interval-list-incomplete">
            Some intervals of <ShownText text={hole.name} max={200} breakLongWords /> may be missing here: {partial.intervals}. Corelog still asks Imago about an interval before it uploads to it.
          </p>
        )}
        {error && <ErrorNotice error={error} testId="photos-error" />}
      </div>
      <StripLogPanel view={view} />
      <div className="photo-columns">
        <HoleLog view={view} onView={setViewer} />
        <div>
          <PhotoIntake view={view} />
          <UploadQueue />
        </div>
      </div>
      {viewer && <PhotoViewer view={view} start={viewer} onClose={() => setViewer(null)} />}
    </section>
  );
}
