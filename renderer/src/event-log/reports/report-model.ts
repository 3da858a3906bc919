/**
 * The watch report and the sequence report (issue 13 §3), made from local data only (no Dexie, no
 * React here, so they are tested in Node). The model already holds the text of every cell, in the
 * time zone chosen in Settings: the printed page and the CSV show the same words from one place,
 * so "the same content as CSV" holds by construction.
 */
import { safeFileNamePart } from '../../../../common/safe-file-name';
import type { QcResult, SequenceSummary } from '../../../../common/bridge/event-log-contract';
import { csvCell as cell } from '../../../../common/csv';
import type { EventSyncState, LogEvent, OutboxItem } from '../event-log-db';
import { formatEventTime, type TimeZoneChoice } from '../event-time';

/** Labels Dougal uses for the start and end of a line (seed and reference §4.5). */
const START_LABELS = ['SOL', 'FGSP'];
const END_LABELS = ['EOL', 'LGSP'];

export const EVENT_COLUMNS = ['Time', 'Seq', 'SP', 'Remarks', 'Labels', 'State'] as const;
export const SEQUENCE_COLUMNS = ['Seq', 'Line', 'Status', 'Started', 'Ended', 'Shot points', 'Shots', 'Events'] as const;
export const QC_COLUMNS = ['Test', 'Event', 'SP', 'Time', 'Remarks', 'Accepted'] as const;

/** What is still on this computer only: the project's outbox, and the report's events not on Dougal yet. */
export interface Waiting {
  /** Changes of this project queued for Dougal (any kind: events, QC, plan). */
  changes: number;
  /** Of them, refused by Dougal or in conflict: they wait for the user, not for the network. */
  needYou: number;
  /** Events in this report whose latest content is not on Dougal yet. */
  events: number;
}

export interface EventLine {
  key: string;
  sync: EventSyncState;
  /** Time, Seq, SP, Remarks, Labels, State (EVENT_COLUMNS). */
  cells: string[];
}

export interface EventGroup {
  sequence: number | null;
  title: string;
  lines: EventLine[];
}

export interface LabelCount {
  label: string;
  count: number;
}

export interface ReportFact {
  term: string;
  value: string;
}

export interface WatchReport {
  kind: 'watch';
  title: string;
  facts: ReportFact[];
  /** Plain sentences on what waits to be sent and how fresh the local copy is. */
  notes: string[];
  waiting: Waiting;
  total: number;
  groups: EventGroup[];
  labelCounts: LabelCount[];
  unlabelled: number;
  /** Sequences started, ended or shot during the watch (SEQUENCE_COLUMNS). */
  sequences: string[][];
}

export interface QcLine {
  accepted: boolean;
  /** An accept or un-accept of this result is queued, not yet on Dougal. */
  waiting: boolean;
  /** Test, Event, SP, Time, Remarks, Accepted (QC_COLUMNS). */
  cells: string[];
}

export interface SequenceReport {
  kind: 'sequence';
  title: string;
  sequence: number;
  facts: ReportFact[];
  notes: string[];
  waiting: Waiting;
  total: number;
  events: EventLine[];
  labelCounts: LabelCount[];
  unlabelled: number;
  qc: QcLine[];
  /** When QC results were last read from Dougal (null: never on this computer). */
  qcFetchedAt: string | null;
}

export interface LocalState {
  project: string;
  projectName: string | null;
  /** The sequences as Dougal last gave them (undefined: never loaded on this computer). */
  sequences: SequenceSummary[] | undefined;
  referenceFetchedAt: string | null;
  /** The project's queued changes. */
  outbox: Pick<OutboxItem, 'seq' | 'state' | 'kind' | 'qc'>[];
  lastPullAt: string | null;
  madeAt: string;
  zone: TimeZoneChoice;
}

const SYNC_WORDS: Record<EventSyncState, string> = {
  synced: 'on Dougal',
  pending: 'waiting to be sent',
  failed: 'refused by Dougal: needs you',
  conflict: 'conflict: needs you',
};

const time = (iso: string | null, zone: TimeZoneChoice): string => (iso ? formatEventTime(iso, zone) : '');
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Events shown in a report: not deleted, oldest first; at the same time in Dougal's order (id), then ours (key). */
function liveEvents(events: readonly LogEvent[]): LogEvent[] {
  const byKey = (a: LogEvent, b: LogEvent) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return events
    .filter((e) => e.deleted !== 1)
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : (a.id ?? Infinity) - (b.id ?? Infinity) || byKey(a, b)));
}

function eventLine(e: LogEvent, zone: TimeZoneChoice): EventLine {
  // Logged against a shot Dougal has not timed yet: the time it was logged here, said as such.
  const when = e.tstamp ? time(e.tstamp, zone) : e.sortKey ? `${time(e.sortKey, zone)} (logged; shot time not known yet)` : '';
  return {
    key: e.key,
    sync: e.sync,
    cells: [when, e.sequence === null ? '' : String(e.sequence), e.point === null ? '' : String(e.point), e.remarks, e.labels.join(', '), SYNC_WORDS[e.sync]],
  };
}

function labelCounts(events: readonly LogEvent[]): { counts: LabelCount[]; unlabelled: number } {
  const counts = new Map<string, number>();
  let unlabelled = 0;
  for (const e of events) {
    if (e.labels.length === 0) unlabelled++;
    for (const label of new Set(e.labels)) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const sorted = [...counts].map(([label, n]) => ({ label, count: n })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  return { counts: sorted, unlabelled };
}

function waitingOf(state: LocalState, events: readonly LogEvent[]): Waiting {
  return {
    changes: state.outbox.length,
    needYou: state.outbox.filter((i) => i.state === 'failed' || i.state === 'conflict').length,
    events: events.filter((e) => e.sync !== 'synced').length,
  };
}

/** The sentences every report starts with: what waits to be sent, and how fresh the local copy is. */
function commonNotes(state: LocalState, waiting: Waiting): string[] {
  const notes: string[] = [];
  if (waiting.changes === 0) notes.push('Nothing is waiting to be sent to Dougal.');
  else {
    const needYou = waiting.needYou ? ` (${count(waiting.needYou, 'was', 'were')} refused or in conflict and need${waiting.needYou === 1 ? 's' : ''} someone to look at ${waiting.needYou === 1 ? 'it' : 'them'})` : '';
    notes.push(`${count(waiting.changes, 'change')} ${waiting.changes === 1 ? 'is' : 'are'} still waiting to be sent to Dougal${needYou}.`);
  }
  if (waiting.events > 0) notes.push(`${count(waiting.events, 'event')} in this report ${waiting.events === 1 ? 'is' : 'are'} not on Dougal yet (see State).`);
  notes.push(state.lastPullAt ? `Made from the log on this computer, last brought up to date from Dougal at ${time(state.lastPullAt, state.zone)}.` : 'Made from the log on this computer; it has not been brought up to date from Dougal yet.');
  return notes;
}

function projectText(state: LocalState): string {
  return state.projectName && state.projectName !== state.project ? `${state.projectName} (${state.project})` : state.project;
}

/** The events of [from, to] grouped by sequence, the label counts and the sequences of the watch. */
export function watchReport(state: LocalState, events: readonly LogEvent[], range: { from: string; to: string }): WatchReport {
  const { zone } = state;
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const inRange = (iso: string | null) => iso !== null && Date.parse(iso) >= from && Date.parse(iso) <= to;
  const shown = liveEvents(events).filter((e) => inRange(e.sortKey));
  const waiting = waitingOf(state, shown);
  const known = new Map((state.sequences ?? []).map((s) => [s.sequence, s]));

  // Groups in the order the watch met them; events without a sequence form one group.
  const groups = new Map<number | null, EventGroup>();
  // Each sequence's events, gathered once: a watch can hold 100,000 events over many sequences.
  const eventsOf = new Map<number, LogEvent[]>();
  for (const e of shown) {
    if (e.sequence !== null) {
      const list = eventsOf.get(e.sequence);
      if (list) list.push(e);
      else eventsOf.set(e.sequence, [e]);
    }
    let group = groups.get(e.sequence);
    if (!group) {
      const line = e.sequence === null ? undefined : known.get(e.sequence)?.line;
      group = { sequence: e.sequence, title: e.sequence === null ? 'Not on a sequence' : `Sequence ${e.sequence}${line !== undefined ? ` (line ${line})` : ''}`, lines: [] };
      groups.set(e.sequence, group);
    }
    group.lines.push(eventLine(e, zone));
  }
  for (const group of groups.values()) group.title += ` · ${count(group.lines.length, 'event')}`;

  // Sequences: shot during the watch by Dougal's summary, or named by an event of it.
  const numbers = new Set<number>();
  for (const s of state.sequences ?? []) {
    const start = s.ts0 ? Date.parse(s.ts0) : NaN;
    const end = s.status === 'online' ? Infinity : s.ts1 ? Date.parse(s.ts1) : NaN;
    if (start <= to && end >= from) numbers.add(s.sequence);
  }
  for (const n of eventsOf.keys()) numbers.add(n);
  const sequences = [...numbers]
    .sort((a, b) => a - b)
    .map((n) => {
      const s = known.get(n);
      const ofSeq = eventsOf.get(n) ?? [];
      const marked = (labels: string[]) => ofSeq.find((e) => e.labels.some((l) => labels.includes(l)));
      const startMark = marked(START_LABELS);
      const endMark = [...ofSeq].reverse().find((e) => e.labels.some((l) => END_LABELS.includes(l)));
      const started = s?.ts0 && inRange(s.ts0) ? time(s.ts0, zone) : s?.ts0 && Date.parse(s.ts0) < from ? 'before the watch' : startMark ? `${time(startMark.sortKey, zone)} (by the log)` : '';
      const ended =
        s?.status === 'online'
          ? 'still online'
          : s?.ts1 && inRange(s.ts1)
            ? time(s.ts1, zone)
            : s?.ts1 && Date.parse(s.ts1) > to
              ? 'after the watch'
              : endMark
                ? `${time(endMark.sortKey, zone)} (by the log)`
                : '';
      return [
        String(n),
        s ? String(s.line) : '',
        s ? s.status : 'not known here yet',
        started,
        ended,
        s ? `${s.fsp ?? '?'}–${s.lsp ?? '?'}` : '',
        s?.numPoints != null ? String(s.numPoints) : '',
        String(ofSeq.length),
      ];
    });

  const labels = labelCounts(shown);
  const notes = commonNotes(state, waiting);
  if (state.sequences === undefined) notes.push('The sequences have not been loaded from Dougal on this computer yet: their status is not known here.');
  else if (state.referenceFetchedAt) notes.push(`Sequence status as Dougal gave it at ${time(state.referenceFetchedAt, zone)}.`);
  return {
    kind: 'watch',
    title: `Watch report: ${time(range.from, zone)} to ${time(range.to, zone)}`,
    facts: [
      { term: 'Project', value: projectText(state) },
      { term: 'From', value: time(range.from, zone) },
      { term: 'To', value: time(range.to, zone) },
      { term: 'Times in', value: zone === 'utc' ? 'UTC' : 'local time of this computer' },
      { term: 'Events', value: String(shown.length) },
      { term: 'Made', value: time(state.madeAt, zone) },
    ],
    notes,
    waiting,
    total: shown.length,
    groups: [...groups.values()],
    labelCounts: labels.counts,
    unlabelled: labels.unlabelled,
    sequences,
  };
}

/** QC results with the queued accept / un-accept changes on top (in queue order), marked as waiting. */
function qcLines(results: readonly QcResult[], outbox: LocalState['outbox'], zone: TimeZoneChoice): QcLine[] {
  const queued = new Map<number, boolean>();
  for (const item of [...outbox].filter((i) => i.kind === 'qc' && i.qc).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    for (const id of item.qc!.eventIds) queued.set(id, item.qc!.accepted);
  }
  return [...results]
    .sort((a, b) => (a.tstamp ?? '').localeCompare(b.tstamp ?? '') || a.eventId - b.eventId || a.test.localeCompare(b.test))
    .map((r) => {
      const accepted = queued.get(r.eventId) ?? r.accepted;
      const waiting = queued.has(r.eventId);
      return {
        accepted,
        waiting,
        cells: [r.test, String(r.eventId), r.point === null ? '' : String(r.point), time(r.tstamp, zone), r.remarks, `${accepted ? 'accepted' : 'not accepted'}${waiting ? ' (waiting to be sent)' : ''}`],
      };
    });
}

/** One sequence: its events, first and last shot, the first/last good shot points logged, QC results. */
export function sequenceReport(state: LocalState, sequence: number, events: readonly LogEvent[], qc: { results: QcResult[]; fetchedAt: string } | undefined): SequenceReport {
  const { zone } = state;
  const shown = liveEvents(events).filter((e) => e.sequence === sequence);
  const waiting = waitingOf(state, shown);
  const s = state.sequences?.find((q) => q.sequence === sequence);
  const shot = (point: number | null, at: string | null) => (point === null ? 'not known' : `SP ${point}${at ? ` at ${time(at, zone)}` : ''}`);
  const lastOf = (label: string) => [...shown].reverse().find((e) => e.labels.includes(label));
  const marked = (label: string) => {
    const e = lastOf(label);
    return e ? `SP ${e.point ?? '?'}${e.tstamp ? ` at ${time(e.tstamp, zone)}` : ''}` : 'not logged';
  };
  const notKnown = 'not known on this computer (Dougal has not sent this sequence here yet)';
  const facts: ReportFact[] = [
    { term: 'Project', value: projectText(state) },
    { term: 'Sequence', value: String(sequence) },
    { term: 'Line', value: s ? String(s.line) : notKnown },
    { term: 'Status', value: s ? s.status : notKnown },
    { term: 'First shot', value: s ? shot(s.fsp, s.ts0) : notKnown },
    { term: 'Last shot', value: s ? `${shot(s.lsp, s.ts1)}${s.status === 'online' ? ' (the latest so far: still online)' : ''}` : notKnown },
    { term: 'Shots', value: s?.numPoints != null ? String(s.numPoints) : 'not known' },
    { term: 'First good SP', value: marked('FGSP') },
    { term: 'Last good SP', value: marked('LGSP') },
    { term: 'Events', value: String(shown.length) },
    { term: 'Made', value: time(state.madeAt, zone) },
  ];
  const labels = labelCounts(shown);
  const notes = commonNotes(state, waiting);
  if (!qc) notes.push('QC results have not been read from Dougal on this computer yet.');
  else notes.push(`QC results as Dougal gave them at ${time(qc.fetchedAt, zone)}.`);
  return {
    kind: 'sequence',
    title: `Sequence report: sequence ${sequence}${s ? `, line ${s.line}` : ''}`,
    sequence,
    facts,
    notes,
    waiting,
    total: shown.length,
    events: shown.map((e) => eventLine(e, zone)),
    labelCounts: labels.counts,
    unlabelled: labels.unlabelled,
    qc: qcLines(qc?.results.filter((r) => r.sequence === sequence) ?? [], state.outbox, zone),
    qcFetchedAt: qc?.fetchedAt ?? null,
  };
}

const row = (cells: readonly (string | number | null)[]) => cells.map(cell).join(',');

function labelRows(report: Pick<WatchReport, 'labelCounts' | 'unlabelled' | 'total'>): string[] {
  return ['Counts by label', row(['Label', 'Events']), ...report.labelCounts.map((c) => row([c.label, c.count])), row(['(no label)', report.unlabelled]), row(['All events', report.total])];
}

/**
 * The report as CSV: the same facts, notes and tables as the printed page, one section after
 * another (a title line, its header row, its rows; a blank line between sections), CRLF lines.
 */
export function reportToCsv(report: WatchReport | SequenceReport): string {
  const lines: string[] = [row([report.title]), ...report.facts.map((f) => row([f.term, f.value])), ...report.notes.map((n) => row(['Note', n])), ''];
  if (report.kind === 'watch') {
    lines.push('Events by sequence', row(['Group', ...EVENT_COLUMNS]));
    for (const group of report.groups) for (const line of group.lines) lines.push(row([group.title, ...line.cells]));
    lines.push('', ...labelRows(report), '', 'Sequences', row([...SEQUENCE_COLUMNS]), ...report.sequences.map(row));
  } else {
    lines.push('Events', row([...EVENT_COLUMNS]), ...report.events.map((l) => row(l.cells)));
    lines.push('', ...labelRows(report), '', 'QC results', row([...QC_COLUMNS]), ...report.qc.map((q) => row(q.cells)));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Longest project id kept in a file name (code points): the date and times after it must fit too. */
const MAX_PROJECT_IN_NAME = 80;

/**
 * A file name part without what a file system or the save bridge refuses, or what misleads a
 * reader: controls (DEL and C1 too), bidi and other format characters (U+202E would show the
 * name's end backwards), halves of surrogate pairs, `\ / : * ? " < > |`; no leading or trailing
 * dots or blanks. A project id comes from Dougal and may hold any of them.
 */
const safe = safeFileNamePart;

/** "Watch report eq24301 2024-06-03 0800-1200 UTC" (no extension: .pdf or .csv is added). */
export function reportFileStem(report: WatchReport | SequenceReport, project: string, range: { from: string; to: string }, zone: TimeZoneChoice): string {
  const name = safe(project, MAX_PROJECT_IN_NAME) || 'project';
  if (report.kind === 'sequence') return safe(`Sequence ${report.sequence} report ${name}`);
  const [fromDay, fromTime] = formatEventTime(range.from, zone).replace(/Z$/, '').split(' ');
  const toTime = formatEventTime(range.to, zone).replace(/Z$/, '').split(' ')[1];
  return safe(`Watch report ${name} ${fromDay} ${fromTime!.slice(0, 5).replace(':', '')}-${toTime!.slice(0, 5).replace(':', '')} ${zone === 'utc' ? 'UTC' : 'local'}`);
}
