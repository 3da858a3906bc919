/**
 * Filename and archive patterns are matched without backtracking through every way of splitting
 * a name (filename-pattern.ts `tokenMatcher`): the same readings as the regular expressions they
 * replaced, and no hang on hostile names (the regular expressions took minutes on one).
 */
import { describe, expect, it } from 'vitest';
import { compileArchivePattern, matchArchivePath } from '../../../common/photos/archive-pattern';
import { parseFilename } from '../../../common/photos/filename-pattern';
import { seededRandom } from '../../soak/seeded-random';

/** The regular expressions the patterns used to compile to (filename patterns). */
const REGEX_FIELDS: Record<string, string> = {
  hole: '(?<hole>.+?)',
  from: '(?<from>\\d+(?:[.,]\\d+)?)',
  to: '(?<to>\\d+(?:[.,]\\d+)?)',
  imageType: '(?<imageType>[^_]+?)',
  any: '.*?',
};

function regexReading(pattern: string, stem: string): Record<string, string> | null {
  const source = pattern.replace(/(\{[A-Za-z]+\})|([^{]+|\{)/g, (_m, field: string | undefined, text: string | undefined) =>
    field ? REGEX_FIELDS[field.slice(1, -1)]! : text!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  const groups = new RegExp(`^${source}$`, 'i').exec(stem)?.groups;
  return groups ? Object.fromEntries(Object.entries(groups).filter(([, v]) => v !== undefined)) : null;
}

describe('pattern matching', () => {
  it('reads every name as the regular expression did (3,000 random patterns and names)', () => {
    const seeded = seededRandom(20261127);
    const random = () => seeded.next();
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const alphabet = ['1', '2', '0', '.', ',', '_', '-', 'a', 'W', 'e', 't', 'D', 'H', ' '];
    let compared = 0;
    for (let i = 0; i < 3_000; i++) {
      const fields = ['hole', 'from', 'to', 'imageType'].filter(() => random() < 0.8);
      const parts: string[] = [];
      for (const field of fields.length ? fields : ['hole']) {
        if (random() < 0.3) parts.push('{any}');
        parts.push(`{${field}}`, pick(['_', '-', '', '_x', 'A']));
      }
      const pattern = parts.join('');
      const noise = () => Array.from({ length: Math.floor(random() * 5) }, () => pick(alphabet)).join('');
      const values: Record<string, () => string> = {
        hole: () => pick(['DH7', 'FF-DD_12', 'a_1', '9', 'DH 2']) + (random() < 0.3 ? noise() : ''),
        from: () => pick(['1', '2.5', '10,5', '0.', '3']),
        to: () => pick(['4', '12.25', '3,0', '20', '.5']),
        imageType: () => pick(['Wet', 'Dry', 'w_t', 'UV']),
        any: noise,
      };
      // Names made from the pattern (with noise), so that many fit and the readings are compared.
      const stem =
        random() < 0.15
          ? noise() + noise()
          : pattern.replace(/\{([A-Za-z]+)\}|([^{]+)/g, (_m, field: string | undefined, text: string | undefined) => (field ? values[field]!() : random() < 0.1 ? noise() : text!));
      const expected = regexReading(pattern, stem);
      const fieldsRead = parseFilename(`${stem}.jpg`, pattern);
      if (expected === null) {
        expect(fieldsRead, `${pattern} on ${stem}`).toBeNull();
        continue;
      }
      // parseFilename also refuses From ≥ To: compare only where both depths are in order, or absent.
      const from = expected.from === undefined ? undefined : Number(expected.from.replace(',', '.'));
      const to = expected.to === undefined ? undefined : Number(expected.to.replace(',', '.'));
      if (from !== undefined && to !== undefined && !(from < to)) continue;
      compared += 1;
      expect(fieldsRead, `${pattern} on ${stem}`).toEqual({
        ...(expected.hole !== undefined ? { hole: expected.hole } : {}),
        ...(expected.imageType !== undefined ? { imageType: expected.imageType } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('hostile names do not hang it: four {any} and 250 characters of separators are read at once', () => {
    const archive = compileArchivePattern('{any}_{any}_{any}_{any}_{hole}_{from}_{to}_{imageType}');
    if (!archive.ok) throw new Error(archive.reason);
    for (const name of ['1_'.repeat(125), '_'.repeat(250), `${'1_'.repeat(120)}DH7_1.5_3_Wet`]) {
      const result = matchArchivePath(`${name}.jpg`, [archive.compiled], ['Wet']);
      // The {any} fields are lazy: they skip as little as they can, and the hole takes the rest.
      if (name.endsWith('Wet')) expect(result).toMatchObject({ ok: true, fields: { hole: expect.stringMatching(/^1_1_.*_DH7$/), from: 1.5, to: 3, imageType: 'Wet' } });
      else expect(result.ok).toBe(false);
      expect(parseFilename(`${name}.jpg`, '{any}{hole}{any}{from}{any}{to}{any}{imageType}')).toBeNull();
    }
    // A name longer than any file system allows is not read at all.
    expect(parseFilename(`${'DH7_'.repeat(400)}1_2_Wet.jpg`, '{hole}_{from}_{to}_{imageType}')).toBeNull();
  });
});
