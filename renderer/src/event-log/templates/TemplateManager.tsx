/**
 * Making, changing and sharing a project's templates: the list (edit, move, delete), the editor
 * (name, remarks with `{placeholders}`, labels, where the event sits, key), and Export / Import of
 * the file a crew hands to the next. Everything is local; nothing here needs Dougal.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { EventLabel } from '../../../../common/bridge/event-log-contract';
import { freeTextProblem } from '../../../../common/free-text';
import { displayText } from '../../../../common/display-text';
import { downloadName } from '../csv-export';
import { NAME_CHARACTERS } from '../../ui/ShownText';
import { LabelChip, LabelPicker } from '../LabelPicker';
import {
  describeImport,
  KEYS_OFF_ATTRIBUTE,
  placeholdersOf,
  readTemplatesFile,
  TEMPLATE_KEYS,
  TEMPLATE_NAME_RULES,
  TEMPLATE_REMARKS_RULES,
  templatesFileSizeProblem,
  templatesFileText,
  templatesFileTextOf,
  templateTitle,
  type TemplateContent,
  type TemplateKey,
  type TemplatePosition,
} from './template-model';
import { deleteTemplate, importTemplates, moveTemplate, saveTemplate, type TemplateRow } from './templates-db';

const POSITION_TEXT: Record<TemplatePosition, string> = {
  none: 'its time only',
  sequence: 'the sequence being acquired',
  'sequence-and-point': 'the sequence and shot point being acquired',
};

const EMPTY: TemplateContent = { name: '', remarks: '', labels: [], position: 'none', key: null };

/**
 * Saves `text` as a file through the browser's download (the desktop app shows a save dialog),
 * under a name made safe like every other download's: it holds the Dougal project id.
 */
function downloadJson(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = downloadName(fileName);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function TemplateEditor({ project, labels, templates, editing, onDone }: { project: string; labels: EventLabel[]; templates: TemplateRow[]; editing: TemplateRow | null; onDone: () => void }) {
  const [content, setContent] = useState<TemplateContent>(editing ?? EMPTY);
  const [error, setError] = useState<string | null>(null);
  const patch = (p: Partial<TemplateContent>) => setContent((c) => ({ ...c, ...p }));
  const nameProblem = freeTextProblem(content.name, TEMPLATE_NAME_RULES);
  const remarksProblem = freeTextProblem(content.remarks, TEMPLATE_REMARKS_RULES);
  const holder = (key: TemplateKey) => templates.find((t) => t.key === key && t.id !== editing?.id);
  const placeholders = placeholdersOf(content.remarks);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (nameProblem || remarksProblem) return;
    try {
      await saveTemplate(project, editing?.id ?? null, { ...content, name: content.name.trim(), remarks: content.remarks.trim() });
      onDone();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <form className="template-editor" aria-label={editing ? 'Edit template' : 'New template'} onSubmit={(e) => void submit(e)} data-testid="template-editor">
      <label>
        Name <input type="text" value={content.name} placeholder="shown on the button" onChange={(e) => patch({ name: e.target.value })} aria-invalid={nameProblem !== null} />
      </label>
      <label className="template-remarks">
        Template remarks{' '}
        <input type="text" value={content.remarks} placeholder="Gun {gun} autofire" onChange={(e) => patch({ remarks: e.target.value })} aria-invalid={remarksProblem !== null} />
      </label>
      <LabelPicker labels={labels} value={content.labels} onChange={(next) => patch({ labels: next })} label="Template labels" />
      <label>
        Sequence{' '}
        <select value={content.position} onChange={(e) => patch({ position: e.target.value as TemplatePosition })}>
          {(Object.keys(POSITION_TEXT) as TemplatePosition[]).map((p) => (
            <option key={p} value={p}>
              {POSITION_TEXT[p]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Key{' '}
        <select value={content.key ?? ''} onChange={(e) => patch({ key: (e.target.value || null) as TemplateKey | null })}>
          <option value="">none</option>
          {TEMPLATE_KEYS.map((k) => {
            const other = holder(k);
            return (
              <option key={k} value={k}>
                {k}
                {other ? ` (moves from “${displayText(templateTitle(other), { maxCharacters: 80, cutMark: 'ellipsis' })}”)` : ''}
              </option>
            );
          })}
        </select>
      </label>
      <button type="submit" className="primary">
        {editing ? 'Save template' : 'Add template'}
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <p className="muted template-hint">
        {placeholders.length
          ? `Asks for ${placeholders.map((p) => `“${p}”`).join(', ')} each time it is logged.`
          : 'Write {name} in the remarks for a part to fill in each time, e.g. Gun {gun} autofire.'}
      </p>
      {(nameProblem ?? remarksProblem ?? error) && (
        <p className="error" role="alert">
          {nameProblem ?? remarksProblem ?? error}
        </p>
      )}
    </form>
  );
}

export function TemplateManager({ project, labels, templates, onClose }: { project: string; labels: EventLabel[]; templates: TemplateRow[]; onClose: () => void }) {
  const [editing, setEditing] = useState<TemplateRow | 'new' | null>(templates.length ? null : 'new');
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const known = new Map(labels.map((l) => [l.name, l]));

  const importFile = async (file: File) => {
    try {
      // Sized before it is read: a stray video or disk image chosen by mistake is never loaded.
      const tooBig = templatesFileSizeProblem(file.size);
      if (tooBig) return setMessage({ text: `${file.name}: ${tooBig}`, bad: true });
      // Decoded here, not by file.text(): that reads any bytes as UTF-8 and hides what it could not.
      const decoded = templatesFileTextOf(new Uint8Array(await file.arrayBuffer()));
      if (!decoded.ok) return setMessage({ text: `${file.name}: ${decoded.problem}`, bad: true });
      const reading = readTemplatesFile(decoded.text);
      if (!reading.ok) return setMessage({ text: `${file.name}: ${reading.problem}`, bad: true });
      const plan = await importTemplates(project, reading.templates);
      const unknown = [...new Set(reading.templates.flatMap((t) => t.labels))].filter((l) => labels.length > 0 && !known.has(l));
      const from = reading.project && reading.project !== project ? ` From project ${reading.project}.` : '';
      const warn = unknown.length ? ` This project has no label ${unknown.map((l) => `“${l}”`).join(', ')}: Dougal may refuse events carrying it.` : '';
      setMessage({ text: `${describeImport(plan)}${from}${warn}`, bad: false });
    } catch (e) {
      setMessage({ text: `${file.name}: ${(e as Error).message}`, bad: true });
    }
  };

  return (
    <section className="template-manager card" aria-label="Templates" data-testid="template-manager" {...{ [KEYS_OFF_ATTRIBUTE]: '' }}>
      <div className="row template-manager-head">
        <h2>Templates of {displayText(project, { maxCharacters: NAME_CHARACTERS })}</h2>
        <button type="button" onClick={() => setEditing('new')} disabled={editing === 'new'}>
          New template
        </button>
        <button type="button" onClick={() => downloadJson(templatesFileText(project, templates), `corelog-templates-${project}.json`)} disabled={templates.length === 0}>
          Export…
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="template-import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {message && (
        <p className={message.bad ? 'error' : 'muted'} role={message.bad ? 'alert' : 'status'} data-testid="template-message">
          {message.text}
        </p>
      )}
      {editing !== null && <TemplateEditor key={editing === 'new' ? 'new' : editing.id} project={project} labels={labels} templates={templates} editing={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      <ul className="template-list">
        {templates.map((t, i) => (
          <li key={t.id} data-testid="template-item">
            <span className="template-key">{t.key ?? '—'}</span>
            <strong>{templateTitle(t)}</strong>
            <span className="muted">{t.remarks}</span>
            {t.labels.map((l) => (
              <LabelChip key={l} name={l} label={known.get(l)} />
            ))}
            <span className="muted">· {POSITION_TEXT[t.position]}</span>
            <span className="template-actions">
              <button type="button" onClick={() => setEditing(t)} aria-label={`Edit template ${templateTitle(t)}`}>
                Edit
              </button>
              <button type="button" onClick={() => void moveTemplate(project, t.id, -1)} disabled={i === 0} aria-label={`Move ${templateTitle(t)} left`}>
                ←
              </button>
              <button type="button" onClick={() => void moveTemplate(project, t.id, 1)} disabled={i === templates.length - 1} aria-label={`Move ${templateTitle(t)} right`}>
                →
              </button>
              <button type="button" onClick={() => void deleteTemplate(t.id)} aria-label={`Delete template ${templateTitle(t)}`}>
                Delete
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
