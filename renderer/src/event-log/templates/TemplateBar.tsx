/**
 * The row of template buttons above the entry line, and their keys (F1–F12, Ctrl+1…9) while the
 * log is on screen. A key only does something when a template has it, so an unbound F5 still
 * reloads and Ctrl+1 still does whatever the browser does with it. Keys are not heard inside the
 * template manager (its key picker is there) nor while a placeholder prompt or a time question is
 * open; anywhere else they fire, and no text is lost: F-keys and Ctrl+digits type nothing, and
 * the entry line keeps what was typed in it.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import type { EventLabel } from '../../../../common/bridge/event-log-contract';
import { KEYS_OFF_ATTRIBUTE, templateKeyOf, templateTitle } from './template-model';
import { projectTemplates, type TemplateRow } from './templates-db';
import { TemplateManager } from './TemplateManager';
import './templates.css';

export function TemplateBar({ project, labels, onFire }: { project: string; labels: EventLabel[]; onFire: (template: TemplateRow) => void }) {
  const templates = useLiveQuery(() => projectTemplates(project), [project]);
  const [managing, setManaging] = useState(false);
  const fire = useRef(onFire);
  fire.current = onFire;
  const byKey = useRef(new Map<string, TemplateRow>());
  byKey.current = new Map((templates ?? []).filter((t) => t.key).map((t) => [t.key!, t]));

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const key = templateKeyOf(event);
      const template = key ? byKey.current.get(key) : undefined;
      if (!template) return;
      // Held down, a key repeats: one event per press, never a burst.
      event.preventDefault();
      if (event.repeat) return;
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest(`[${KEYS_OFF_ATTRIBUTE}]`)) return;
      fire.current(template);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="template-area">
      <div className="template-bar" role="toolbar" aria-label="Event templates" data-testid="template-bar">
        {(templates ?? []).map((t) => (
          <button
            key={t.id}
            type="button"
            className="template-button"
            data-testid="template-button"
            title={`${t.remarks}${t.labels.length ? ` [${t.labels.join(', ')}]` : ''}${t.key ? ` — ${t.key}` : ''}`}
            aria-keyshortcuts={t.key ? t.key.replace('Ctrl', 'Control') : undefined}
            onClick={() => onFire(t)}
          >
            {t.key && <kbd>{t.key}</kbd>} {templateTitle(t)}
          </button>
        ))}
        {templates && templates.length === 0 && !managing && <span className="muted">No templates for this project yet.</span>}
        <button type="button" className="template-manage" aria-expanded={managing} onClick={() => setManaging((m) => !m)}>
          {managing ? 'Close templates' : 'Templates…'}
        </button>
      </div>
      {managing && templates && <TemplateManager project={project} labels={labels} templates={templates} onClose={() => setManaging(false)} />}
    </div>
  );
}
