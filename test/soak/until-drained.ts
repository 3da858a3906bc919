/**
 * The frame of a soak scenario's sending part, shared by the scenario files: bring the servers
 * back and kill, wait until the app's outboxes are empty, time both, and record a failure or a
 * timeout with the outboxes as they stand instead of throwing. Its own module, so the scenario
 * files that share it do not import one another.
 */
import { outboxReport, SoakTimeout } from './corelog-ui';
import type { ScenarioContext, ScenarioOutcome } from './scenarios';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `act` (servers back, the kill, the restart), then
 * `drain` until the app's outboxes are empty, timing both; a failure or timeout is recorded with
 * the app's outboxes as they stand; `count` runs whatever happened.
 */
export async function untilDrained(
  ctx: ScenarioContext,
  out: ScenarioOutcome,
  steps: { act: (startedAt: number) => Promise<void>; drain: () => Promise<void>; count: (startedAt: number) => Promise<void> | void },
): Promise<void> {
  const startedAt = Date.now();
  try {
    await steps.act(startedAt);
    const restartedAt = Date.now();
    await steps.drain();
    out.recoverMs = Date.now() - restartedAt;
    out.syncMs = Date.now() - startedAt;
    // A late duplicate (a retry still on its way) would land now.
    await sleep(1_500);
  } catch (error) {
    out.failure = error instanceof SoakTimeout ? error.message : `${(error as Error).message}`;
    out.syncMs = Date.now() - startedAt;
    out.outbox = await (ctx.rig.browser.page ? outboxReport(ctx.rig.page).catch(() => null) : null);
  } finally {
    await steps.count(startedAt);
  }
}

