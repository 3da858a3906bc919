/**
 * "New import": the archive folder, how to read it (filename/folder patterns with a live preview
 * on a sample path, and/or a CSV manifest) and where the photos go (workspace › dataset ›
 * imagery type from the cached Imago catalogue). "Dry run" checks it in main without uploading.
 * Browser mode cannot open a folder chooser (a page never learns a folder's path), so paths are
 * typed or pasted.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import type { BridgeError } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { formatDateTime } from '../app/time-format';
import { bridge } from '../bridge/bridge';
import { asBridgeError, refreshCatalogue } from '../photos/photo-records';
import { getSetting, photosDb } from '../photos/photos-db';
import type { PhotoSelection } from '../photos/use-photo-selection';
import { PatternPreview } from './PatternPreview';
import { recallDraft, rememberDraft, sourceFromDraft, type DraftField, type SourceDraft } from './source-draft';
import { DatasetOptions, ImageryTypeOptions, WorkspaceOptions } from '../photos/catalogue-options';

export function ArchiveSourceForm({ onStarted }: { onStarted: (status: ArchiveJobStatus) => void }) {
  const [draft, setDraft] = useState<SourceDraft>(recallDraft);
  const [problems, setProblems] = useState<Partial<Record<DraftField, string>>>({});
  const [error, setError] = useState<BridgeError | null>(null);
  const [busy, setBusy] = useState(false);
  const catalogue = useLiveQuery(() => photosDb.catalogue.get('imago'), []);
  const workspace = catalogue?.workspaces.find((w) => w.name === draft.workspaceName);
  const dataset = workspace?.datasets.find((d) => d.name === draft.datasetName);
  const imageType = dataset?.imageryTypes.find((t) => t.name === draft.imageryTypeName);

  useEffect(() => rememberDraft(draft), [draft]);
  // A first import starts from what the Photos screen is looking at.
  useEffect(() => {
    if (draft.workspaceName) return;
    void getSetting<Partial<PhotoSelection>>('selection', {}).then((selection) => {
      if (selection.workspaceName)
        setDraft((d) => (d.workspaceName ? d : { ...d, workspaceName: selection.workspaceName ?? '', datasetName: selection.datasetName ?? '', imageryTypeName: selection.imageryTypeName ?? '' }));
    });
  }, []);

  const change = (patch: Partial<SourceDraft>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      // Choosing something higher up clears what depended on it.
      if (patch.workspaceName !== undefined && patch.workspaceName !== d.workspaceName) Object.assign(next, { datasetName: '', imageryTypeName: '' });
      if (patch.datasetName !== undefined && patch.datasetName !== d.datasetName) next.imageryTypeName = '';
      return next;
    });
    // A field's problem goes as soon as the user works on it.
    setProblems((p) => {
      const fields = Object.keys(patch).map((k): DraftField => (k === 'workspaceName' || k === 'datasetName' || k === 'imageryTypeName' ? 'target' : (k as DraftField)));
      return Object.fromEntries(Object.entries(p).filter(([k]) => !fields.includes(k as DraftField)));
    });
  };

  const dryRun = async () => {
    const made = sourceFromDraft(draft);
    if (!made.ok) {
      setProblems(made.problems);
      // Focus the first field with a problem, so a keyboard user lands where the fix is.
      const first = (['folder', 'patterns', 'manifest', 'target'] as const).find((f) => made.problems[f]);
      document.getElementById(`archive-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await bridge.archiveDryRun(made.source);
      if (result.ok) onStarted(result.value);
      else setError(result.error);
    } finally {
      setBusy(false);
    }
  };

  const refresh = () =>
    refreshCatalogue().then(
      () => setError(null),
      (e: unknown) => setError(asBridgeError(e)),
    );
  const problem = (field: DraftField) =>
    problems[field] ? (
      <span className="field-error" id={`archive-${field}-problem`} role="alert">
        {problems[field]}
      </span>
    ) : null;
  const describedBy = (field: DraftField, help?: string) => [problems[field] ? `archive-${field}-problem` : '', help ?? ''].join(' ').trim() || undefined;

  return (
    <form
      className="card archive-source"
      aria-labelledby="archive-source-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void dryRun();
      }}
    >
      <h2 id="archive-source-title">New import</h2>
      <p className="hint">
        Corelog reads the folder and its subfolders, checks every file and shows what it would do — nothing is uploaded until you choose
        “Upload”. The job runs in Corelog’s background service: closing this window does not stop it.
      </p>
      <label className="archive-field">
        Archive folder
        <input
          id="archive-folder"
          value={draft.folder}
          onChange={(e) => change({ folder: e.target.value })}
          placeholder="/mnt/coreshed/photos/2019"
          spellCheck={false}
          aria-invalid={problems.folder !== undefined}
          aria-describedby={describedBy('folder', 'archive-folder-help')}
        />
      </label>
      <span id="archive-folder-help" className="muted">
        The folder’s full path on the computer running Corelog (a mounted share works). Type or paste it: a browser page cannot open a folder chooser.
      </span>
      {problem('folder')}

      <div className="archive-patterns">
        <label className="archive-field">
          Filename patterns (one a line, tried in order)
          <textarea
            id="archive-patterns"
            rows={3}
            value={draft.patterns}
            onChange={(e) => change({ patterns: e.target.value })}
            spellCheck={false}
            aria-invalid={problems.patterns !== undefined}
            aria-describedby={describedBy('patterns', 'archive-patterns-help')}
          />
        </label>
        <span id="archive-patterns-help" className="muted">
          Matched against the path inside the folder, with “/” between folders; the extension may be left out. Fields: {'{hole} {from} {to} {imageType} {any}'}.
        </span>
        {problem('patterns')}
        <label className="archive-field">
          Try on a path
          <input id="archive-sample" value={draft.sample} onChange={(e) => change({ sample: e.target.value })} spellCheck={false} aria-describedby="archive-preview" />
        </label>
        <PatternPreview id="archive-preview" samplePath={draft.sample} patterns={draft.patterns} imageTypes={imageType?.imageTypes.map((t) => t.name)} />
      </div>

      <label className="archive-field">
        Manifest CSV (optional)
        <input
          id="archive-manifest"
          value={draft.manifest}
          onChange={(e) => change({ manifest: e.target.value })}
          placeholder="/mnt/coreshed/photos/2019/manifest.csv"
          spellCheck={false}
          aria-invalid={problems.manifest !== undefined}
          aria-describedby={describedBy('manifest', 'archive-manifest-help')}
        />
      </label>
      <span id="archive-manifest-help" className="muted">
        Columns: file, hole, from, to, imageType, then one column per attribute. A file the manifest names is read from it, not from the patterns.
      </span>
      {problem('manifest')}

      <fieldset className="archive-target" aria-describedby={describedBy('target')}>
        <legend>Send to</legend>
        <div className="selection-grid">
          <label>
            Workspace
            <select id="archive-target" aria-label="Target workspace" value={draft.workspaceName} onChange={(e) => change({ workspaceName: e.target.value })}>
              <option value="">Choose…</option>
              <WorkspaceOptions catalogue={catalogue} disableReadonly />
            </select>
          </label>
          <label>
            Dataset
            <select aria-label="Target dataset" value={draft.datasetName} onChange={(e) => change({ datasetName: e.target.value })} disabled={!workspace}>
              <option value="">Choose…</option>
              <DatasetOptions workspace={workspace} />
            </select>
          </label>
          <label>
            Imagery type
            <select aria-label="Target imagery type" value={draft.imageryTypeName} onChange={(e) => change({ imageryTypeName: e.target.value })} disabled={!dataset}>
              <option value="">Choose…</option>
              <ImageryTypeOptions dataset={dataset} />
            </select>
          </label>
        </div>
        <div className="row">
          <button type="button" onClick={() => void refresh()}>
            Refresh from Imago
          </button>
          <span className="muted" data-testid="archive-catalogue-age">
            {catalogue ? `Workspaces loaded ${formatDateTime(catalogue.fetchedAt)}` : 'Workspaces not loaded yet: sign in to Imago on the Connections screen, then Refresh.'}
          </span>
        </div>
        {problem('target')}
      </fieldset>

      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Starting…' : 'Dry run'}
        </button>
      </div>
      {error && <ErrorNotice error={error} testId="archive-source-error" />}
    </form>
  );
}
