/**
 * The event log's sync engine (one per app: only the window holding the engine lock runs it).
 *
 * Push: outbox items go in order; an item waits while an earlier change of the same event is
 * unfinished. Each attempt is counted in IndexedDB before it is sent, so after a crash or a lost
 * reply a create is first looked up by its client key instead of being logged twice. Problems of
 * the path to Dougal (offline, timeout, server errors, a reply that is not Dougal's, a session that
 * ended) are never parked: the item waits with a backoff capped at a minute (stored with it, so
 * it survives a restart); a network failure also pauses the whole queue, for a while that grows
 * with repeated pauses. Dougal seen reachable again, or signed in again, ends every wait at once,
 * and Dougal taking one item shortens the others' waits to seconds. Only refusals of the item itself
 * wait for the user; so do conflicts, never overwritten. A failure that keeps repeating is shown
 * as "needs attention" while it is still retried.
 *
 * Pull: after the pushes, every 30 s while Dougal answers (sooner after a push, to pick up what
 * the server changed in return, e.g. a `multiple: false` label taken from another event).
 */
import {
  extendStreak,
  nextAttemptAt,
  retryDelayMs,
  retryPolicyAfter,
  serverAskedWaitMs,
  SUCCESS_WAKE_MS,
  waitsForRetry,
  wakesOnOthersSuccess,
  type FailureStreak,
} from '../../../common/retry-policy';
import type { BridgeError } from '../../../common/errors';
import type { ServerEvent } from '../../../common/bridge/event-log-contract';
import { bridge } from '../bridge/bridge';
import { onOutboxChanged, publishOutboxChanged, publishRemoved, publishRows } from './change-feed';
import { currentProject, onCurrentProject, setCurrentProject } from './current-project';
import { needsUserToSignIn, RegainWatch } from '../sync/system-status';
import { dougalRole, dougalStatus, onDougalStatus } from './dougal-status';
import { eventLogDb, type LogEvent, type OutboxItem } from './event-log-db';
import { rowFromServer, sameFields, snapshotOf, syncStateOf } from './event-model';
import { refreshSyncState } from './event-writes';
import { pullEvents, pullProjects, pullReference } from './pull';
import { asBridgeError, BridgeFailure, unwrap } from './unwrap';
import { isSurveyItem } from './survey/survey-change';
import { pushSurveyItem } from './survey/survey-push';
import { runsOf } from './seq-runs';
import { localWriteFailureOf } from '../storage/local-write-failure';
import { reportLocalWriteFailure } from '../storage/storage-health';

const PULL_INTERVAL_MS = 30_000;
const PULL_AFTER_PUSH_MS = 1_500;
const PULL_RETRY_MS = 10_000;
const REFERENCE_MAX_AGE_MS = 5 * 60_000;
/** How far back the idempotency look-up scans the server's changes, before the item was queued. */
const LOOKUP_MARGIN_MS = 24 * 60 * 60_000;
const MAX_SLEEP_MS = 60_000;
/** Requests in flight at once (never two for the same event); main sends no more to Dougal either. */
const PUSH_LANES = 4;
/**
 * Creates handed to main in one call at most. A push of what was logged offline goes in batches:
 * one IndexedDB transaction marks a batch as sent, one bridge call carries it, one transaction
 * settles it, instead of two transactions and a bridge round trip per event.
 */
const CREATE_BATCH = 50;
/** Characters of fields (as JSON) in one batch at most: well under the bridge's 4 MB message limit. */
const CREATE_BATCH_CHARS = 1_000_000;
/** Batches in flight at once: main sends one while the next waits in main and the one before is settled here. */
const CREATE_BATCHES = 2;

/**
 * How long the queue waits after this computer's storage refused a write (a full disk) before it
 * tries again by itself; the window's banner says why meanwhile.
 */
const LOCAL_WRITE_WAIT_MS = 5_000;

/**
 * An error of the engine in plain words: a write this computer's storage refused is said as such
 * (and reaches the window's banner), anything else as before.
 */
function engineError(error: unknown): BridgeError {
  const local = localWriteFailureOf(error, 'sending carries on by itself');
  if (!local) return asBridgeError(error);
  reportLocalWriteFailure(error);
  return { kind: 'internal', message: `The event log cannot save on this computer: ${local.message}`, retryable: true };
}

/** Errors after which every other request would fail the same way: pause the queue. */
const PAUSING_KINDS: ReadonlySet<BridgeError['kind']> = new Set(['offline', 'timeout', 'auth', 'unavailable']);

export interface EngineStatus {
  active: boolean;
  phase: 'idle' | 'pushing' | 'pulling' | 'paused';
  /** Why nothing is sent (guest, signed out). */
  pausedReason: string | null;
  /** Events received by the pull in progress, for the first load's progress line. */
  progress: { loaded: number; firstLoad: boolean } | null;
  lastSuccessAt: string | null;
  lastError: BridgeError | null;
  /** Pulls failing the same way in a row (a captive portal answers every one), for "needs attention". */
  pullFailures: FailureStreak | null;
}

type PushOutcome = 'done' | 'wait' | 'pause';
/** What one lane takes from the queue: one item, or a batch of creates of different events. */
type PushWork = { one: OutboxItem } | { creates: OutboxItem[] };

/**
 * The changes of one event form a chain that must reach Dougal in order. Plan and sequence changes
 * carry their chain as `eventKey` (`plan:<project>`, `sequence:<project>:<n>`). A project's QC
 * accepts and un-accepts are one chain: each standing alone, an un-accept went past an accept of
 * the same result waiting to be tried again, which then landed last and undid it.
 */
const chainOf = (item: OutboxItem) => item.eventKey || `qc:${item.project}`;

const db = eventLogDb;

/** Main's answer left a create out (never in practice): it may have been sent, so it is looked up next time. */
const UNANSWERED_CREATE: BridgeError = { kind: 'malformed-response', message: 'Corelog’s background service did not say what became of this event; it is looked up on Dougal on the next try.', retryable: true };
const NO_ID_FROM_CREATE: BridgeError = {
  kind: 'malformed-response',
  message: 'Dougal took the event but did not say which id it got; Corelog looks it up on the next try.',
  retryable: true,
};

/** The queued items with these numbers, in their order (undefined where one is gone), read a run at a time. */
async function readQueued(seqs: number[]): Promise<(OutboxItem | undefined)[]> {
  const found = new Map<number, OutboxItem>();
  for (const [first, last] of runsOf(seqs)) {
    const items = first === last ? [await db.outbox.get(first)] : await db.outbox.where('seq').between(first, last, true, true).toArray();
    for (const item of items) if (item) found.set(item.seq!, item);
  }
  return seqs.map((seq) => found.get(seq));
}

/** Deletes the queued items with these numbers, a run at a time (a key range holds no other item). */
async function deleteQueued(seqs: number[]): Promise<void> {
  for (const [first, last] of runsOf(seqs)) {
    if (first === last) await db.outbox.delete(first);
    else await db.outbox.where('seq').between(first, last, true, true).delete();
  }
}

export class EventLogSync {
  private status: EngineStatus = { active: false, phase: 'idle', pausedReason: null, progress: null, lastSuccessAt: null, lastError: null, pullFailures: null };
  private listeners = new Set<() => void>();
  private unsubscribe: (() => void)[] = [];
  private timer: number | undefined;
  private running = false;
  private rerun = false;
  private pausedUntil = 0;
  /**
   * Queue pauses in a row for the network; the pause grows with them, not with one item's
   * attempts. Back to 0 as soon as Dougal is seen usable or takes an item: carried over, the
   * pauses grown while it was away held the queue for up to a minute after one lost reply.
   */
  private pauses = 0;
  /** When Dougal last took a push or answered a pull (epoch ms), for the flaky-link backoff. */
  private lastTakenAt = 0;
  private nextPullAt = 0;
  private referenceAt = 0;
  private regain = new RegainWatch(null);

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getStatus = (): EngineStatus => this.status;

  start(): void {
    if (this.status.active) return;
    this.set({ active: true });
    this.regain = new RegainWatch(dougalStatus());
    this.unsubscribe = [
      onOutboxChanged(() => this.wake()),
      onDougalStatus(() => this.onConnection()),
      onCurrentProject(() => {
        this.nextPullAt = 0;
        this.referenceAt = 0;
        this.wake();
      }),
    ];
    void db.syncState.toArray().then((states) => {
      const last = states.flatMap((s) => [s.lastPullAt, s.lastPushAt]).filter((t): t is string => !!t).sort().at(-1);
      if (last && !this.status.lastSuccessAt) this.set({ lastSuccessAt: last });
    });
    this.wake();
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    window.clearTimeout(this.timer);
    this.set({ active: false, phase: 'idle' });
  }

  /** "Retry now": everything that waits goes now, failed items included, and the log is pulled. */
  retryNow(): void {
    void (async () => {
      const failed = await db.outbox.where('attention').equals('failed').toArray();
      if (failed.length > 0) {
        const rows = await db.transaction('rw', db.events, db.outbox, async () => {
          // `attempts` stays: a create tried before is still looked up by its key first.
          await db.outbox.where('attention').equals('failed').modify({ state: 'pending', nextAttemptAt: null, lastError: null });
          const keys = [...new Set(failed.map((item) => item.eventKey).filter(Boolean))];
          return (await Promise.all(keys.map((key) => refreshSyncState(key)))).filter((row): row is LogEvent => row !== undefined);
        });
        if (rows.length) publishRows(rows);
      }
      await this.endWaits();
    })();
  }

  /** Dougal took something: items held back by a passing path failure wait a few seconds more at most. */
  private async shortenWaitsAfterSuccess(): Promise<void> {
    this.lastTakenAt = Date.now();
    const cap = Date.now() + SUCCESS_WAKE_MS;
    const shortened = await db.outbox
      .where('attention')
      .equals('waiting-retry')
      .filter((item) => item.nextAttemptAt !== null && Date.parse(item.nextAttemptAt) > cap && wakesOnOthersSuccess(item.lastError))
      .modify({ nextAttemptAt: new Date(cap).toISOString() });
    if (shortened > 0) {
      publishOutboxChanged();
      this.wake();
    }
  }

  /** Every item backing off, and the queue itself, go at once (the path to Dougal is usable again). */
  private async endWaits(): Promise<void> {
    this.pausedUntil = 0;
    // Pauses grown while Dougal was away say nothing about the path now.
    this.pauses = 0;
    this.nextPullAt = 0;
    await db.outbox.where('attention').equals('waiting-retry').modify({ nextAttemptAt: null });
    publishOutboxChanged();
    this.wake();
  }

  wake(delayMs = 0): void {
    if (!this.status.active) return;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.round(), Math.max(0, Math.min(delayMs, MAX_SLEEP_MS)));
  }

  private onConnection(): void {
    // Dougal is back, or signed in again: what waited goes now, not at its backoff time.
    if (this.regain.update(dougalStatus())) void this.endWaits();
    else this.wake();
  }

  private set(patch: Partial<EngineStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  /** Why nothing can be asked of Dougal at all. */
  private pauseReason(): string | null {
    const status = dougalStatus();
    if (!status) return 'Waiting for Corelog’s background service.';
    // Signed out with a login main can use is only a pause main repairs by itself: carry on.
    if (needsUserToSignIn(status)) return 'Sign in to Dougal (Connections, Alt+2) to sync the event log.';
    return null;
  }

  /** Why the outbox is held back while the log can still be pulled. */
  private pushPauseReason(): string | null {
    if (dougalRole(dougalStatus()) === 'guest') return 'Signed in to Dougal as a guest: changes made here are not sent.';
    return this.pauseReason();
  }

  private async round(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    let sleep = MAX_SLEEP_MS;
    try {
      const paused = this.pauseReason();
      this.set({ pausedReason: paused, phase: paused ? 'paused' : 'idle' });
      if (paused) return;
      if (Date.now() < this.pausedUntil) {
        sleep = this.pausedUntil - Date.now();
        return;
      }
      const pushPaused = this.pushPauseReason();
      this.set({ pausedReason: pushPaused });
      if (!pushPaused) {
        const { pushed, nextDue } = await this.pushAll();
        if (pushed > 0) this.nextPullAt = Math.min(this.nextPullAt, Date.now() + PULL_AFTER_PUSH_MS);
        sleep = Math.min(sleep, nextDue - Date.now());
      }
      if (Date.now() >= this.pausedUntil && Date.now() >= this.nextPullAt) await this.pull();
      sleep = Math.min(sleep, Math.max(this.nextPullAt, this.pausedUntil) - Date.now());
    } catch (error) {
      this.set({ lastError: engineError(error) });
    } finally {
      this.running = false;
      if (this.status.phase !== 'paused') this.set({ phase: 'idle' });
      if (this.rerun) {
        this.rerun = false;
        this.wake();
      } else if (this.status.active) {
        this.wake(Math.max(50, sleep));
      }
    }
  }

  /**
   * Pushes every due item, a few at a time: items of different events go side by side, the
   * changes of one event strictly one after another (an event's chain waits while one of its
   * items is in flight, and stops at one that did not go through). Creates go in batches
   * (CREATE_BATCH), each create still its own request to Dougal.
   */
  private async pushAll(): Promise<{ pushed: number; nextDue: number }> {
    let queue = await db.outbox.orderBy('seq').toArray();
    const stopped = new Set<string>();
    const inFlight = new Set<string>();
    let batchesInFlight = 0;
    let pushed = 0;
    let nextDue = Infinity;
    let pause = false;
    const waiters: (() => void)[] = [];
    const settled = () => waiters.splice(0).forEach((wake) => wake());
    if (queue.length) this.set({ phase: 'pushing' });
    // Chains whose last queued change is a delete: a create of theirs tried before goes alone, to
    // be looked up only (pushMarked), not in a batch that would post it again.
    const lastKind = new Map(queue.map((item) => [chainOf(item), item.kind]));
    const batchable = (item: OutboxItem) => item.kind === 'create' && !(item.attempts > 0 && lastKind.get(chainOf(item)) === 'delete');

    const take = (): PushWork | null | 'later' => {
      // Enough batches on their way and nothing but creates left: no need to look through them all.
      if (batchesInFlight >= CREATE_BATCHES && !queue.some((item) => !batchable(item))) return queue.length ? 'later' : null;
      const now = Date.now();
      const gone = new Set<OutboxItem>();
      // Chains passed over in this look: nothing later of theirs may go before them.
      const passed = new Set<string>();
      let creates: OutboxItem[] | null = null;
      let chars = 0;
      let one: OutboxItem | null = null;
      for (const item of queue) {
        const chain = chainOf(item);
        if (inFlight.has(chain) || passed.has(chain)) continue;
        if (stopped.has(chain)) {
          gone.add(item);
          continue;
        }
        const due = item.state === 'waiting-retry' && item.nextAttemptAt ? Date.parse(item.nextAttemptAt) : 0;
        if (item.state === 'failed' || item.state === 'conflict' || due > now) {
          if (due > now) nextDue = Math.min(nextDue, due);
          stopped.add(chain);
          gone.add(item);
          continue;
        }
        if (batchable(item) && (creates !== null || batchesInFlight < CREATE_BATCHES)) {
          const size = JSON.stringify(item.fields ?? null).length;
          creates ??= [];
          if (creates.length > 0 && (creates.length >= CREATE_BATCH || chars + size > CREATE_BATCH_CHARS)) break;
          creates.push(item);
          chars += size;
          gone.add(item);
          passed.add(chain);
          continue;
        }
        if (creates === null && !batchable(item)) {
          one = item;
          gone.add(item);
          break;
        }
        // A create while enough batches are in flight, or anything else while a batch is gathered: later.
        passed.add(chain);
      }
      if (gone.size) queue = queue.filter((item) => !gone.has(item));
      if (one) return { one };
      if (creates?.length) return { creates };
      return queue.length ? 'later' : null;
    };

    const lane = async () => {
      while (!pause && this.status.active && !this.pushPauseReason()) {
        const work = take();
        if (work === null) return;
        if (work === 'later') {
          await new Promise<void>((resolve) => waiters.push(resolve));
          continue;
        }
        const items = 'one' in work ? [work.one] : work.creates;
        const chains = items.map(chainOf);
        for (const chain of chains) inFlight.add(chain);
        if ('creates' in work) batchesInFlight += 1;
        let outcomes: PushOutcome[];
        try {
          outcomes = 'one' in work ? [await this.push(work.one)] : await this.pushCreates(work.creates);
        } catch (error) {
          // This computer's storage refused a write, perhaps after Dougal took the items: they
          // stay marked as sent (so the next try looks them up before sending anything again),
          // and the queue waits a few seconds, then tries by itself.
          if (!this.waitForLocalStorage(error)) throw error;
          outcomes = items.map(() => 'pause' as const);
        }
        if ('creates' in work) batchesInFlight -= 1;
        outcomes.forEach((outcome, i) => {
          inFlight.delete(chains[i]!);
          if (outcome === 'done') {
            pushed += 1;
            // Dougal took it: the path works, and a pause after the next failure starts short again.
            this.pauses = 0;
          } else stopped.add(chains[i]!);
          if (outcome === 'pause') pause = true;
        });
        settled();
      }
      settled();
    };
    await Promise.all(Array.from({ length: PUSH_LANES }, lane));

    if (pushed > 0) {
      const now = new Date().toISOString();
      this.pauses = 0;
      await this.shortenWaitsAfterSuccess();
      this.set({ lastSuccessAt: now, lastError: null });
      const project = currentProject();
      if (project) await db.syncState.update(project, { lastPushAt: now });
    }
    return { pushed, nextDue };
  }

  /**
   * Marks items as being sent, counting the attempt first (if the reply is lost or we crash, the
   * next try looks a create up before sending it again). Answers each item as it is now in
   * IndexedDB, before this attempt was counted: the queue was read before, and meanwhile a change
   * the user made to an unsent item may have been folded into it (its new content goes). 'gone':
   * no longer queued (an unsent create deleted: it must not go at all); 'held': waiting for the user.
   */
  private async markSending(items: OutboxItem[]): Promise<(OutboxItem | 'gone' | 'held')[]> {
    return db.transaction('rw', db.outbox, async () => {
      const now = await readQueued(items.map((item) => item.seq!));
      const current = now.map((item) => (!item ? 'gone' : item.state === 'failed' || item.state === 'conflict' ? 'held' : item));
      const sending = current.filter((item): item is OutboxItem => typeof item === 'object');
      await db.outbox.bulkPut(sending.map((item) => ({ ...item, state: 'sending' as const, attempts: item.attempts + 1 })));
      return current;
    });
  }

  /**
   * Sends a batch of creates in one bridge call and settles it in one transaction; failures are
   * handled one by one as for a single item. Creates main did not start (after a failure of the
   * path) go back as they were: nothing of them reached Dougal.
   */
  private async pushCreates(batch: OutboxItem[]): Promise<PushOutcome[]> {
    const before = await this.markSending(batch).catch((error: unknown) => {
      this.set({ lastError: engineError(error) });
      return null;
    });
    if (!before) return batch.map(() => 'wait');
    // An item no longer queued is done with; one now waiting for the user holds its chain.
    const outcomes: PushOutcome[] = before.map((item) => (item === 'held' ? 'wait' : 'done'));
    const sent = before.flatMap((item, i) => (typeof item === 'object' ? [{ item, i }] : []));
    if (!sent.length) return outcomes;
    const project = sent[0]!.item.project;
    const mixed = sent.filter(({ item }) => item.project !== project);
    // One project per call; one queued in another (never in practice) goes alone.
    for (const { item, i } of mixed) outcomes[i] = await this.pushMarked(item);
    const same = sent.filter(({ item }) => item.project === project);
    const reply = await bridge.eventLogCreateMany({
      project,
      creates: same.map(({ item }) => ({
        clientKey: item.eventKey.slice(2),
        fields: item.fields!,
        lookupFirst: item.attempts > 0,
        lookupSince: new Date(Date.parse(item.createdAt) - LOOKUP_MARGIN_MS).toISOString(),
      })),
    });
    if (!reply.ok) {
      if (reply.error.kind === 'validation') {
        // Main refused the call before sending any of it (one create's text breaks a rule, or the
        // call was too large): each goes on its own, so only the one at fault waits for the user.
        await this.restore(same.map(({ item }) => item));
        for (const { i } of same) outcomes[i] = await this.push(batch[i]!);
        return outcomes;
      }
      for (const { item, i } of same) outcomes[i] = await this.failed(item, reply.error);
      return outcomes;
    }
    const created: { item: OutboxItem; event: ServerEvent; deleted: boolean }[] = [];
    const notSent: OutboxItem[] = [];
    for (const [n, { item, i }] of same.entries()) {
      const result = reply.value.results[n] ?? { status: 'failed', error: UNANSWERED_CREATE };
      if (result.status === 'created' && result.event) created.push({ item, event: result.event, deleted: false });
      else if (result.status === 'created') outcomes[i] = await this.failed(item, NO_ID_FROM_CREATE);
      else if (result.status === 'failed') outcomes[i] = await this.failed(item, result.error);
      else {
        notSent.push(item);
        outcomes[i] = 'wait';
      }
    }
    if (created.length) await this.settle(created);
    if (notSent.length) await this.restore(notSent);
    return outcomes;
  }

  /** Items marked as being sent that main never sent: back as they were, attempt uncounted. */
  private async restore(items: OutboxItem[]): Promise<void> {
    await db.transaction('rw', db.outbox, async () => {
      for (const item of items) await db.outbox.update(item.seq!, { state: item.state, attempts: item.attempts });
    });
  }

  private async push(queued: OutboxItem): Promise<PushOutcome> {
    let item: OutboxItem | 'gone' | 'held';
    try {
      item = (await this.markSending([queued]))[0] ?? 'gone';
    } catch (error) {
      this.set({ lastError: engineError(error) });
      return 'wait';
    }
    // Gone meanwhile (an unsent create deleted, with its event): nothing to send.
    if (item === 'gone') return 'done';
    if (item === 'held') return 'wait';
    return this.pushMarked(item);
  }

  /** Sends one item already marked as being sent (`item` as it was before this attempt was counted). */
  private async pushMarked(item: OutboxItem): Promise<PushOutcome> {
    const seq = item.seq!;
    const earlierAttempts = item.attempts;
    try {
      // Plan and sequence changes (helper C's survey/survey-push.ts): 'done', or a BridgeFailure for failed() below.
      if (isSurveyItem(item)) return await pushSurveyItem(item);
      if (item.kind === 'qc') {
        unwrap(await bridge.eventLogQcAccept({ project: item.project, eventIds: item.qc!.eventIds, accepted: item.qc!.accepted }));
        await db.outbox.delete(seq);
        publishOutboxChanged();
        return 'done';
      }
      if (item.kind === 'create') {
        // Tried before, and the user has deleted the event since: if Dougal never got it, posting
        // it now only to delete it would leave a deleted event in Dougal's history for nothing.
        const lookupOnly = earlierAttempts > 0 && (await this.endsDeleted(item.eventKey));
        const { event } = unwrap(
          await bridge.eventLogCreate({
            project: item.project,
            clientKey: item.eventKey.slice(2),
            fields: item.fields!,
            lookupFirst: earlierAttempts > 0,
            lookupSince: new Date(Date.parse(item.createdAt) - LOOKUP_MARGIN_MS).toISOString(),
            ...(lookupOnly ? { lookupOnly } : {}),
          }),
        );
        if (!event && lookupOnly) return await this.forgetNeverLanded(item);
        if (!event) throw new BridgeFailure(NO_ID_FROM_CREATE);
        await this.settle([{ item, event, deleted: false }]);
        return 'done';
      }
      const row = await db.events.get(item.eventKey);
      const expect = item.expect ?? row?.uid ?? null;
      if (!row || row.id === null || expect === null) throw new BridgeFailure({ kind: 'internal', message: 'This change has no event on Dougal to apply to.', retryable: false });
      const outcome =
        item.kind === 'delete'
          ? expect === 'deleted'
            ? ({ status: 'applied', event: null } as const) // nothing left to delete
            : unwrap(await bridge.eventLogDelete({ project: item.project, id: row.id, expect }))
          : unwrap(
              await bridge.eventLogPut({
                project: item.project,
                id: row.id,
                expect,
                fields: item.fields!,
                // An undelete names the history version it restores; main starts the PUT from that version.
                ...(item.fromUid !== undefined ? { fromUid: item.fromUid } : {}),
                // What Dougal last showed of the event (geometry, others' attributes): the base when its history cannot be read.
                ...(item.base !== undefined ? { base: item.base } : {}),
              }),
            );
      if (outcome.status === 'conflict') {
        // Our own earlier attempt may have landed with its reply lost: then "theirs" is ours.
        const ours = item.kind !== 'delete' && outcome.theirs !== null && sameFields(outcome.theirs, item.fields!);
        if (!ours) {
          await this.markConflict(item, outcome.theirs);
          return 'wait';
        }
        await this.settle([{ item, event: outcome.theirs, deleted: false }]);
        return 'done';
      }
      await this.settle([{ item, event: outcome.event, deleted: item.kind === 'delete' }]);
      return 'done';
    } catch (error) {
      // A refused local write (settling what Dougal took, on a full disk) is no failure of the item.
      if (localWriteFailureOf(error)) throw error;
      return this.failed(item, asBridgeError(error));
    }
  }

  /** After a write this computer's storage refused: said plainly, and the queue waits a moment. Whether it was one. */
  private waitForLocalStorage(error: unknown): boolean {
    if (!localWriteFailureOf(error)) return false;
    this.set({ lastError: engineError(error) });
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + LOCAL_WRITE_WAIT_MS);
    // The round sleeps until the later of the pause and the next pull: the try comes with the pause.
    this.nextPullAt = Math.min(this.nextPullAt, this.pausedUntil);
    return true;
  }

  /** Whether the last change queued for this event is its delete. */
  private async endsDeleted(eventKey: string): Promise<boolean> {
    return (await db.outbox.where('eventKey').equals(eventKey).last())?.kind === 'delete';
  }

  /**
   * A create Dougal never got, of an event the user deleted since: the event and its queued
   * changes are forgotten here, as for a delete before the first try. If the user brought it
   * back meanwhile, the create goes on the next round after all.
   */
  private async forgetNeverLanded(item: OutboxItem): Promise<PushOutcome> {
    const forgotten = await db.transaction('rw', db.events, db.outbox, async () => {
      if (!(await this.endsDeleted(item.eventKey))) return false;
      await db.outbox.where('eventKey').equals(item.eventKey).delete();
      await db.events.delete(item.eventKey);
      return true;
    });
    if (!forgotten) return 'wait';
    publishRemoved([item.eventKey]);
    publishOutboxChanged();
    return 'done';
  }

  /** The items are done: drop them and take the server's answers into their rows, in one transaction. */
  private async settle(done: { item: OutboxItem; event: ServerEvent | null; deleted: boolean }[]): Promise<void> {
    const rows = await db.transaction('rw', db.events, db.outbox, async () => {
      await deleteQueued(done.map(({ item }) => item.seq!));
      const keys = done.map(({ item }) => item.eventKey);
      const currents = await db.events.bulkGet(keys);
      // What is still queued for these events (a change made while this one was on its way).
      const rest = new Map<string, OutboxItem[]>();
      for (const other of await db.outbox.where('eventKey').anyOf(keys).toArray()) rest.set(other.eventKey, [...(rest.get(other.eventKey) ?? []), other]);
      const rows = new Map<string, LogEvent>();
      done.forEach(({ item, event, deleted }, i) => {
        // An event settled twice in one batch (never in practice) builds on its first answer.
        const current = rows.get(item.eventKey) ?? currents[i];
        if (!current) return;
        const others = rest.get(item.eventKey) ?? [];
        let next: LogEvent;
        if (event && others.length === 0) {
          next = rowFromServer(current.project, event, false, current);
        } else {
          const server = event ? snapshotOf(event) : current.server && { ...current.server, deleted };
          next = { ...current, id: event?.id ?? current.id, uid: event?.uid ?? current.uid, server, sync: syncStateOf(others) };
          if (event) Object.assign(next, { readonly: event.readonly, hasEdits: event.hasEdits });
        }
        rows.set(item.eventKey, next);
      });
      await db.events.bulkPut([...rows.values()]);
      return [...rows.values()];
    });
    publishRows(rows);
    publishOutboxChanged();
  }

  private async markConflict(item: OutboxItem, theirs: ServerEvent | null): Promise<void> {
    const row = await db.transaction('rw', db.events, db.outbox, async () => {
      await db.outbox.update(item.seq!, {
        state: 'conflict',
        theirs,
        lastError: { kind: 'conflict', message: theirs ? 'Someone else changed this event on Dougal first.' : 'Someone else deleted this event on Dougal.', retryable: false, system: 'dougal' },
      });
      const current = await db.events.get(item.eventKey);
      if (!current) return null;
      const next: LogEvent = { ...current, sync: 'conflict', server: theirs ? snapshotOf(theirs) : current.server && { ...current.server, deleted: true } };
      await db.events.put(next);
      return next;
    });
    if (row) publishRows([row]);
    publishOutboxChanged();
  }

  private async failed(item: OutboxItem, error: BridgeError): Promise<PushOutcome> {
    // `attempts` was counted before sending; the backoff grows with it.
    const attempts = item.attempts + 1;
    const retry = waitsForRetry(error);
    const next = retry ? nextAttemptAt(attempts, Date.now(), retryPolicyAfter(error, this.lastTakenAt, Date.now()), error) : null;
    const failures = extendStreak(item.failures, error, Date.now());
    const row = await db.transaction('rw', db.events, db.outbox, async () => {
      await db.outbox.update(item.seq!, { state: retry ? 'waiting-retry' : 'failed', nextAttemptAt: next, lastError: error, failures });
      const current = item.eventKey ? await db.events.get(item.eventKey) : undefined;
      if (!current || retry) return null;
      const updated: LogEvent = { ...current, sync: 'failed' };
      await db.events.put(updated);
      return updated;
    });
    if (row) publishRows([row]);
    publishOutboxChanged();
    this.set({ lastError: error });
    // A server that said how long to leave it alone (429/503 with Retry-After) means the whole queue.
    if (retry && serverAskedWaitMs(error) > 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + serverAskedWaitMs(error));
    if (retry && PAUSING_KINDS.has(error.kind)) {
      // The pause is about the path, so it backs off on its own: one lost reply on a flaky link
      // holds the queue for seconds, while an item that already failed often waits its own longer
      // backoff. Seeing Dougal reachable (or signed in) again ends the pause at once.
      // Requests in flight when the link went all fail together: that is one pause, not several.
      if (Date.now() >= this.pausedUntil) {
        this.pauses += 1;
        this.pausedUntil = Date.now() + retryDelayMs(this.pauses);
      }
      return 'pause';
    }
    return 'wait';
  }

  private async pull(): Promise<void> {
    this.set({ phase: 'pulling' });
    try {
      let project = currentProject();
      if (!project || Date.now() - this.referenceAt > REFERENCE_MAX_AGE_MS) {
        await pullProjects();
        const first = await db.projects.orderBy('pid').first();
        if (!project && first) setCurrentProject((project = first.pid));
      }
      if (!project) return;
      // The log itself does not wait for the reference (labels, sequences): one that cannot be read
      // now is asked for again next round, after the events are in.
      let referenceFailure: unknown = null;
      if (Date.now() - this.referenceAt > REFERENCE_MAX_AGE_MS) {
        try {
          await pullReference(project);
          this.referenceAt = Date.now();
        } catch (error) {
          referenceFailure = error;
        }
      }
      await pullEvents(project, (progress) => this.set({ progress }));
      if (referenceFailure) throw referenceFailure;
      this.nextPullAt = Date.now() + PULL_INTERVAL_MS;
      this.pauses = 0;
      this.set({ progress: null, lastSuccessAt: new Date().toISOString(), lastError: null, pullFailures: null });
      await this.shortenWaitsAfterSuccess();
    } catch (error) {
      const failure = engineError(error);
      this.nextPullAt = Date.now() + PULL_RETRY_MS;
      this.set({ progress: null, lastError: failure, pullFailures: extendStreak(this.status.pullFailures, failure, Date.now()) });
    }
  }
}

export const eventLogSync = new EventLogSync();
