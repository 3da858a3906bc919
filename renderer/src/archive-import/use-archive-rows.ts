/**
 * A job's rows, page by page from main as the table scrolls: an archive can hold 100,000 files and
 * they are never all sent over the bridge (nor all kept in the page). Pages the user scrolled away
 * from are forgotten beyond a small number; while the job changes (a dry run still scanning, a
 * run turning `ready` into `uploaded`) the pages on screen are read again, at most once a second.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ArchiveOutcome, ArchiveRow } from '../../../common/bridge/archive-contract';
import type { BridgeError } from '../../../common/errors';
import { bridge } from '../bridge/bridge';

/** Rows per call: a screenful and some, well under the contract's 500. */
export const ROW_PAGE = 200;
/** Pages kept in the page: the ones on screen and a few around them. */
const PAGES_KEPT = 12;
const REFRESH_MS = 1000;

interface Page {
  rows: ArchiveRow[];
  /** The job version the page was read at. */
  version: string;
}

export interface ArchiveRowView {
  /** Rows under the current filter (null until the first page answers). */
  total: number | null;
  rowAt(index: number): ArchiveRow | undefined;
  /** Tells the pager which rows are on screen, so it reads (or reads again) their pages. */
  showing(first: number, last: number): void;
  error: BridgeError | null;
}

/**
 * Rows of `jobId` with one of `outcomes` (all when empty). `version` is the job's `updatedAt`:
 * when it moves on, the pages on screen are read again.
 */
export function useArchiveRows(jobId: string, outcomes: readonly ArchiveOutcome[], version: string): ArchiveRowView {
  const outcomesKey = [...outcomes].sort().join(',');
  const filterKey = `${jobId}\n${outcomesKey}`;
  const pages = useRef(new Map<number, Page>());
  const inFlight = useRef(new Set<number>());
  const onScreen = useRef<[number, number]>([0, 0]);
  const lastRead = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const versionRef = useRef(version);
  versionRef.current = version;
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<BridgeError | null>(null);
  const [, setTick] = useState(0);
  // The filter as one string, so a new array with the same outcomes is the same list.
  const outcomeList = useMemo(() => (outcomesKey ? (outcomesKey.split(',') as ArchiveOutcome[]) : undefined), [outcomesKey]);
  const currentKey = useRef(filterKey);
  const schedule = useRef<() => void>(() => undefined);

  const read = useCallback(
    async (page: number, key: string) => {
      if (inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const askedAt = versionRef.current;
      const result = await bridge.archiveRows({ jobId, offset: page * ROW_PAGE, limit: ROW_PAGE, outcomes: outcomeList });
      inFlight.current.delete(page);
      // The filter changed while this page was on its way: it belongs to another list.
      if (key !== currentKey.current) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      pages.current.set(page, { rows: result.value.rows, version: askedAt });
      setTotal(result.value.total);
      // The job moved on while the page was on its way: read it again (the timer spaces the reads).
      if (askedAt !== versionRef.current) schedule.current();
      // Forget the pages farthest from the screen.
      if (pages.current.size > PAGES_KEPT) {
        const middle = Math.floor(onScreen.current[0] / ROW_PAGE);
        const far = [...pages.current.keys()].sort((a, b) => Math.abs(b - middle) - Math.abs(a - middle));
        for (const p of far.slice(0, pages.current.size - PAGES_KEPT)) pages.current.delete(p);
      }
      setTick((t) => t + 1);
    },
    [jobId, outcomeList],
  );

  /** Reads the pages on screen that are missing or older than the job's version. */
  const readOnScreen = useCallback(() => {
    lastRead.current = Date.now();
    const [first, last] = onScreen.current;
    for (let page = Math.floor(first / ROW_PAGE); page <= Math.floor(Math.max(first, last) / ROW_PAGE); page += 1) {
      const known = pages.current.get(page);
      if (!known || known.version !== versionRef.current) void read(page, currentKey.current);
    }
  }, [read]);

  // A new filter (or job) is a new list: start from its first page.
  useEffect(() => {
    currentKey.current = filterKey;
    pages.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setError(null);
    onScreen.current = [0, 0];
    readOnScreen();
  }, [filterKey, readOnScreen]);

  // The job moved on: read the pages on screen again, at most once a second.
  schedule.current = () => {
    if (timer.current) return;
    const wait = Math.max(0, lastRead.current + REFRESH_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      readOnScreen();
    }, wait);
  };
  useEffect(() => schedule.current(), [version]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const showing = useCallback(
    (first: number, last: number) => {
      const [oldFirst, oldLast] = onScreen.current;
      if (oldFirst === first && oldLast === last) return;
      onScreen.current = [first, last];
      readOnScreen();
    },
    [readOnScreen],
  );

  return {
    total,
    error,
    showing,
    rowAt: (index) => pages.current.get(Math.floor(index / ROW_PAGE))?.rows[index % ROW_PAGE],
  };
}
