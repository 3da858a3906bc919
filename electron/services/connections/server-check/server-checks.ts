/**
 * "Check server" for the Connections screen: one check per system at a time (a second press joins
 * the running one), the last report of this run kept for the screen, and "Save for support"
 * writing it to the data folder's diagnostics folder — the same place and the same redaction as
 * "Export diagnostics", so no password or token is ever written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerCheckReport, ServerCheckStep } from '../../../../common/bridge/connection-contract';
import { CorelogError, type SystemId } from '../../../../common/errors';
import { redactText, redactValue } from '../../desktop/redact';
import type { SystemLink } from '../connection-service';
import { checkableLink } from '../system-links';

export interface ServerChecksOptions {
  dataDir: string;
  onProgress: (system: SystemId, steps: ServerCheckStep[]) => void;
  log?: { info(message: string): void };
  now?: () => Date;
}

export class ServerChecks {
  private readonly running = new Map<SystemId, Promise<ServerCheckReport>>();
  private readonly reports = new Map<SystemId, ServerCheckReport>();

  constructor(private readonly options: ServerChecksOptions) {}

  run(system: SystemId, link: SystemLink): Promise<ServerCheckReport> {
    const running = this.running.get(system);
    if (running) return running;
    const checkable = checkableLink(link);
    if (!checkable) return Promise.reject(new CorelogError('unavailable', 'This connection cannot run a server check.', { system, retryable: false }));
    const check = checkable
      .checkServer((steps) => this.options.onProgress(system, steps))
      .then((report) => {
        this.reports.set(system, report);
        const counts = report.steps.reduce<Record<string, number>>((all, step) => ({ ...all, [step.state]: (all[step.state] ?? 0) + 1 }), {});
        this.options.log?.info(`server check of ${system} (${report.serverUrl}): ${Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')}`);
        return report;
      })
      .finally(() => this.running.delete(system));
    this.running.set(system, check);
    return check;
  }

  last(system: SystemId): ServerCheckReport | null {
    return this.reports.get(system) ?? null;
  }

  /** Writes the last report as text and JSON; returns the paths written. */
  async save(system: SystemId): Promise<{ files: string[] }> {
    const report = this.reports.get(system);
    if (!report) throw new CorelogError('not-found', 'There is no server check to save yet: run “Check server” first.', { system, retryable: false });
    const folder = join(this.options.dataDir, 'diagnostics');
    await mkdir(folder, { recursive: true });
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const base = join(folder, `corelog-server-check-${system}-${stamp}`);
    // Redacted again on the way out, whatever the report holds: this file is meant to leave the machine.
    await writeFile(`${base}.txt`, redactText(report.text));
    await writeFile(`${base}.json`, `${JSON.stringify(redactValue(report), null, 2)}\n`);
    this.options.log?.info(`server check of ${system} saved to ${base}.txt`);
    return { files: [`${base}.txt`, `${base}.json`] };
  }
}
