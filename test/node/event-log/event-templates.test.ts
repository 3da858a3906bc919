/**
 * Event templates' rules (renderer/src/event-log/templates/template-model.ts): placeholders, the
 * keys they answer to, and the file a crew hands to the next — read all or nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  describeImport,
  fillPlaceholders,
  placeholdersOf,
  planImport,
  readTemplatesFile,
  sequenceBeingAcquired,
  templateKeyOf,
  templatePlace,
  templateProblem,
  templatesFileText,
  type TemplateContent,
} from '../../../renderer/src/event-log/templates/template-model';

const gun: TemplateContent = { name: 'Gun autofire', remarks: 'Gun {gun} autofire', labels: ['Gun'], position: 'sequence', key: 'F3' };
const mammal: TemplateContent = { name: '', remarks: 'Marine mammal sighted: {species}, {count} at {bearing}°', labels: ['MMO'], position: 'none', key: 'Ctrl+2' };
const press = (key: string, code: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});
const file = (templates: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ format: 'corelog-event-templates', version: 1, project: 'eq24301', templates, ...extra });

describe('placeholders', () => {
  it('are the {names} in the remarks, each once, in order; other braces are text', () => {
    expect(placeholdersOf(gun.remarks)).toEqual(['gun']);
    expect(placeholdersOf(mammal.remarks)).toEqual(['species', 'count', 'bearing']);
    expect(placeholdersOf('{gun} and {gun} again, {gun no}')).toEqual(['gun', 'gun no']);
    expect(placeholdersOf('JSON {} and { spaced } and {a{b}')).toEqual(['b']);
  });

  it('are filled with their values, the same value wherever a name repeats', () => {
    expect(fillPlaceholders(gun.remarks, { gun: '3' })).toBe('Gun 3 autofire');
    expect(fillPlaceholders('{g}/{g} {h}', { g: '7' })).toBe('7/7 {h}');
  });
});

describe('keys', () => {
  it('F1–F12 without modifiers, Ctrl+1…9 by the key position (AZERTY, numpad)', () => {
    expect(templateKeyOf(press('F1', 'F1'))).toBe('F1');
    expect(templateKeyOf(press('F12', 'F12'))).toBe('F12');
    expect(templateKeyOf(press('F13', 'F13'))).toBeNull();
    expect(templateKeyOf(press('1', 'Digit1', { ctrlKey: true }))).toBe('Ctrl+1');
    expect(templateKeyOf(press('&', 'Digit1', { ctrlKey: true }))).toBe('Ctrl+1');
    expect(templateKeyOf(press('9', 'Numpad9', { ctrlKey: true }))).toBe('Ctrl+9');
  });

  it('nothing else: plain digits, Ctrl+0, Alt+digit (the screens), Shift or Ctrl with an F-key', () => {
    expect(templateKeyOf(press('1', 'Digit1'))).toBeNull();
    expect(templateKeyOf(press('0', 'Digit0', { ctrlKey: true }))).toBeNull();
    expect(templateKeyOf(press('1', 'Digit1', { altKey: true }))).toBeNull();
    expect(templateKeyOf(press('F3', 'F3', { shiftKey: true }))).toBeNull();
    expect(templateKeyOf(press('F3', 'F3', { ctrlKey: true }))).toBeNull();
    expect(templateKeyOf(press('1', 'Digit1', { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
});

describe('a template', () => {
  it('needs remarks or a label, and clean one-line text', () => {
    expect(templateProblem(gun)).toBeNull();
    expect(templateProblem({ ...gun, remarks: '', labels: [] })).toBe('A template needs remarks or a label.');
    expect(templateProblem({ ...gun, remarks: '', labels: ['SOL'] })).toBeNull();
    expect(templateProblem({ ...gun, remarks: 'two\nlines' })).toMatch(/line break|control/i);
  });
});

describe('where a template event sits', () => {
  const summary = (sequence: number, status: string, lsp: number | null) => ({ sequence, line: 1000 + sequence, status, fsp: 1000, lsp, ts0: null, ts1: null, numPoints: null });

  it('the sequence being acquired is the online one (the newest of several), else none', () => {
    expect(sequenceBeingAcquired([summary(27, 'raw', 1500), summary(28, 'online', 1337)])?.sequence).toBe(28);
    expect(sequenceBeingAcquired([summary(29, 'online', 1100), summary(28, 'online', 1337), summary(30, 'final', 1)])?.sequence).toBe(29);
    expect(sequenceBeingAcquired([summary(27, 'raw', 1500), summary(26, 'final', 1500)])).toBeNull();
  });

  it('takes the Sequence / Shot point boxes first, else the sequence being acquired and its last known shot', () => {
    const acquiring = { sequence: 28, lsp: 1337 };
    const empty = { sequence: null, point: null };
    expect(templatePlace('none', { sequence: 5, point: 9 }, acquiring)).toEqual(empty);
    expect(templatePlace('sequence', empty, acquiring)).toEqual({ sequence: 28, point: null });
    expect(templatePlace('sequence', { sequence: 12, point: 40 }, acquiring)).toEqual({ sequence: 12, point: null });
    expect(templatePlace('sequence-and-point', empty, acquiring)).toEqual({ sequence: 28, point: 1337 });
    expect(templatePlace('sequence-and-point', { sequence: null, point: 1400 }, acquiring)).toEqual({ sequence: 28, point: 1400 });
    // Another sequence typed in the box: its shot point is not the acquiring one's.
    expect(templatePlace('sequence-and-point', { sequence: 12, point: null }, acquiring)).toEqual({ sequence: 12, point: null });
    // Nothing being acquired and nothing typed: logged by its time only.
    expect(templatePlace('sequence-and-point', empty, null)).toEqual(empty);
  });
});

describe('the templates file', () => {
  it('round-trips: what is exported reads back the same, in order', () => {
    const text = templatesFileText('eq24301', [gun, mammal], new Date('2026-11-26T19:00:00Z'));
    const reading = readTemplatesFile(text);
    expect(reading).toEqual({ ok: true, templates: [gun, mammal], project: 'eq24301' });
    expect(JSON.parse(text)).toMatchObject({ format: 'corelog-event-templates', version: 1, exportedAt: '2026-11-26T19:00:00.000Z' });
    // A byte-order mark (a file saved by a Windows editor) is no problem.
    expect(readTemplatesFile(`\uFEFF${text}`).ok).toBe(true);
  });

  it('attributes it does not know are left out, not refused (a later Corelog may add some)', () => {
    const reading = readTemplatesFile(file([{ ...gun, colour: '#f00' }], { comment: 'for the next crew' }));
    expect(reading).toEqual({ ok: true, templates: [gun], project: 'eq24301' });
  });

  it('is refused whole, saying which template and why, when any part is bad', () => {
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      [JSON.stringify({ some: 'thing' }), /not a Corelog templates file/],
      [JSON.stringify([gun]), /not a Corelog templates file/],
      [file([gun], { version: 2 }), /newer Corelog \(file version 2\)/],
      [file([gun, { ...mammal, key: 'F13' }]), /Template 2 .*key: not one of F1–F12 or Ctrl\+1…9\. Nothing was imported\./],
      [file([{ ...gun, position: 'everywhere' }]), /Template 1 \(“Gun autofire”\) .*position/],
      [file([{ ...gun, remarks: 'bell\u0007' }]), /Template 1 .*Nothing was imported/],
      [file([{ ...gun, remarks: '', labels: [] }]), /needs remarks or a label/],
      [file([gun, { ...mammal, key: 'F3' }]), /Template 2 .*uses F3, as template 1 does/],
      [file([gun, { ...mammal, name: 'GUN AUTOFIRE' }]), /Template 2 .*same name as template 1/],
      [file([{ name: 'no remarks field' }]), /Template 1 \(“no remarks field”\) cannot be used: remarks: missing\./],
      [file('x'.repeat(10) as unknown as unknown[]), /damaged: templates: should be a list\./],
      [file([{ ...gun, labels: 'Gun' }]), /labels: should be a list\./],
      ['x'.repeat(1_000_001), /too big/],
    ];
    for (const [text, problem] of cases) {
      const reading = readTemplatesFile(text);
      expect(reading.ok, text.slice(0, 80)).toBe(false);
      if (!reading.ok) expect(reading.problem, text.slice(0, 80)).toMatch(problem);
    }
  });
});

describe('importing into a project that has templates', () => {
  const existing = [
    { ...gun, id: 'a', remarks: 'Gun {gun} autofire (old)', key: 'F1' as const },
    { ...mammal, id: 'b', name: 'Mammal', key: 'F3' as const },
    { ...mammal, id: 'c', name: 'Noise', remarks: 'Streamer noise', key: null },
  ];

  it('replaces one of the same name, adds the others, and moves a key the file uses', () => {
    const incoming: TemplateContent[] = [
      { ...gun, key: 'F2' },
      { name: 'Start of line', remarks: '', labels: ['SOL'], position: 'sequence-and-point', key: 'F3' },
    ];
    const plan = planImport(existing, incoming);
    expect(plan.replace).toEqual([{ id: 'a', content: incoming[0] }]);
    expect(plan.add).toEqual([incoming[1]]);
    expect(plan.unbind).toEqual([{ id: 'b', key: 'F3', name: 'Mammal' }]);
    expect(describeImport(plan)).toBe('Imported 2 templates (1 replaced one of the same name). F3 moved from “Mammal”.');
  });

  it('a replaced template is not also unbound', () => {
    const plan = planImport(existing, [{ ...mammal, name: 'mammal', key: 'F3' }]);
    expect(plan).toEqual({ replace: [{ id: 'b', content: { ...mammal, name: 'mammal', key: 'F3' } }], add: [], unbind: [] });
  });
});
