/**
 * Runs the steps of a server check and writes its report. Each step has its own time limit, and a
 * step that fails (or throws) is written down and the next one runs: a check is most useful
 * exactly when parts of a server do not answer as expected. The report is plain words for the
 * Connections screen and for support, and goes through the same redaction as the logs.
 */
import type { ApiSettingValue, ServerCheckReport, ServerCheckStep } from '../../../../common/bridge/connection-contract';
import { CorelogError, type SystemId } from '../../../../common/errors';
import { redactText, redactValue } from '../../desktop/redact';
import type { CheckCall } from './check-http';

export interface StepPlan {
  id: string;
  title: string;
}

/** What a step's work returns: how it went, in one sentence. */
export interface StepOutcome {
  state: 'passed' | 'noted' | 'failed' | 'skipped';
  summary: string;
}

export interface StepContext {
  /** Adds one line of what was seen. */
  detail(text: string): void;
  /** Aborted when the step runs out of time; pass it to every request. */
  signal: AbortSignal;
}

export interface SettingProposal {
  key: string;
  label: string;
  value: ApiSettingValue;
}

export interface CheckRunOptions {
  system: SystemId;
  serverUrl: string;
  plan: StepPlan[];
  onProgress?: (steps: ServerCheckStep[]) => void;
  /** Per step (default 30 s); requests inside have their own, shorter idle timeout. */
  stepTimeoutMs?: number;
  now?: () => number;
}

const SYSTEM_NAMES: Record<SystemId, string> = { imago: 'Imago', dougal: 'Dougal' };

export class CheckRun {
  private readonly steps: ServerCheckStep[];
  private readonly detected: ServerCheckReport['detected'] = [];
  private readonly notChecked: string[] = [];
  private current: ServerCheckStep | null = null;
  private readonly startedAt: number;

  constructor(private readonly options: CheckRunOptions) {
    this.steps = options.plan.map(({ id, title }) => ({ id, title, state: 'waiting', summary: '', details: [], calls: [], ms: null }));
    this.startedAt = this.now();
  }

  /** Files a request under the step that is running (the HTTP layer calls this). */
  recordCall(call: CheckCall): void {
    this.current?.calls.push(call);
  }

  /** Runs one planned step; whatever happens inside, the check goes on. */
  async step(id: string, work: (context: StepContext) => Promise<StepOutcome>): Promise<StepOutcome> {
    const step = this.find(id);
    step.state = 'running';
    this.current = step;
    this.emit();
    const started = this.now();
    const controller = new AbortController();
    const limitMs = this.options.stepTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<StepOutcome>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ state: 'failed', summary: `No result within ${Math.round(limitMs / 1000)} s; the step was stopped.` });
      }, limitMs);
    });
    let outcome: StepOutcome;
    try {
      outcome = await Promise.race([work({ detail: (text) => void step.details.push(text), signal: controller.signal }), timeout]);
    } catch (error) {
      outcome = { state: 'failed', summary: describeFailure(this.options.system, error) };
    } finally {
      clearTimeout(timer);
    }
    Object.assign(step, outcome, { ms: this.now() - started });
    this.current = null;
    this.emit();
    return outcome;
  }

  /** Marks a step as not tried, with the reason. */
  skip(id: string, reason: string): StepOutcome {
    const outcome: StepOutcome = { state: 'skipped', summary: reason };
    Object.assign(this.find(id), outcome);
    this.emit();
    return outcome;
  }

  /** Something the check found out about the server, with the setting that would fit it. */
  detect(text: string, proposal: SettingProposal | null = null): void {
    if (!this.detected.some((d) => d.text === text)) this.detected.push({ text, proposal });
  }

  /** Something only a write would show. */
  cannotCheck(text: string): void {
    this.notChecked.push(text);
  }

  finish(nonReads: string[]): ServerCheckReport {
    for (const step of this.steps) if (step.state === 'waiting') Object.assign(step, { state: 'skipped', summary: 'Not tried.' });
    const report = redactValue({
      system: this.options.system,
      serverUrl: this.options.serverUrl,
      startedAt: new Date(this.startedAt).toISOString(),
      finishedAt: new Date(this.now()).toISOString(),
      steps: this.steps,
      detected: this.detected,
      notChecked: this.notChecked,
      nonReads,
      text: '',
    }) as ServerCheckReport;
    report.text = redactText(formatReport(report));
    return report;
  }

  private find(id: string): ServerCheckStep {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new CorelogError('internal', `server check has no step ${id}`);
    return step;
  }

  private emit(): void {
    this.options.onProgress?.(redactValue(structuredClone(this.steps)) as ServerCheckStep[]);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function describeFailure(system: SystemId, error: unknown): string {
  if (error instanceof CorelogError) return error.kind === 'cancelled' ? 'Stopped: it took too long.' : error.message;
  return `${SYSTEM_NAMES[system]} check step failed inside Corelog: ${error instanceof Error ? error.message : String(error)}.`;
}

const STATE_WORDS: Record<ServerCheckStep['state'], string> = {
  waiting: 'waiting',
  running: 'running',
  passed: 'OK',
  noted: 'note',
  failed: 'FAILED',
  skipped: 'not tried',
};

/** The report as plain text: what "Copy" copies and "Save for support" writes. */
export function formatReport(report: Omit<ServerCheckReport, 'text'>): string {
  const name = SYSTEM_NAMES[report.system];
  const seconds = ((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1);
  const lines = [
    `Corelog server check: ${name}`,
    `Server: ${report.serverUrl}`,
    `Run: ${report.startedAt} (${seconds} s)`,
    `Read-only: every request was a read${report.nonReads.length ? `, except the sign-in needed to read anything: ${report.nonReads.join('; ')}` : ''}.`,
    '',
    'Steps',
  ];
  report.steps.forEach((step, index) => {
    lines.push(`${index + 1}. ${step.title} [${STATE_WORDS[step.state]}${step.ms !== null ? `, ${step.ms} ms` : ''}]`);
    if (step.summary) lines.push(`   ${step.summary}`);
    for (const detail of step.details) lines.push(`   - ${detail}`);
    for (const call of step.calls) lines.push(`   > ${call.method} ${call.path} -> ${call.status ?? 'no answer'}, ${call.shape}, ${call.ms} ms`);
  });
  lines.push('', 'Detected');
  if (report.detected.length === 0) lines.push('- nothing beyond the steps above');
  for (const finding of report.detected) {
    lines.push(`- ${finding.text}${finding.proposal ? ` Proposed setting: ${finding.proposal.label} = ${formatValue(finding.proposal.value)}.` : ''}`);
  }
  lines.push('', 'Not checked (only a write would show it)');
  for (const item of report.notChecked) lines.push(`- ${item}`);
  return `${lines.join('\n')}\n`;
}

export function formatValue(value: ApiSettingValue): string {
  if (value === null) return '(not sent)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value;
}
