/**
 * A templates file as a hostile or careless world hands it over: labels that are empty or listed
 * twice, names and remarks padded with blanks (the editor trims them; an import must not keep what
 * the editor cannot make), a file of more templates than a project holds, and placeholders written
 * in a crew's own language.
 */
import { describe, expect, it } from 'vitest';
import { fillPlaceholders, MAX_TEMPLATES, placeholdersOf, readTemplatesFile, templatesFileText, templatesFileTextOf, type TemplateContent } from '../../../renderer/src/event-log/templates/template-model';

const file = (templates: unknown[]) => JSON.stringify({ format: 'corelog-event-templates', version: 1, project: 'p', templates });
const template = (over: Partial<Record<keyof TemplateContent, unknown>> = {}) => ({ name: 'Gun', remarks: 'Gun {gun} autofire', labels: ['Gun'], position: 'none', key: null, ...over });

describe('readTemplatesFile: what the editor could not have made', () => {
  it('refuses an empty label (Dougal has no such label), saying which template and which label', () => {
    for (const empty of ['', '   ']) {
      const reading = readTemplatesFile(file([template(), template({ name: 'Noise', labels: ['Noise', empty] })]));
      expect(reading).toEqual({ ok: false, problem: 'Template 2 (“Noise”) cannot be used: labels.1: A label cannot be empty. Nothing was imported.' });
    }
  });

  it('keeps a label listed twice once', () => {
    const reading = readTemplatesFile(file([template({ labels: ['Gun', 'SOL', 'Gun'] })]));
    expect(reading.ok && reading.templates[0]!.labels).toEqual(['Gun', 'SOL']);
  });

  it('trims the name and remarks as the editor does, so the same name padded is still the same name', () => {
    const reading = readTemplatesFile(file([template({ name: '  Gun  ', remarks: '  Gun {gun} autofire ' })]));
    expect(reading.ok && reading.templates[0]).toMatchObject({ name: 'Gun', remarks: 'Gun {gun} autofire' });
    expect(readTemplatesFile(file([template({ name: 'Gun' }), template({ name: ' gun ' })]))).toEqual({
      ok: false,
      problem: 'Template 2 (“ gun ”) has the same name as template 1. Nothing was imported.',
    });
    expect(readTemplatesFile(file([template({ name: '   ', remarks: '   ', labels: [] })]))).toMatchObject({ ok: false, problem: expect.stringContaining('A template needs remarks or a label.') });
  });

  it('reads back what it exported, unchanged', () => {
    const templates: TemplateContent[] = [
      { name: 'Gun', remarks: 'Gun {gun} autofire', labels: ['Gun'], position: 'sequence', key: 'F3' },
      { name: '', remarks: '<b>bold</b> {species} \u202Eright-to-left', labels: ['MMO', 'Weather'], position: 'none', key: null },
    ];
    expect(readTemplatesFile(templatesFileText('p', templates))).toEqual({ ok: true, templates, project: 'p' });
  });

  it('says how many templates a file of too many holds, in words', () => {
    const many = Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => template({ name: `T${i}` }));
    expect(readTemplatesFile(file(many))).toEqual({ ok: false, problem: `This file holds ${MAX_TEMPLATES + 1} templates; a project holds at most ${MAX_TEMPLATES}. Nothing was imported.` });
  });
});

describe('placeholders in a crew’s own language', () => {
  it('asks for {område}, {skudd nr}, {距离} as it asks for {gun}', () => {
    expect(placeholdersOf('Støy i {område}, {skudd nr}, {距离} m, {gun}')).toEqual(['område', 'skudd nr', '距离', 'gun']);
    expect(fillPlaceholders('Støy i {område}', new Map([['område', 'nord']]))).toBe('Støy i nord');
  });

  it('still leaves braces that are not a placeholder as text', () => {
    expect(placeholdersOf('{} { a } {-x} {a\u200Bb} {{}}')).toEqual([]);
  });
});

describe('templatesFileTextOf: the bytes of a file a person picked', () => {
  const json = file([template({ name: 'Støy', remarks: 'Støy i {område}' })]);
  const utf16 = (text: string, bigEndian: boolean) => {
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      bytes[2 + i * 2 + (bigEndian ? 1 : 0)] = unit & 0xff;
      bytes[2 + i * 2 + (bigEndian ? 0 : 1)] = unit >> 8;
    }
    return bytes;
  };

  it('reads UTF-8 with or without a BOM, and UTF-16 with its BOM (Notepad’s “Unicode”), to the same templates', () => {
    const utf8 = new TextEncoder().encode(json);
    for (const bytes of [utf8, new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]), utf16(json, false), utf16(json, true)]) {
      const decoded = templatesFileTextOf(bytes);
      expect(decoded.ok && readTemplatesFile(decoded.text)).toMatchObject({ ok: true, templates: [{ name: 'Støy', remarks: 'Støy i {område}' }] });
    }
  });

  it('refuses bytes that are not UTF-8 (a Latin-1 “ø”) instead of importing “St\uFFFDy”', () => {
    const latin1 = Uint8Array.from(json, (c) => c.charCodeAt(0));
    expect(templatesFileTextOf(latin1)).toEqual({ ok: false, problem: expect.stringMatching(/^This file is not UTF-8 text .*Nothing was imported\.$/) });
  });
});
