/**
 * The printable hole report (issue 12 §4): a header (workspace, dataset, hole, units, date, who),
 * the strip log drawn for print, the interval table with every attribute, the tray photos in depth
 * order, and the photos the cache on this computer does not have. It covers the whole window on
 * screen; printed, it is all that prints (hole-report.css), so the desktop app's Save as PDF
 * (Electron prints the page) and the browser's Print give the same pages. Everything comes from
 * IndexedDB and main's image cache, so it works offline.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { displayText } from '../../../../common/display-text';
import { lengthUnitWords } from '../../../../common/forms/length-units';
import type { BridgeError } from '../../../../common/errors';
import { ErrorNotice } from '../../app/ErrorNotice';
import { formatDateTime } from '../../app/time-format';
import { bridge } from '../../bridge/bridge';
import { useConnections } from '../../connections/use-connections';
import { formatDepthRange, useDepthPrecision } from '../../settings/depth-format';
import { REPORT_CELL_CHARACTERS, ShownText } from '../../ui/ShownText';
import { StripLog } from '../strip-log/StripLog';
import { attributeText, colourSwatch, reportFileName, reportPhotos, reportTables, type ReportPhoto, type ReportTable } from './report-model';
import { useReportData, type ReportData } from './use-report-data';
import { useReportPhotos, type LoadedPhoto } from './use-report-photos';
import '../../app/report-sheet.css';
import './hole-report.css';

/** The strip log is scaled to fit one page (A4 or Letter, default margins) beside its heading, in CSS pixels. */
const STRIP_PAGE = { width: 690, height: 900 };
/** How long printing waits for the strip log's thumbnails (each comes from main's cache, or is given up as missing). */
const STRIP_THUMBS_WAIT_MS = 10_000;

export function HoleReport({ holeId, onClose }: { holeId: string; onClose: () => void }) {
  const data = useReportData(holeId);
  const root = useRef<HTMLDivElement>(null);

  // Printed, only the report shows (hole-report.css); Esc closes it.
  useEffect(() => {
    document.body.classList.add('hole-report-open');
    root.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      document.body.classList.remove('hole-report-open');
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);

  return createPortal(
    <div className="report-sheet hole-report-root" ref={root} tabIndex={-1} role="dialog" aria-modal="true" aria-label="Hole report">
      {data === null && <p className="muted">Loading the report…</p>}
      {data === undefined && (
        <div className="hole-report-toolbar">
          <p>This hole is not on this computer.</p>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      )}
      {data && <Report data={data} onClose={onClose} />}
    </div>,
    document.body,
  );
}

function Report({ data, onClose }: { data: ReportData; onClose: () => void }) {
  useDepthPrecision();
  const { hole, workspace, dataset } = data;
  const units = dataset?.lengthUnits;
  const imagery = dataset?.imageryTypes ?? [];
  const tables = useMemo(() => reportTables(imagery, data.intervals), [imagery, data.intervals]);
  const photos = useMemo(() => reportPhotos(data.intervals, data.localPhotos), [data.intervals, data.localPhotos]);
  const { loaded, done } = useReportPhotos(hole, photos);
  const missing = photos.filter((p) => loaded.get(p.key)?.state === 'missing');
  const [madeAt] = useState(() => new Date());
  const who = useConnections().connections.imago?.user ?? null;
  const stripTypes = tables.map((t) => imagery.find((i) => i.name === t.imageryTypeName)?.id ?? t.imageryTypeName);

  return (
    <>
      <ReportToolbar hole={hole.name} madeAt={madeAt} ready={done} loadedCount={loaded.size} total={photos.length} onClose={onClose} />
      <article className="hole-report" data-testid="hole-report" data-state={done ? 'ready' : 'loading'} aria-labelledby="hole-report-title">
        <header className="report-header">
          <h1 id="hole-report-title">
            Hole report: <ShownText text={hole.name} breakLongWords />
          </h1>
          <dl className="report-facts">
            <Fact term="Workspace" value={workspace ? `${workspace.folder ? `${workspace.folder} › ` : ''}${workspace.name}` : hole.workspaceName} />
            <Fact term="Dataset" value={hole.datasetName} />
            <Fact term="Hole" value={hole.name} />
            <Fact term="Units" value={lengthUnitWords(units) || units || 'not known on this computer'} />
            <Fact term="Date" value={formatDateTime(madeAt.toISOString())} />
            <Fact term="Made by" value={who ?? 'not signed in to Imago'} />
            <Fact term="Intervals" value={String(data.intervals.length)} />
            <Fact term="Tray photos" value={missing.length ? `${photos.length} (${missing.length} missing from the cache, listed at the end)` : String(photos.length)} />
          </dl>
          {data.intervals.some((i) => !i.remoteId || data.pendingIntervalIds.has(i.id)) && (
            <p className="report-note">Intervals marked “not in Imago yet” were logged on this computer and have not reached Imago.</p>
          )}
        </header>

        <section className="report-intervals" aria-labelledby="report-intervals-title">
          <h2 id="report-intervals-title">Intervals</h2>
          {tables.length === 0 && <p>No intervals are logged for this hole on this computer.</p>}
          {tables.map((table) => (
            <IntervalTable key={table.imageryTypeName} table={table} units={units} pending={data.pendingIntervalIds} />
          ))}
        </section>

        {tables.length > 0 && (
          <section className="report-strip" aria-labelledby="report-strip-title">
            <h2 id="report-strip-title">Strip log</h2>
            <FitToPage>
              <StripLog holeId={hole.id} imageryTypeIds={stripTypes} mode="print" />
            </FitToPage>
          </section>
        )}

        <section className="report-photos" aria-labelledby="report-photos-title">
          <h2 id="report-photos-title">Tray photos</h2>
          {photos.length === 0 && <p>No tray photos for this hole on this computer or in Imago’s list.</p>}
          <div className="report-photo-grid">
            {photos.map((photo) => (
              <PhotoFigure key={photo.key} photo={photo} loaded={loaded.get(photo.key)} units={units} />
            ))}
          </div>
          <div className="report-missing" data-testid="report-missing">
            <h3>Photos missing from the cache</h3>
            {!done ? (
              <p className="muted">Still looking…</p>
            ) : missing.length === 0 ? (
              <p>None: every photo is in this report.</p>
            ) : (
              <>
                <p>These photos are not on this computer{navigator.onLine ? '' : ' (and it is offline)'}; open them in the viewer while Imago is in reach to keep a copy.</p>
                <ul>
                  {missing.map((photo) => (
                    <li key={photo.key} data-testid="report-missing-photo">
                      {photoCaption(photo, units)}: {displayText((loaded.get(photo.key) as Extract<LoadedPhoto, { state: 'missing' }>).reason, { maxCharacters: REPORT_CELL_CHARACTERS })}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        </section>
      </article>
    </>
  );
}

function ReportToolbar({ hole, madeAt, ready, loadedCount, total, onClose }: { hole: string; madeAt: Date; ready: boolean; loadedCount: number; total: number; onClose: () => void }) {
  const desktop = Boolean(window.corelog);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);

  const save = async () => {
    setError(null);
    setSaved(null);
    await stripThumbsSettled();
    if (!desktop) {
      // Browser mode: the browser's own print dialog, where "Save as PDF" is a printer; the print CSS gives the same pages.
      window.print();
      return;
    }
    setSaving(true);
    const result = await bridge.saveHoleReportPdf({ fileName: reportFileName({ name: hole }, madeAt) });
    setSaving(false);
    if (result.ok) setSaved(result.value.path);
    else if (result.error.kind !== 'cancelled') setError(result.error);
  };

  return (
    <div className="hole-report-toolbar row" data-testid="hole-report-toolbar">
      <button type="button" className="primary" onClick={() => void save()} disabled={!ready || saving} data-testid="save-report">
        {desktop ? 'Save as PDF…' : 'Print or save as PDF…'}
      </button>
      <button type="button" onClick={onClose}>
        Close
      </button>
      <span className="muted" role="status">
        {!ready ? `Gathering photos… ${loadedCount} of ${total}` : saving ? 'Saving…' : saved ? `Saved to ${saved}` : desktop ? '' : 'In the print dialog, choose “Save as PDF” as the printer.'}
      </span>
      {error && <ErrorNotice error={error} testId="report-save-error" />}
    </div>
  );
}

/** The strip log fetches its thumbnails by itself: printing waits (a few seconds at most) until none is still loading. */
async function stripThumbsSettled(): Promise<void> {
  for (let waited = 0; waited < STRIP_THUMBS_WAIT_MS; waited += 100) {
    if (!document.querySelector('.hole-report [data-testid=strip-thumb][data-state=loading]')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{displayText(value)}</dd>
    </div>
  );
}

/**
 * Numbers, dates and colours keep to one line, but only when the value is one: a server that
 * sends 100,000 characters of text for a number must not push the table off the paper.
 */
function cellClass(dataType: string | null, text: string): string | undefined {
  if (text.length > 40) return undefined;
  return dataType === 'number' ? 'number' : dataType === 'date' || dataType === 'colour' ? 'nowrap' : undefined;
}

function IntervalTable({ table, units, pending }: { table: ReportTable; units: string | undefined; pending: ReadonlySet<string> }) {
  // Attribute names repeat the definition only where two definitions share an attribute name.
  const shared = new Set(table.columns.filter((c, i) => table.columns.findIndex((o) => o.attribute === c.attribute) !== i).map((c) => c.attribute));
  return (
    <div className="report-table-wrap">
      <h3>
        <ShownText text={table.imageryTypeName} breakLongWords />
      </h3>
      <table className="report-table" data-testid="report-interval-table" data-imagery-type={table.imageryTypeName}>
        <thead>
          <tr>
            <th scope="col">Depth{units ? ` (${lengthUnitWords(units) || units})` : ''}</th>
            {table.columns.map((c) => (
              <th key={`${c.definition}\u0000${c.attribute}`} scope="col" title={displayText(`${c.definition} › ${c.attribute}`, { maxCharacters: REPORT_CELL_CHARACTERS })}>
                <ShownText text={shared.has(c.attribute) ? `${c.definition} › ${c.attribute}` : c.attribute} max={REPORT_CELL_CHARACTERS} breakLongWords />
              </th>
            ))}
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {table.intervals.map((interval) => (
            <tr key={interval.id} data-testid="report-interval">
              <th scope="row">{formatDepthRange(interval.from, interval.to, { units })}</th>
              {table.columns.map((c) => {
                const text = attributeText(interval.attributes, c);
                const colour = c.dataType === 'colour' ? colourSwatch(text) : null;
                return (
                  <td key={`${c.definition}\u0000${c.attribute}`} className={cellClass(c.dataType, text)}>
                    {colour && <span className="report-swatch" style={{ background: colour } as CSSProperties} aria-hidden="true" />}
                    <ShownText text={text} max={REPORT_CELL_CHARACTERS} breakLongWords />
                  </td>
                );
              })}
              <td>{interval.conflict ? 'changed in Imago too' : !interval.remoteId || pending.has(interval.id) ? 'not in Imago yet' : 'in Imago'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Core Trays 102.00–106.80 m · Wet". */
function photoCaption(photo: ReportPhoto, units: string | undefined): string {
  return displayText(`${photo.interval.imageryTypeName} ${formatDepthRange(photo.interval.from, photo.interval.to, { units })} · ${photo.imageTypeName}`, { maxCharacters: REPORT_CELL_CHARACTERS });
}

function PhotoFigure({ photo, loaded, units }: { photo: ReportPhoto; loaded: LoadedPhoto | undefined; units: string | undefined }) {
  if (loaded?.state === 'missing') return null;
  const notes = [photo.source === 'local' ? 'not in Imago yet' : null, loaded?.small ? 'small copy: the full-size photo is not cached' : null].filter(Boolean);
  return (
    <figure className="report-photo" data-testid="report-photo" data-state={loaded ? 'shown' : 'loading'}>
      {loaded ? <img src={loaded.src} alt={photoCaption(photo, units)} /> : <div className="report-photo-placeholder">Loading…</div>}
      <figcaption>
        {photoCaption(photo, units)}
        {notes.length > 0 && <span className="muted"> ({notes.join('; ')})</span>}
      </figcaption>
    </figure>
  );
}

/**
 * Scales its content down (never up) to fit one printed page, so the whole strip log prints on one
 * sheet. A transform, not `zoom`: it leaves the measured size alone, so measuring cannot feed back.
 */
function FitToPage({ children }: { children: ReactNode }) {
  const inner = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const element = inner.current;
    if (!element) return;
    const measure = () => {
      if (element.offsetWidth > 0 && element.offsetHeight > 0) setSize({ width: element.offsetWidth, height: element.offsetHeight });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const scale = size ? Math.min(1, STRIP_PAGE.width / size.width, STRIP_PAGE.height / size.height) : 1;
  return (
    <div className="report-fit" style={size ? { width: size.width * scale, height: size.height * scale } : undefined} data-scale={scale}>
      <div ref={inner} className="report-fit-inner" style={{ transform: scale < 1 ? `scale(${scale})` : undefined }}>
        {children}
      </div>
    </div>
  );
}
