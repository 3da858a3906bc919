/**
 * The figures the archive import screen shows and reads: sizes, rates, times left, the bandwidth
 * cap a user types ("512 kbit/s", "2 Mbit/s", "200 KB/s") and the outcome names. Pure code, so
 * the node tests check it without a browser.
 */
import type { ArchiveCounts, ArchiveJobStatus, ArchiveOutcome } from '../../../common/bridge/archive-contract';

/** Every outcome, in the order the summary and the filter show them. */
export const OUTCOME_ORDER: readonly ArchiveOutcome[] = ['ready', 'uploaded', 'failed', 'unmatched', 'refused', 'on-imago', 'duplicate', 'overlap', 'skipped'];

/** What each outcome means, in the words the table and the filter use. */
export const OUTCOME_LABEL: Record<ArchiveOutcome, string> = {
  ready: 'Ready to upload',
  uploaded: 'Uploaded',
  failed: 'Failed',
  unmatched: 'Not matched',
  refused: 'Refused',
  'on-imago': 'Already on Imago',
  duplicate: 'Duplicate in archive',
  overlap: 'Overlaps an interval',
  skipped: 'Skipped',
};

const KB = 1000;
/** The smallest cap main accepts (archiveSetRate), 4096 bytes/s ≈ 33 kbit/s. */
export const MIN_CAP_BYTES_PER_SECOND = 4096;

/** "812 B", "3.4 MB", "1.2 GB" (decimal units, as disks and links are sold). */
export function formatBytes(bytes: number): string {
  if (bytes < KB) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / KB;
  let unit = 0;
  while (value >= KB && unit < units.length - 1) {
    value /= KB;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * A rate in bits per second ("1.6 Mbit/s"): satellite links and their caps are sold in bits, so
 * the rate is said the way the user's contract says it.
 */
export function formatRate(bytesPerSecond: number): string {
  const bits = bytesPerSecond * 8;
  if (bits < 1000) return `${Math.round(bits)} bit/s`;
  if (bits < 1_000_000) return `${(bits / 1000).toFixed(bits < 10_000 ? 1 : 0)} kbit/s`;
  return `${(bits / 1_000_000).toFixed(bits < 10_000_000 ? 1 : 0)} Mbit/s`;
}

/** "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) {
    const minutes = Math.round((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.round((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${hours ? ` ${hours} h` : ''}`;
}

/**
 * The bandwidth cap typed by the user, in bytes per second: blank means no cap. A small "b" is
 * bits and a capital "B" bytes, as on every link's data sheet: "512 kbit/s", "2 Mbps", "2 Mb/s"
 * are bits, "200 KB/s", "1.5 MB/s" bytes; a bare number is kbit/s (what a satellite plan is sold in).
 */
export function parseBandwidthCap(text: string): { ok: true; bytesPerSecond: number | null } | { ok: false; reason: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, bytesPerSecond: null };
  const match = /^(\d+(?:[.,]\d+)?)\s*(\S*)$/.exec(trimmed);
  if (!match) return { ok: false, reason: 'Write a number and a unit, e.g. 512 kbit/s or 2 Mbit/s (blank for no cap).' };
  const value = Number(match[1]!.replace(',', '.'));
  const written = match[2]!;
  let bytesPerSecond: number;
  if (written === '') bytesPerSecond = (value * 1000) / 8;
  else {
    const unit = /^([kKmM]?)(bits?\/s|bps|b\/s|B\/s|Bps)$/.exec(written);
    if (!unit) return { ok: false, reason: `“${written}” is not a unit Corelog knows: use kbit/s, Mbit/s, KB/s or MB/s.` };
    const prefix = unit[1]!.toLowerCase() === 'k' ? 1000 : unit[1] ? 1_000_000 : 1;
    const bits = unit[2]!.startsWith('b');
    bytesPerSecond = (value * prefix) / (bits ? 8 : 1);
  }
  // The job's rate limiter takes no less (below it a 5 MB photo takes over 20 minutes: likely a unit typed wrong).
  if (bytesPerSecond < MIN_CAP_BYTES_PER_SECOND) return { ok: false, reason: 'The cap must be at least 33 kbit/s (4 KB/s): check the unit, e.g. 512 kbit/s.' };
  return { ok: true, bytesPerSecond };
}

/** The cap as the field shows it again ("512 kbit/s"), or blank for none. */
export function formatBandwidthCap(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null) return '';
  const bits = bytesPerSecond * 8;
  if (bits >= 1_000_000 && Number.isInteger(bits / 100_000)) return `${bits / 1_000_000} Mbit/s`;
  return `${Math.round((bits / 1000) * 10) / 10} kbit/s`;
}

/** How many of the job's files the run is about: those still to send and those it settled. */
export function runFiles(counts: Partial<ArchiveCounts>): { done: number; total: number } {
  const done = (counts.uploaded ?? 0) + (counts.failed ?? 0);
  return { done, total: done + (counts.ready ?? 0) };
}

/** One line for the progress of a run: "120 of 300 files · 1.2 GB of 3.0 GB · 1.6 Mbit/s · about 12 min left". */
export function progressLine(status: ArchiveJobStatus): string {
  const files = runFiles(status.counts);
  const parts = [`${files.done} of ${files.total} files`, `${formatBytes(status.bytesSent)} of ${formatBytes(status.bytesToSend)}`];
  if (status.bytesPerSecond !== null && status.phase === 'running') parts.push(formatRate(status.bytesPerSecond));
  if (status.secondsLeft !== null && status.phase === 'running') parts.push(`about ${formatDuration(status.secondsLeft)} left`);
  return parts.join(' · ');
}

/** The phase in plain words. */
export const PHASE_LABEL: Record<ArchiveJobStatus['phase'], string> = {
  scanning: 'Dry run in progress',
  planned: 'Dry run done',
  running: 'Uploading',
  paused: 'Paused',
  'waiting-for-imago': 'Waiting for Imago',
  done: 'Finished',
  failed: 'Stopped by a problem',
  cancelled: 'Cancelled',
};
