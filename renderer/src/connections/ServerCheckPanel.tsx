/**
 * "Check server" on a system's card: runs main's read-only check, shows each step as it starts and
 * ends, then the report — what answered and how, what was detected (with the setting that fits,
 * one click to apply it), what only a write would show — and copies or saves it for support.
 */
import { useState } from 'react';
import type { ApiSettingValue, ServerCheckStep } from '../../../common/bridge/connection-contract';
import type { BridgeError, SystemId } from '../../../common/errors';
import { ErrorNotice } from '../app/ErrorNotice';
import { bridge } from '../bridge/bridge';
import { formatDateTime } from '../app/time-format';
import type { ApiSettingsState } from './use-api-settings';
import { copyText, useServerCheck } from './use-server-check';

const STATE_TEXT: Record<ServerCheckStep['state'], string> = {
  waiting: 'waiting',
  running: 'checking…',
  passed: 'OK',
  noted: 'note',
  failed: 'failed',
  skipped: 'not tried',
};

const SIGN_IN_CALL: Record<SystemId, string> = { imago: 'POST /session', dougal: 'POST /login' };

export function ServerCheckPanel({ system, label, settings }: { system: SystemId; label: string; settings: ApiSettingsState }) {
  const check = useServerCheck(system);
  const [outcome, setOutcome] = useState<{ text: string } | { error: BridgeError } | null>(null);
  const [manualCopy, setManualCopy] = useState(false);
  const id = (name: string) => `${system}-check-${name}`;
  const report = check.report;
  const steps = check.progress ?? report?.steps ?? [];

  const copy = async () => {
    if (!report) return;
    const copied = await copyText(report.text);
    setManualCopy(!copied);
    setOutcome(copied ? { text: 'Report copied as plain text.' } : { text: 'The clipboard is not available here: select the text below and copy it.' });
  };
  const save = async () => {
    const result = await bridge.saveServerCheck({ system });
    setOutcome(result.ok ? { text: `Saved for support: ${result.value.files.join(' and ')}` } : { error: result.error });
  };
  const propose = (key: string, value: ApiSettingValue, labelText: string) =>
    void settings.apply(key, value, `“${labelText}” set to ${value === null ? '(not sent)' : String(value)}; the ${label} client now uses it.`);

  return (
    <section className="server-check" aria-labelledby={id('title')} data-testid={id('panel')}>
      <h3 id={id('title')}>Server check</h3>
      <p className="hint">
        Reads the documented calls once to see how this {label} answers, and what Corelog would need set. It never writes; it only signs in ({SIGN_IN_CALL[system]}), without
        which nothing can be read.
      </p>
      <div className="row">
        <button type="button" onClick={() => void check.run().then(() => setOutcome(null))} disabled={check.running} data-testid={id('run')}>
          {check.running ? 'Checking server…' : 'Check server'}
        </button>
        {report && !check.running && (
          <>
            <button type="button" onClick={() => void copy()}>
              Copy report
            </button>
            <button type="button" onClick={() => void save()}>
              Save for support
            </button>
          </>
        )}
      </div>
      {check.error && <ErrorNotice error={check.error} testId={id('error')} />}
      {outcome && 'text' in outcome && (
        <p className="save-state" role="status" data-testid={id('outcome')}>
          {outcome.text}
        </p>
      )}
      {outcome && 'error' in outcome && <ErrorNotice error={outcome.error} />}
      {manualCopy && report && <textarea readOnly value={report.text} rows={12} aria-label="Server check report" onFocus={(e) => e.currentTarget.select()} />}

      {check.running && <CheckProgress steps={steps} testId={id('progress')} />}
      {steps.length > 0 && (
        <>
          {report && !check.running && (
            <p className="muted" data-testid={id('when')}>
              Last check: {formatDateTime(report.startedAt)} against {report.serverUrl}
            </p>
          )}
          <ol className="check-steps" aria-busy={check.running} data-testid={id('steps')}>
            {steps.map((step) => (
              <li key={step.id} data-testid={id(`step-${step.id}`)} data-state={step.state}>
                <strong>{step.title}</strong>: <span className={`check-${step.state}`}>{STATE_TEXT[step.state]}</span>
                {step.ms !== null && <span className="muted"> ({step.ms} ms)</span>}
                {step.summary && <div>{step.summary}</div>}
                {(step.details.length > 0 || step.calls.length > 0) && (
                  <details>
                    <summary>Details and requests ({step.calls.length})</summary>
                    <ul>
                      {step.details.map((detail, index) => (
                        <li key={`d${index}`}>{detail}</li>
                      ))}
                      {step.calls.map((call, index) => (
                        <li key={`c${index}`}>
                          <code>
                            {call.method} {call.path}
                          </code>{' '}
                          → {call.status ?? 'no answer'}, {call.shape}, {call.ms} ms
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </li>
            ))}
          </ol>
        </>
      )}

      {report && !check.running && (
        <>
          <h4>Detected</h4>
          {report.detected.length === 0 ? (
            <p className="muted">Nothing beyond the steps above.</p>
          ) : (
            <ul data-testid={id('detected')}>
              {report.detected.map((finding) => (
                <li key={finding.text}>
                  {finding.text}
                  {finding.proposal && (
                    <>
                      {' '}
                      <button
                        type="button"
                        disabled={settings.busy || settings.settings?.fields.find((f) => f.key === finding.proposal!.key)?.value === finding.proposal.value}
                        onClick={() => propose(finding.proposal!.key, finding.proposal!.value, finding.proposal!.label)}
                      >
                        Set “{finding.proposal.label}” to {finding.proposal.value === null ? '(not sent)' : String(finding.proposal.value)}
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {settings.saved && (
            <p className="save-state" role="status" data-testid={id('applied')}>
              {settings.saved}
            </p>
          )}
          {settings.error && <ErrorNotice error={settings.error} />}
          <h4>Not checked: only a write would show</h4>
          <ul data-testid={id('not-checked')}>
            {report.notChecked.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** One line for screen readers and a glance: which step of how many is running now. */
function CheckProgress({ steps, testId }: { steps: ServerCheckStep[]; testId: string }) {
  const index = steps.findIndex((step) => step.state === 'running');
  const done = steps.filter((step) => step.state !== 'waiting' && step.state !== 'running').length;
  const text = steps.length === 0 ? 'Starting the check…' : index >= 0 ? `Step ${index + 1} of ${steps.length}: ${steps[index]!.title}…` : `${done} of ${steps.length} steps done…`;
  return (
    <p className="muted" role="status" data-testid={testId}>
      {text}
    </p>
  );
}
