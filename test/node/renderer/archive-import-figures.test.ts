/**
 * The Archive import screen's pure parts: the bandwidth cap a user types (bits vs bytes, the
 * smallest cap main takes), the figures of the progress line, and the pattern preview, which must
 * read a sample path exactly as the dry run reads archive paths.
 */
import { describe, expect, it } from 'vitest';
import type { ArchiveJobStatus } from '../../../common/bridge/archive-contract';
import {
  formatBandwidthCap,
  formatBytes,
  formatDuration,
  formatRate,
  MIN_CAP_BYTES_PER_SECOND,
  parseBandwidthCap,
  progressLine,
  runFiles,
} from '../../../renderer/src/archive-import/archive-figures';
import { tryPatterns } from '../../../renderer/src/archive-import/pattern-trial';

describe('bandwidth cap as typed', () => {
  it.each([
    ['512 kbit/s', 64_000],
    ['512kbps', 64_000],
    ['2 Mbit/s', 250_000],
    ['2 Mbps', 250_000],
    ['2 Mb/s', 250_000],
    ['1,5 MB/s', 1_500_000],
    ['200 KB/s', 200_000],
    ['200 kB/s', 200_000],
    ['256', 32_000],
    ['  64 kbit/s  ', 8_000],
  ])('%s is %d bytes per second', (text, bytes) => {
    expect(parseBandwidthCap(text)).toEqual({ ok: true, bytesPerSecond: bytes });
  });

  it('blank means no cap', () => {
    expect(parseBandwidthCap('   ')).toEqual({ ok: true, bytesPerSecond: null });
  });

  it.each(['fast', '2 Mbit', '2 GB/s/s', '-5 kbit/s', '1e6'])('refuses %s with a plain reason', (text) => {
    const parsed = parseBandwidthCap(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/unit|number/);
  });

  it('refuses a cap below what main accepts, and takes exactly that minimum', () => {
    expect(parseBandwidthCap('32 kbit/s').ok).toBe(false);
    expect(parseBandwidthCap(`${MIN_CAP_BYTES_PER_SECOND} B/s`)).toEqual({ ok: true, bytesPerSecond: MIN_CAP_BYTES_PER_SECOND });
  });

  it('shows a cap so that reading it back gives the same cap', () => {
    for (const bytes of [64_000, 250_000, 1_500_000, 4096, 32_000]) {
      const shown = formatBandwidthCap(bytes);
      const back = parseBandwidthCap(shown);
      expect(back.ok && Math.abs(back.bytesPerSecond! - bytes) / bytes).toBeLessThan(0.002);
    }
    expect(formatBandwidthCap(null)).toBe('');
    expect(formatBandwidthCap(250_000)).toBe('2 Mbit/s');
  });
});

describe('progress figures', () => {
  it('says sizes, rates and times left plainly', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(3_400_000)).toBe('3.4 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.2 GB');
    expect(formatRate(200_000)).toBe('1.6 Mbit/s');
    expect(formatRate(64_000)).toBe('512 kbit/s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(12 * 60)).toBe('12 min');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('3 h 20 min');
    expect(formatDuration(2 * 86_400 + 4 * 3600)).toBe('2 d 4 h');
  });

  it('counts the run’s files as settled (uploaded or failed) of settled plus ready', () => {
    expect(runFiles({ ready: 5, uploaded: 90, failed: 5, duplicate: 7 })).toEqual({ done: 95, total: 100 });
    const status = {
      phase: 'running',
      counts: { ready: 180, uploaded: 120 },
      bytesSent: 1_200_000_000,
      bytesToSend: 3_000_000_000,
      bytesPerSecond: 200_000,
      secondsLeft: 720,
    } as unknown as ArchiveJobStatus;
    expect(progressLine(status)).toBe('120 of 300 files · 1.2 GB of 3.0 GB · 1.6 Mbit/s · about 12 min left');
    // A paused job has no rate and no time left to speak of.
    expect(progressLine({ ...status, phase: 'paused' })).toBe('120 of 300 files · 1.2 GB of 3.0 GB');
  });
});

describe('pattern preview', () => {
  const patterns = ['{hole}/{from}-{to}_{imageType}', '{hole}_{from}_{to}_{imageType}', '{hole}/{imageType}/{from}_{to}'];

  it('says which pattern the import would use and what it reads, in Imago’s spelling of the image type', () => {
    const { trials, used } = tryPatterns('2020/AR-DD-0008/wet/10.00_15.00.JPG', patterns, ['Wet', 'Dry']);
    expect(used).toBe(2);
    expect(trials[2]!.fields).toEqual({ hole: 'AR-DD-0008', from: 10, to: 15, imageType: 'Wet' });
    expect(trials[0]!.fields).toBeNull();
    expect(trials[0]!.misfit).toBe('does not fit this path');
  });

  it('the first pattern that fits wins, as in the dry run', () => {
    const { trials, used } = tryPatterns('2016/X_AR-1_0_5_Wet.jpg', ['{hole}_{from}_{to}_{imageType}', '{any}_{hole}_{from}_{to}_{imageType}'], ['Wet']);
    expect(used).toBe(0);
    expect(trials[0]!.fields).toEqual({ hole: 'X_AR-1', from: 0, to: 5, imageType: 'Wet' });
    expect(trials[1]!.fields).toEqual({ hole: 'AR-1', from: 0, to: 5, imageType: 'Wet' });
  });

  it('says why a name that has the right shape does not fit', () => {
    const { trials, used } = tryPatterns('2019/AR-DD-0007_0_5_UV.jpg', patterns, ['Wet', 'Dry']);
    expect(used).toBeNull();
    expect(trials[1]!.misfit).toContain('"UV" is not an image type');
  });

  it('a pattern that cannot be used says why, and then no pattern is "used" (the dry run would refuse the source)', () => {
    const { trials, used } = tryPatterns('AR-1/0-5_Wet.jpg', ['{hole}/{depth}', '{hole}/{from}-{to}_{imageType}']);
    expect(trials[0]!.problem).toContain('unknown field {depth}');
    expect(trials[1]!.fields).toEqual({ hole: 'AR-1', from: 0, to: 5, imageType: 'Wet' });
    expect(used).toBeNull();
  });

  it('with no sample path nothing fits and nothing is said against the patterns', () => {
    const { trials, used } = tryPatterns('  ', patterns);
    expect(used).toBeNull();
    expect(trials.every((t) => t.problem === null && t.fields === null && t.misfit === null)).toBe(true);
  });
});
