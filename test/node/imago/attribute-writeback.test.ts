/**
 * Attribute values Corelog cannot edit (objects, lists, nested) are read, carried across the
 * bridge, and written back exactly as Imago holds them; an edit of one number never drops them.
 */
import { describe, expect, it } from 'vitest';
import { attributeValuesSchema, type AttributeValues } from '../../../common/bridge/photo-contract';
import { attributesToWrite, changedAttributes, conflictingAttributes } from '../../../common/photos/attribute-versions';
import { STRUCTURED_VALUE_LIMITS } from '../../../common/photos/attribute-value';
import { imageryItems, parseReply } from '../../../electron/services/imago/schemas';
import { attributesOf } from '../../../electron/services/photos/interval-attributes';

const GEOTECH = { RQD: 85, Colour: { r: 255, g: 0, b: 0 }, Minerals: ['qz', 'py'], Logged: true, LoggedOn: '2024-03-01', Nested: { a: [{ b: [1, 2] }] } };

function readInterval(groups: unknown[]) {
  const notes: string[] = [];
  const [interval] = parseReply(imageryItems, [{ id: 'b1', startDepth: 0, endDepth: 3.5, attributeDefinitions: groups }], 'list imagery', 200, (n) => notes.push(n));
  return { interval: interval!, notes };
}

describe('reading attribute values', () => {
  it('keeps objects, lists and nested values as Imago sent them, without a note', () => {
    const { interval, notes } = readInterval([{ name: 'Geotech', attributes: GEOTECH }]);
    expect(attributesOf(interval)).toEqual({ Geotech: GEOTECH });
    expect(notes).toEqual([]);
  });
});

describe('writing attribute values back', () => {
  it('an edit of one number sends every other value unchanged, whatever its type (G1)', () => {
    const held: AttributeValues = { Geotech: GEOTECH, 'Core Tray Box Numbers': { StartBox: 1, EndBox: 2 } };
    expect(attributesToWrite({ Geotech: { RQD: 90 } }, held)).toEqual([
      { name: 'Geotech', attributes: { ...GEOTECH, RQD: 90 } },
      { name: 'Core Tray Box Numbers', attributes: { StartBox: 1, EndBox: 2 } },
    ]);
  });

  it('an object Imago holds goes back as Imago holds it, even when the outgoing values name another', () => {
    const held: AttributeValues = { Geotech: { Colour: { r: 1, g: 2, b: 3 } } };
    expect(attributesToWrite({ Geotech: { Colour: 'red' } }, held)).toEqual([{ name: 'Geotech', attributes: { Colour: { r: 1, g: 2, b: 3 } } }]);
    expect(attributesToWrite({ Geotech: { Colour: null } }, held)).toEqual([{ name: 'Geotech', attributes: { Colour: { r: 1, g: 2, b: 3 } } }]);
  });

  it('an object the outgoing values carry goes out when Imago holds nothing there (a write without a read)', () => {
    expect(attributesToWrite({ Geotech: { Minerals: ['qz'], RQD: 90 } })).toEqual([{ name: 'Geotech', attributes: { Minerals: ['qz'], RQD: 90 } }]);
  });

  it('objects compare by content, not by identity or key order', () => {
    const a: AttributeValues = { G: { Colour: { r: 1, g: 2 }, Minerals: ['qz', 'py'] } };
    const b: AttributeValues = { G: { Colour: { g: 2, r: 1 }, Minerals: ['qz', 'py'] } };
    expect(changedAttributes(a, b)).toEqual([]);
    expect(changedAttributes(a, { G: { Colour: { r: 1, g: 3 }, Minerals: ['qz', 'py'] } })).toEqual(['G.Colour']);
    expect(changedAttributes(a, { G: { Colour: { r: 1, g: 2 }, Minerals: ['py', 'qz'] } })).toEqual(['G.Minerals']);
  });

  it('an object Imago changed since the base is no conflict: it is written back as Imago holds it', () => {
    const base: AttributeValues = { G: { Colour: { r: 1 }, RQD: 85 } };
    const remote: AttributeValues = { G: { Colour: { r: 2 }, RQD: 85 } };
    expect(conflictingAttributes(remote, base, { G: { Colour: { r: 1 }, RQD: 90 } })).toEqual([]);
    expect(attributesToWrite({ G: { Colour: { r: 1 }, RQD: 90 } }, remote)).toEqual([{ name: 'G', attributes: { Colour: { r: 2 }, RQD: 90 } }]);
  });
});

describe('the bridge carries object and list values, within bounds', () => {
  it('takes objects, lists and nested values', () => {
    expect(attributeValuesSchema.parse({ Geotech: GEOTECH })).toEqual({ Geotech: GEOTECH });
  });

  it('refuses values nested too deep, too large, or not plain data', () => {
    let deep: unknown = 1;
    for (let i = 0; i <= STRUCTURED_VALUE_LIMITS.depth; i++) deep = [deep];
    expect(attributeValuesSchema.safeParse({ G: { Deep: deep } }).success).toBe(false);
    expect(attributeValuesSchema.safeParse({ G: { Big: ['x'.repeat(STRUCTURED_VALUE_LIMITS.jsonLength)] } }).success).toBe(false);
    expect(attributeValuesSchema.safeParse({ G: { When: new Date() } }).success).toBe(false);
    expect(attributeValuesSchema.safeParse({ G: { NaN: [Number.NaN] } }).success).toBe(false);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(attributeValuesSchema.safeParse({ G: { Cycle: cycle } }).success).toBe(false);
  });
});
