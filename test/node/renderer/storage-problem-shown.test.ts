/**
 * Which storage problem the window's banner shows when several are reported: the cause of a
 * database taken away stays said while the writes it breaks report "closed" after it.
 */
import { describe, expect, it } from 'vitest';
import { problemToShow, type StorageProblem } from '../../../renderer/src/storage/storage-health';

const problem = (kind: StorageProblem['kind'], needsReload: boolean): StorageProblem => ({ kind, message: kind, needsReload });
const cleared = problem('cleared', true);
const upgraded = problem('upgraded', true);
const closed = problem('closed', true);
const full = problem('full', false);

describe('problemToShow', () => {
  it('keeps a database cleared or upgraded under the page when writes then fail on the closed connection', () => {
    expect(problemToShow(cleared, closed)).toBe(cleared);
    expect(problemToShow(upgraded, closed)).toBe(upgraded);
  });

  it('names the cause once it is known, after the symptom came first', () => {
    expect(problemToShow(closed, cleared)).toBe(cleared);
    expect(problemToShow(closed, upgraded)).toBe(upgraded);
  });

  it('never lets a passing problem, or its end, hide one only a reload mends', () => {
    expect(problemToShow(cleared, full)).toBe(cleared);
    expect(problemToShow(closed, null)).toBe(closed);
  });

  it('shows a full disk, and its end, when nothing worse is shown', () => {
    expect(problemToShow(null, full)).toBe(full);
    expect(problemToShow(full, null)).toBeNull();
    expect(problemToShow(full, closed)).toBe(closed);
  });
});
