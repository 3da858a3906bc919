/**
 * Everything the Photos screen writes: local first (IndexedDB), with an outbox item for what Imago
 * must learn. Also the refreshes that bring Imago's catalogue, holes and intervals into the cache.
 */
import type { StagedFileOutcome } from '../../../common/bridge/contract';
import type { AttributeValues, CatalogueImageryType, FilenameFields, IntervalBase } from '../../../common/bridge/photo-contract';
import type { BridgeError } from '../../../common/errors';
import { conflictingAttributes } from '../../../common/photos/attribute-versions';
import { parseFilename } from '../../../common/photos/filename-pattern';
import type { Result } from '../../../common/result';
import { bridge } from '../bridge/bridge';
import { attributeRuleProblems } from '../../../common/forms/attribute-rules';
import { formatRange, holeNameProblem, intervalError } from './interval-rules';
import { localWriteFailureOf, whyNotSaved } from '../storage/local-write-failure';
import { reportLocalWriteFailure } from '../storage/storage-health';
import { holeId, photosDb, type ImageryInterval, type OutboxItem, type OutboxKind, type PhotoBinding, type TrayPhoto } from './photos-db';
import { holeListNoteKey, intervalListNoteKey, recordListNote } from './incomplete-lists';

export class PhotoWriteError extends Error {}

async function unwrap<T>(result: Promise<Result<T>>): Promise<T> {
  const settled = await result;
  if (!settled.ok) throw Object.assign(new Error(settled.error.message), { bridgeError: settled.error });
  return settled.value;
}

/** The BridgeError inside an error thrown here, or an internal one. */
export function asBridgeError(error: unknown): BridgeError {
  const inner = (error as { bridgeError?: BridgeError }).bridgeError;
  if (inner) return inner;
  // A write this computer's storage refused (a full disk): said as such, and in the window's banner.
  if (reportLocalWriteFailure(error)) {
    const said = whyNotSaved(error);
    return { kind: 'internal', message: said.charAt(0).toUpperCase() + said.slice(1), retryable: true };
  }
  return { kind: error instanceof PhotoWriteError ? 'validation' : 'internal', message: error instanceof Error ? error.message : String(error), retryable: false };
}

// ---- refreshes from Imago ---------------------------------------------------------------

export async function refreshCatalogue(): Promise<void> {
  const catalogue = await unwrap(bridge.loadPhotoCatalogue());
  await photosDb.catalogue.put({ id: 'imago', ...catalogue });
}

export async function refreshHoles(workspaceName: string, datasetName: string): Promise<void> {
  const { holes: remote, incomplete } = await unwrap(bridge.listHoles({ workspaceName, datasetName }));
  await photosDb.transaction('rw', photosDb.holes, photosDb.settings, async () => {
    await photosDb.holes.bulkPut(remote.map((h) => ({ id: holeId(workspaceName, datasetName, h.name), workspaceName, datasetName, name: h.name, remoteId: h.id })));
    await recordListNote(holeListNoteKey(workspaceName, datasetName), incomplete);
  });
}

/**
 * Brings Imago's intervals of a hole into the cache. An interval with a local edit waiting keeps
 * the edit; when Imago's copy changed since the edit started (its `base`) on an attribute the edit
 * changes too, Imago's copy is kept beside it as `conflict` and the waiting write is held, so
 * nothing is overwritten until the user chooses (`resolveConflict`). Intervals removed here that
 * Imago still has stay removed; once Imago no longer has them, that note goes.
 */
export async function refreshIntervals(workspaceName: string, datasetName: string, holeName: string): Promise<void> {
  const { intervals: remote, incomplete } = await unwrap(bridge.listHoleIntervals({ workspaceName, datasetName, collectionName: holeName }));
  const id = holeId(workspaceName, datasetName, holeName);
  const now = new Date().toISOString();
  await photosDb.transaction('rw', [photosDb.intervals, photosDb.outbox, photosDb.removedIntervals, photosDb.settings], async () => {
    await recordListNote(intervalListNoteKey(id), incomplete);
    const local = await photosDb.intervals.where('holeId').equals(id).toArray();
    const writes = (await photosDb.outbox.where('kind').equals('interval').toArray()).filter((o) => o.holeId === id);
    const removed = await photosDb.removedIntervals.where('holeId').equals(id).toArray();
    for (const r of remote) {
      if (r.from === null || r.to === null) continue;
      if (removed.some((t) => t.remoteId === r.id || (t.imageryTypeName === r.imageryTypeName && same(t.from, r.from!) && same(t.to, r.to!)))) continue;
      const match = local.find((l) => l.remoteId === r.id) ?? local.find((l) => l.imageryTypeName === r.imageryTypeName && same(l.from, r.from!) && same(l.to, r.to!));
      const remoteImages = r.images.map(({ id: imageId, imageTypeName, width, height }) => ({ id: imageId, imageTypeName, width, height }));
      const theirs = { attributes: r.attributes, updatedAt: r.updatedAt ?? null };
      if (!match) {
        await photosDb.intervals.add({ id: crypto.randomUUID(), holeId: id, imageryTypeName: r.imageryTypeName, from: r.from, to: r.to, attributes: r.attributes, remoteId: r.id, remoteImages, updatedAt: now, base: theirs, conflict: null });
        continue;
      }
      const waiting = writes.filter((o) => o.intervalId === match.id);
      if (waiting.length === 0) {
        await photosDb.intervals.update(match.id, { remoteId: r.id, remoteImages, attributes: r.attributes, from: r.from, to: r.to, base: theirs, conflict: null });
        continue;
      }
      // A local edit waits. Without a base (a row from before conflicts were tracked) nothing can be told.
      const clash = match.base === undefined ? [] : conflictingAttributes(r.attributes, match.base?.attributes ?? {}, match.attributes);
      if (clash.length === 0) {
        await photosDb.intervals.update(match.id, { remoteId: r.id, remoteImages, conflict: null });
        continue;
      }
      await photosDb.intervals.update(match.id, { remoteId: r.id, remoteImages, conflict: { ...theirs, seenAt: now } });
      const error: BridgeError = { kind: 'conflict', system: 'imago', retryable: false, message: `Changed in Imago since you edited it here (${clash.join(', ')}); choose which to keep on the Photos screen.` };
      for (const item of waiting) if (item.state !== 'sending') await photosDb.outbox.update(item.id, { state: 'failed', lastError: error });
    }
    // Only a whole list tells what Imago no longer has: from part of one, a removal Imago has not
    // carried out yet would be forgotten, and the interval come back at the next whole read.
    if (incomplete !== null) return;
    const inImago = new Set(remote.map((r) => r.id));
    await photosDb.removedIntervals.bulkDelete(removed.filter((t) => !inImago.has(t.remoteId)).map((t) => t.id));
  });
}

const same = (a: number, b: number) => Math.abs(a - b) < 1e-6;

// ---- local writes -----------------------------------------------------------------------

async function assertWritable(workspaceName: string): Promise<void> {
  const catalogue = await photosDb.catalogue.get('imago');
  const workspace = catalogue?.workspaces.find((w) => w.name === workspaceName);
  if (!workspace) throw new PhotoWriteError(`Workspace “${workspaceName}” is not known here; refresh from Imago first.`);
  if (workspace.readonly) throw new PhotoWriteError(`Workspace “${workspaceName}” is read-only for your account.`);
}

function outboxItem(kind: OutboxKind, holeKey: string, label: string, ids: { intervalId?: string; photoId?: string } = {}): OutboxItem {
  return {
    id: crypto.randomUUID(),
    kind,
    holeId: holeKey,
    intervalId: ids.intervalId ?? null,
    photoId: ids.photoId ?? null,
    label,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    maybeSent: false,
    lastError: null,
    createdAt: new Date().toISOString(),
  };
}

/** A new hole, usable at once offline; Imago gets it when the outbox runs. */
export async function createHole(workspaceName: string, datasetName: string, name: string): Promise<string> {
  const trimmed = name.trim();
  const problem = holeNameProblem(trimmed);
  if (problem) throw new PhotoWriteError(problem);
  await assertWritable(workspaceName);
  const id = holeId(workspaceName, datasetName, trimmed);
  await photosDb.transaction('rw', photosDb.holes, photosDb.outbox, () => addHoleUnlessKnown(workspaceName, datasetName, trimmed));
  return id;
}

/** The hole and its Imago job, unless it is known already; inside the caller's transaction (holes, outbox). */
async function addHoleUnlessKnown(workspaceName: string, datasetName: string, trimmed: string): Promise<void> {
  const id = holeId(workspaceName, datasetName, trimmed);
  if (await photosDb.holes.get(id)) return;
  await photosDb.holes.add({ id, workspaceName, datasetName, name: trimmed, remoteId: null });
  await photosDb.outbox.add(outboxItem('hole', id, `Create hole ${trimmed}`));
}

export interface IntervalDraft {
  id?: string;
  holeId: string;
  imageryTypeName: string;
  from: number;
  to: number;
  attributes: AttributeValues;
  /**
   * Imago's version the edit started from (the form's, as it opened); absent: the row's. A row
   * refreshed since then is not the edit's base: Imago's change there is a conflict, not overwritten.
   */
  base?: IntervalBase | null | undefined;
}

/**
 * Saves an interval after checking From < To, overlaps and the attribute rules; queues it for
 * Imago. An interval in conflict keeps its write held until the user chooses; so does one whose
 * edit started from an older version than Imago's known here and changes what Imago changed.
 */
export async function saveInterval(draft: IntervalDraft): Promise<string> {
  const hole = await photosDb.holes.get(draft.holeId);
  if (!hole) throw new PhotoWriteError('Pick a hole first.');
  await assertWritable(hole.workspaceName);
  // The attribute rules of the definitions (required, ranges), as the form and main apply them.
  const catalogue = await photosDb.catalogue.get('imago');
  const type = catalogue?.workspaces
    .find((w) => w.name === hole.workspaceName)
    ?.datasets.find((d) => d.name === hole.datasetName)
    ?.imageryTypes.find((t) => t.name === draft.imageryTypeName);
  const ruleProblems = type ? Object.values(attributeRuleProblems(type.attributeDefinitions, draft.attributes)) : [];
  if (ruleProblems.length) throw new PhotoWriteError(ruleProblems.join(' '));
  return photosDb.transaction('rw', photosDb.intervals, photosDb.outbox, async () => {
    const others = await photosDb.intervals.where('[holeId+imageryTypeName]').equals([draft.holeId, draft.imageryTypeName]).toArray();
    const problem = intervalError(draft, others);
    if (problem) throw new PhotoWriteError(problem);
    const existing = draft.id ? await photosDb.intervals.get(draft.id) : undefined;
    // A new interval was never seen in Imago: main checks Imago has nothing else at its depths.
    const base = draft.base !== undefined ? draft.base : existing ? existing.base : null;
    const known = existing?.base;
    const changedMeanwhile = known && base !== undefined && conflictingAttributes(known.attributes, base?.attributes ?? {}, draft.attributes).length > 0;
    const interval: ImageryInterval = {
      id: existing?.id ?? crypto.randomUUID(),
      holeId: draft.holeId,
      imageryTypeName: draft.imageryTypeName,
      from: draft.from,
      to: draft.to,
      attributes: draft.attributes,
      remoteId: existing?.remoteId ?? null,
      remoteImages: existing?.remoteImages ?? [],
      updatedAt: new Date().toISOString(),
      base,
      conflict: existing?.conflict ?? (changedMeanwhile ? { attributes: known.attributes, updatedAt: known.updatedAt ?? null, seenAt: new Date().toISOString() } : null),
    };
    await photosDb.intervals.put(interval);
    await queueIntervalWrite(interval, hole.name, Boolean(interval.conflict));
    return interval.id;
  });
}

async function queueIntervalWrite(interval: ImageryInterval, holeName: string, held = false): Promise<void> {
  const waiting = await photosDb.outbox.where('intervalId').equals(interval.id).filter((o) => o.kind === 'interval' && o.state !== 'sending').first();
  const label = `Save ${holeName} ${formatRange(interval)} ${interval.imageryTypeName}`;
  // One waiting write per interval is enough: it sends the interval as it is when it runs. A
  // write held by a conflict stays held: only the user's choice releases it.
  if (waiting) await photosDb.outbox.update(waiting.id, held ? { label } : { label, state: 'pending', nextAttemptAt: 0, attempts: 0, lastError: null });
  else await photosDb.outbox.add({ ...outboxItem('interval', interval.holeId, label, { intervalId: interval.id }), ...(held ? { state: 'failed' as const, lastError: CONFLICT_HELD } : {}) });
}

const CONFLICT_HELD: BridgeError = { kind: 'conflict', system: 'imago', retryable: false, message: 'Changed in Imago since you edited it here; choose which to keep on the Photos screen.' };

/** What removing an interval did: gone here only, or also to be removed in Imago by hand. */
export interface IntervalRemoval {
  /** Imago has the interval and its API documents no delete: it must be removed in Imago by hand. */
  stillInImago: boolean;
}

/**
 * Removes an interval here. One never sent is simply gone (its waiting write with it). One that
 * Imago has is removed here only, since Imago's API documents no way to delete an interval: a
 * note keeps it from coming back with the next refresh and tells the user to remove it in
 * Imago; nothing pretends it reached the server. Intervals with photos are not removed.
 */
export async function deleteInterval(id: string): Promise<IntervalRemoval> {
  return photosDb.transaction('rw', [photosDb.intervals, photosDb.outbox, photosDb.photos, photosDb.removedIntervals, photosDb.holes, photosDb.catalogue], async () => {
    const interval = await photosDb.intervals.get(id);
    if (!interval) return { stillInImago: false };
    const hole = await photosDb.holes.get(interval.holeId);
    if (hole) await assertWritable(hole.workspaceName);
    const photos = await photosDb.photos.where('intervalId').equals(id).count();
    if (photos > 0 || interval.remoteImages.length > 0) throw new PhotoWriteError('This interval has photos; an interval with photos is not removed here.');
    const items = await photosDb.outbox.where('intervalId').equals(id).toArray();
    if (items.some((o) => o.state === 'sending')) throw new PhotoWriteError('This interval is being sent to Imago right now; try again in a moment.');
    await photosDb.outbox.bulkDelete(items.map((o) => o.id));
    if (interval.remoteId) {
      await photosDb.removedIntervals.put({ id, holeId: interval.holeId, imageryTypeName: interval.imageryTypeName, from: interval.from, to: interval.to, remoteId: interval.remoteId, removedAt: new Date().toISOString() });
    }
    await photosDb.intervals.delete(id);
    return { stillInImago: interval.remoteId !== null };
  });
}

/**
 * The user's choice for an interval in conflict: `mine` sends this computer's values over
 * Imago's (Imago's copy becomes the base, so the write goes through), `theirs` takes Imago's
 * values and drops the waiting write.
 */
export async function resolveConflict(id: string, choice: 'mine' | 'theirs'): Promise<void> {
  await photosDb.transaction('rw', [photosDb.intervals, photosDb.outbox, photosDb.holes, photosDb.photos], async () => {
    const interval = await photosDb.intervals.get(id);
    if (!interval?.conflict) return;
    const theirs = { attributes: interval.conflict.attributes, updatedAt: interval.conflict.updatedAt };
    const all = await photosDb.outbox.where('intervalId').equals(id).toArray();
    // Photos of the interval refused by the same conflict go again, now with the chosen base.
    for (const upload of all.filter((o) => o.kind === 'upload' && o.state === 'failed' && o.lastError?.kind === 'conflict')) {
      await photosDb.outbox.update(upload.id, { state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null });
      if (upload.photoId) await photosDb.photos.update(upload.photoId, { state: 'queued', lastError: null });
    }
    const items = all.filter((o) => o.kind === 'interval' && o.state !== 'sending');
    if (choice === 'theirs') {
      await photosDb.intervals.update(id, { attributes: theirs.attributes, base: theirs, conflict: null, updatedAt: new Date().toISOString() });
      await photosDb.outbox.bulkDelete(items.map((o) => o.id));
      return;
    }
    await photosDb.intervals.update(id, { base: theirs, conflict: null, updatedAt: new Date().toISOString() });
    const updated = (await photosDb.intervals.get(id))!;
    const hole = await photosDb.holes.get(updated.holeId);
    await queueIntervalWrite(updated, hole?.name ?? '');
  });
}

/** Every value each attribute has in the intervals of a dataset's imagery type (for pick lists). */
export async function usedAttributeValues(workspaceName: string, datasetName: string, imageryTypeName: string): Promise<Map<string, (string | number | boolean | null)[]>> {
  const holes = await photosDb.holes.where('[workspaceName+datasetName]').equals([workspaceName, datasetName]).primaryKeys();
  const intervals = holes.length ? await photosDb.intervals.where('holeId').anyOf(holes).filter((i) => i.imageryTypeName === imageryTypeName).toArray() : [];
  const used = new Map<string, (string | number | boolean | null)[]>();
  for (const interval of intervals) {
    for (const [name, values] of Object.entries(interval.attributes)) {
      for (const [attribute, value] of Object.entries(values)) {
        // Objects and lists are shown read-only, never picked from a list.
        if (value !== null && typeof value === 'object') continue;
        const key = `${name}.${attribute}`;
        const list = used.get(key);
        if (list) list.push(value);
        else used.set(key, [value]);
      }
    }
  }
  return used;
}

// ---- photo intake -----------------------------------------------------------------------

export interface IntakeDefaults {
  workspaceName: string;
  datasetName: string;
  binding: Partial<PhotoBinding>;
  pattern: string;
  imageryType: CatalogueImageryType | undefined;
}

/** The binding a file name suggests, on top of the current selection. */
export function bindingFor(name: string, defaults: IntakeDefaults): PhotoBinding {
  const fields: FilenameFields = parseFilename(name, defaults.pattern) ?? {};
  const imageType = fields.imageType && defaults.imageryType?.imageTypes.find((t) => t.name.toLowerCase() === fields.imageType!.toLowerCase())?.name;
  return {
    hole: fields.hole ?? defaults.binding.hole ?? '',
    imageryTypeName: defaults.binding.imageryTypeName ?? defaults.imageryType?.name ?? '',
    imageTypeName: imageType ?? fields.imageType ?? defaults.binding.imageTypeName ?? '',
    from: fields.from ?? defaults.binding.from ?? null,
    to: fields.to ?? defaults.binding.to ?? null,
  };
}

/**
 * Takes a pick, drop or watch-folder find in through main's pipeline, each file on its own:
 * accepted ones become drafts for review; files that could not be handed over or were refused are
 * listed with their reason, so nothing chosen disappears without a word. Whatever main still
 * holds for a file that did not make it (an intake call that never completed, a pick abandoned
 * because the workspace is not writable) is released at once. A watch-folder find is settled with
 * main only after its draft or refusal is written here, so a page that dies meanwhile gets it
 * offered again; a find offered again after its draft was written (the word to main was lost) is
 * recognised and not taken in twice. So is a file picked again while its draft still waits for
 * review (a pick cut short by a crash, picked whole again): counted in `accepted` and in
 * `alreadyWaiting`.
 */
export async function intakeStaged(
  handedOver: readonly StagedFileOutcome[],
  defaults: IntakeDefaults,
  source: TrayPhoto['source'],
): Promise<{ accepted: number; alreadyWaiting: number; rejected: number; notKept: { name: string; reason: string }[] }> {
  const staged = handedOver.filter((file): file is Extract<StagedFileOutcome, { ok: true }> => file.ok);
  const failed = handedOver.filter((file): file is Extract<StagedFileOutcome, { ok: false }> => !file.ok);
  // Files whose refusal could not be written either (a full disk): the caller lists them, so
  // none goes without a word, and the other files' intake carries on.
  const notKept: { name: string; reason: string }[] = [];
  const writeRefusals = async (refused: { name: string; reason: string }[]) => {
    const at = new Date().toISOString();
    try {
      await photosDb.rejections.bulkAdd(refused.map(({ name, reason }) => ({ id: crypto.randomUUID(), name, reason, at })));
    } catch (error) {
      if (!reportLocalWriteFailure(error)) throw error;
      notKept.push(...refused);
    }
  };
  if (failed.length) await writeRefusals(failed.map((file) => ({ name: file.name, reason: file.error.message })));
  try {
    await assertWritable(defaults.workspaceName);
  } catch (error) {
    // Watch-folder finds stay pending in main until a writable dataset is chosen; a pick is abandoned.
    if (source !== 'watch-folder') await releaseStaged(staged.map((file) => file.ref));
    throw error;
  }
  let accepted = 0;
  let alreadyWaiting = 0;
  let rejected = failed.length;
  const refuse = async (name: string, reason: string) => {
    rejected++;
    await writeRefusals([{ name, reason }]);
  };
  await Promise.all(
    staged.map(async (file) => {
      const result = await bridge.intakePhoto({ ref: file.ref });
      if (!result.ok) {
        // A find is not the user's to add again: on a lost link main offers it again (its watcher
        // finds it anew if it restarted); one main no longer holds was settled elsewhere (another
        // window, or this page before it was reloaded, wrote its draft) or is offered again when
        // watching resumes.
        if (source === 'watch-folder' && (lostLink(result.error) || result.error.kind === 'not-found')) return;
        await refuse(file.name, intakeCallFailure(result.error));
        // Main releases a file it took in or refused; after a lost call it may still hold it.
        return releaseStaged([file.ref]);
      }
      if (!result.value.accepted) {
        await refuse(file.name, result.value.reason);
        if (source === 'watch-folder') await releaseStaged([file.ref]);
        return;
      }
      const photo = result.value;
      try {
        const kept = await keepDraft({
          id: crypto.randomUUID(),
          sha256: photo.sha256,
          originalName: file.name,
          mimeType: photo.mimeType,
          width: photo.width,
          height: photo.height,
          bytes: photo.bytes,
          converted: photo.converted,
          thumbnail: new Blob([Uint8Array.from(atob(photo.thumbnailBase64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' }),
          source,
          workspaceName: defaults.workspaceName,
          datasetName: defaults.datasetName,
          binding: bindingFor(file.name, defaults),
          intervalId: null,
          state: 'draft',
          remoteImageId: null,
          lastError: null,
          createdAt: new Date().toISOString(),
          uploadedAt: null,
        });
        accepted++;
        if (!kept) alreadyWaiting++;
      } catch (error) {
        // Not settled: a watch-folder find that could not be kept is offered again next time.
        const why = localWriteFailureOf(error) ? whyNotSaved(error, 'take it in again') : asBridgeError(error).message;
        return refuse(file.name, `It was not taken in: it could not be kept in this browser’s storage: ${why}`);
      }
      // Written: only now may main count a watch-folder find as done.
      if (source === 'watch-folder') await releaseStaged([file.ref]);
    }),
  );
  return { accepted, alreadyWaiting, rejected, notKept };
}

const lostLink = (error: BridgeError) => error.kind === 'unavailable' && error.retryable;

/**
 * Why an intake call failed, as the refusal says it. A lost link (the service stopped mid-pick)
 * fails the call with the link's own words ("retrying"), but nothing takes the file in again by
 * itself: the user is told to add it again.
 */
function intakeCallFailure(error: BridgeError): string {
  if (lostLink(error)) return 'It was not taken in: Corelog’s background service could not be reached while taking it in; add it again.';
  return error.message;
}

/**
 * Adds a draft (true), unless the same file (name and content) is known already (false): a
 * watch-folder find taken in before, whatever became of it (main offers a find again when it never
 * heard that the first intake was written), or a pick whose draft still waits for review in the
 * same dataset (a pick cut short by a crash is picked whole again). A photo picked again after it
 * was queued is a new draft: the user may mean another interval, and queueing refuses a twin.
 */
async function keepDraft(photo: TrayPhoto): Promise<boolean> {
  return photosDb.transaction('rw', photosDb.photos, async () => {
    const known = await photosDb.photos
      .where('sha256')
      .equals(photo.sha256)
      .filter((p) =>
        p.originalName !== photo.originalName
          ? false
          : photo.source === 'watch-folder'
            ? p.source === 'watch-folder'
            : p.state === 'draft' && p.workspaceName === photo.workspaceName && p.datasetName === photo.datasetName,
      )
      .first();
    if (known) return false;
    await photosDb.photos.add(photo);
    return true;
  });
}

/** Tells main to let go of handed-over files now; a failure here only leaves them to the weekly sweep. */
export async function releaseStaged(refs: readonly string[]): Promise<void> {
  for (let i = 0; i < refs.length; i += 10_000) {
    await bridge.discardStagedFiles({ refs: refs.slice(i, i + 10_000) }).catch(() => undefined);
  }
}

/** What keeps a draft from being queued, or null. */
export function draftProblem(photo: TrayPhoto, imageryType: CatalogueImageryType | undefined): string | null {
  const b = photo.binding;
  if (!b.hole.trim()) return 'Which hole?';
  const holeProblem = holeNameProblem(b.hole);
  if (holeProblem) return holeProblem;
  if (!imageryType || imageryType.name !== b.imageryTypeName) return 'Which imagery type?';
  if (b.from === null || b.to === null) return 'Which interval (From and To)?';
  if (!(b.from < b.to)) return 'From must be less than To.';
  if (!imageryType.imageTypes.some((t) => t.name === b.imageTypeName)) return `Which image type (${imageryType.imageTypes.map((t) => t.name).join(' or ')})?`;
  return null;
}

/**
 * Changes part of a draft's binding in one read-and-write transaction: changes made in quick
 * succession (keystrokes, the hole and a depth) are applied in the order made, none lost.
 */
export async function updateDraftBinding(id: string, change: Partial<PhotoBinding>): Promise<void> {
  await photosDb.photos
    .where('id')
    .equals(id)
    .modify((photo) => {
      if (photo.state === 'draft') photo.binding = { ...photo.binding, ...change };
    });
}

/**
 * Queues drafts: each is bound to its hole (created when new) and interval (an existing one with
 * the same depths, or a new one that must not overlap), and gets an upload in the outbox.
 * Returns the drafts left behind with their reason. A draft another call (a second click,
 * another window) queued meanwhile is skipped, so a photo never has two uploads.
 */
export async function queueDrafts(ids: string[], imageryType: CatalogueImageryType): Promise<{ queued: number; left: { name: string; reason: string }[] }> {
  const left: { name: string; reason: string }[] = [];
  let queued = 0;
  for (const id of ids) {
    const photo = await photosDb.photos.get(id);
    if (!photo || photo.state !== 'draft') continue;
    const problem = draftProblem(photo, imageryType);
    if (problem) {
      left.push({ name: photo.originalName, reason: problem });
      continue;
    }
    try {
      const outcome = await queueOne(photo, imageryType);
      if (outcome === 'queued') queued++;
      else if (outcome === 'changed') left.push({ name: photo.originalName, reason: 'It was changed while being queued; check it and queue it again.' });
    } catch (error) {
      left.push({ name: photo.originalName, reason: asBridgeError(error).message });
    }
  }
  return { queued, left };
}

/** Queues one draft as read before, unless it was queued meanwhile or its binding changed since. */
async function queueOne(photo: TrayPhoto, imageryType: CatalogueImageryType): Promise<'queued' | 'already-queued' | 'changed'> {
  const { binding: b } = photo;
  const hole = holeId(photo.workspaceName, photo.datasetName, b.hole.trim());
  const holeProblem = holeNameProblem(b.hole.trim());
  if (holeProblem) throw new PhotoWriteError(holeProblem);
  await assertWritable(photo.workspaceName);
  // All or nothing: a new hole and its Imago job are written with the photo's queueing, so a
  // queueing refused (a full disk, an overlap) leaves no hole to be created in Imago for nothing.
  return photosDb.transaction('rw', [photosDb.holes, photosDb.intervals, photosDb.photos, photosDb.outbox], async () => {
    // Read again inside the transaction: what was checked above may have changed since.
    const now = await photosDb.photos.get(photo.id);
    if (now?.state !== 'draft' || (await photosDb.outbox.where('photoId').equals(photo.id).filter((o) => o.kind === 'upload').count())) return 'already-queued';
    if (!sameBinding(now.binding, b)) return 'changed';
    await addHoleUnlessKnown(photo.workspaceName, photo.datasetName, b.hole.trim());
    const others = await photosDb.intervals.where('[holeId+imageryTypeName]').equals([hole, imageryType.name]).toArray();
    let interval = others.find((o) => same(o.from, b.from!) && same(o.to, b.to!));
    if (!interval) {
      const problem = intervalError({ from: b.from!, to: b.to! }, others);
      if (problem) throw new PhotoWriteError(problem);
      interval = { id: crypto.randomUUID(), holeId: hole, imageryTypeName: imageryType.name, from: b.from!, to: b.to!, attributes: {}, remoteId: null, remoteImages: [], updatedAt: new Date().toISOString() };
      await photosDb.intervals.add(interval);
    }
    const twin = await photosDb.photos
      .where('sha256')
      .equals(photo.sha256)
      .filter((p) => p.id !== photo.id && p.state !== 'draft' && p.intervalId === interval!.id && p.binding.imageTypeName === b.imageTypeName)
      .first();
    if (twin) throw new PhotoWriteError(`The same photo is already ${twin.state === 'uploaded' ? 'in Imago' : 'queued'} for this interval.`);
    await photosDb.photos.update(photo.id, { state: 'queued', intervalId: interval.id, binding: { ...b, hole: b.hole.trim() } });
    await photosDb.outbox.add(outboxItem('upload', hole, `Upload ${b.hole.trim()} ${formatRange(interval)} ${b.imageTypeName} (${photo.originalName})`, { intervalId: interval.id, photoId: photo.id }));
    return 'queued';
  });
}

const sameBinding = (a: PhotoBinding, b: PhotoBinding) => a.hole === b.hole && a.imageryTypeName === b.imageryTypeName && a.imageTypeName === b.imageTypeName && a.from === b.from && a.to === b.to;

export async function discardDrafts(ids: string[]): Promise<void> {
  await photosDb.photos.bulkDelete(ids);
}
