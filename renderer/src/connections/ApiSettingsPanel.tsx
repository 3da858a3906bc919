/**
 * The API settings of one connection: parameter names, paths, upload encoding — what a real
 * server may need where the documents are silent. Main describes every field (label, help,
 * default), so this form only lays them out. Saving stores them in connections.json and rebuilds
 * the client at once; "Reset to defaults" forgets them.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiSettingField, ApiSettingValue } from '../../../common/bridge/connection-contract';
import type { SystemId } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import type { ApiSettingsState } from './use-api-settings';

const GROUPS: Record<string, string> = { '': 'Parameters', paths: 'Paths below the server address', query: 'Query parameter names', idempotency: 'Duplicate check' };

const groupOf = (key: string) => (key.includes('.') ? key.slice(0, key.indexOf('.')) : '');
const show = (value: ApiSettingValue) => (value === null ? '(not sent)' : typeof value === 'boolean' ? (value ? 'on' : 'off') : value);

export function ApiSettingsPanel({ system, label, state }: { system: SystemId; label: string; state: ApiSettingsState }) {
  const [draft, setDraft] = useState<Record<string, ApiSettingValue>>({});
  const fields = state.settings?.fields ?? [];
  useEffect(() => {
    setDraft(Object.fromEntries((state.settings?.fields ?? []).map((field) => [field.key, field.value])));
  }, [state.settings]);

  const dirty = fields.some((field) => draft[field.key] !== field.value);
  const allDefault = fields.every((field) => field.value === field.defaultValue);
  const changed = fields.filter((field) => field.value !== field.defaultValue).length;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const values = Object.fromEntries(fields.filter((field) => draft[field.key] !== field.defaultValue).map((field) => [field.key, draft[field.key] ?? field.defaultValue]));
    void state.save(values);
  };
  const groups = [...new Set(fields.map((field) => groupOf(field.key)))];
  const id = (name: string) => `${system}-api-${name}`;

  return (
    <details className="api-settings" data-testid={id('settings')}>
      <summary>
        API settings for this {label} connection{changed > 0 ? ` (${changed} changed from the defaults)` : ''}
      </summary>
      <p className="hint">
        Only needed where this server differs from what the documents say; “Check server” proposes them. Saved in connections.json and used at once, without a restart.
      </p>
      {state.settings?.notice && (
        <p className="warning" role="note">
          {state.settings.notice}
        </p>
      )}
      <form onSubmit={submit} aria-label={`API settings for ${label}`}>
        {groups.map((group) => (
          <fieldset key={group || 'main'} className="api-group">
            <legend>{GROUPS[group] ?? group}</legend>
            {fields
              .filter((field) => groupOf(field.key) === group)
              .map((field) => (
                <SettingInput key={field.key} field={field} id={id(field.key.replace(/\W/g, '-'))} value={draft[field.key] ?? field.value} onChange={(value) => setDraft((d) => ({ ...d, [field.key]: value }))} />
              ))}
          </fieldset>
        ))}
        <div className="row">
          <button type="submit" className="primary" disabled={state.busy || !dirty}>
            Save API settings
          </button>
          <button type="button" disabled={state.busy || allDefault} onClick={() => void state.reset()}>
            Reset to defaults
          </button>
        </div>
      </form>
      {state.error && <ErrorNotice error={state.error} testId={id('error')} />}
      {state.saved && (
        <p className="save-state" role="status" data-testid={id('saved')}>
          {state.saved}
        </p>
      )}
    </details>
  );
}

function SettingInput({ field, id, value, onChange }: { field: ApiSettingField; id: string; value: ApiSettingValue; onChange: (value: ApiSettingValue) => void }) {
  const hint = (
    <span className="hint" id={`${id}-help`}>
      {field.help} Default: <code>{show(field.defaultValue)}</code>.
    </span>
  );
  if (field.kind === 'flag') {
    return (
      <div className="api-field">
        <label className="check" htmlFor={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-help`} /> {field.label}
        </label>
        {hint}
      </div>
    );
  }
  if (field.kind === 'choice') {
    return (
      <div className="api-field">
        <label htmlFor={id}>{field.label}</label>
        <select id={id} value={String(value)} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-help`}>
          {(field.choices ?? []).map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
        {hint}
      </div>
    );
  }
  const notSent = field.kind === 'optional-name' && value === null;
  return (
    <div className="api-field">
      <label htmlFor={id}>{field.label}</label>
      <input id={id} type="text" spellCheck={false} value={typeof value === 'string' ? value : ''} disabled={notSent} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-help`} />
      {field.kind === 'optional-name' && (
        <label className="check">
          <input type="checkbox" checked={notSent} onChange={(e) => onChange(e.target.checked ? null : typeof field.defaultValue === 'string' ? field.defaultValue : '')} /> Do not send it
        </label>
      )}
      {hint}
    </div>
  );
}
