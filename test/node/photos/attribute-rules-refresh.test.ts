/**
 * Attribute rules are checked in main against the catalogue last read. Definitions change in Imago
 * while a station works: a refusal by a cached rule must be checked against Imago's current
 * definitions before the user is told no — and a rule still in force still refuses, writing nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeDispatcher, type BridgeDispatcher } from '../../../common/bridge/dispatch';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';
import { startEmulators, type RunningEmulators } from '../../../emulators/start-emulators';

let dir: string;
let emulators: RunningEmulators;
let services: AppServices;
let dispatch: BridgeDispatcher;

const target = (from: number, to: number) => ({ workspaceName: 'Firefly Resource Development', datasetName: 'Diamond Drilling', collectionName: 'FF-DD-0012', imageryTypeName: 'Core Trays', from, to });
const imageryWrites = () => emulators.imago.server.log.list().filter((e) => e.method === 'POST' && e.path === '/imagery').length;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-rules-refresh-'));
  emulators = await startEmulators({ imagoOptions: { attributeRules: 'inline' } });
  services = createAppServices({
    dataDir: dir,
    appVersion: 't',
    transport: 'browser',
    env: { CORELOG_IMAGO_URL: emulators.imago.server.baseUrl, CORELOG_DOUGAL_URL: emulators.dougal.server.baseUrl },
  });
  dispatch = createBridgeDispatcher(services.handlers);
  expect(await dispatch('signIn', { system: 'imago', username: 'demo', password: 'demo', remember: false })).toMatchObject({ ok: true });
});

afterAll(async () => {
  await services?.dispose();
  await emulators?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('attribute rules from a catalogue read earlier', () => {
  it('a rule still in force refuses, naming the field, and nothing is written', async () => {
    expect(await dispatch('loadPhotoCatalogue', undefined)).toMatchObject({ ok: true });
    const before = imageryWrites();
    const result = await dispatch('saveInterval', { target: target(300, 301), attributes: { 'Core Tray Box Numbers': { StartBox: 0, EndBox: 1 }, Geology: { Lithology: 'Basalt' } } });
    expect(result).toMatchObject({ ok: false, error: { kind: 'validation', issues: [{ path: 'attributes.Core Tray Box Numbers.StartBox' }] } });
    expect(imageryWrites()).toBe(before);
  });

  it('a rule Imago dropped since the catalogue was read does not refuse the value', async () => {
    expect(await dispatch('loadPhotoCatalogue', undefined)).toMatchObject({ ok: true });
    // Imago's definitions change: no more rules (and Imago no longer enforces them).
    emulators.imago.setOptions({ attributeRules: 'none' });
    const result = await dispatch('saveInterval', { target: target(301, 302), attributes: { 'Core Tray Box Numbers': { StartBox: 0, EndBox: 1 }, Geology: { Lithology: 'Basalt' } } });
    expect(result).toMatchObject({ ok: true });
    const collection = emulators.imago.world.collections.find((c) => c.name === 'FF-DD-0012' && emulators.imago.world.datasets.find((d) => d.id === c.datasetId)?.name === 'Diamond Drilling')!;
    const interval = emulators.imago.world.imageries.find((i) => i.collectionId === collection.id && i.startDepth === 301)!;
    expect(interval.attributes['Core Tray Box Numbers']).toEqual({ StartBox: 0, EndBox: 1 });
  });
});

describe('attribute rules and values Imago already holds', () => {
  it('an edit of one attribute is not refused for another the user did not touch that breaks a rule in Imago', async () => {
    // Imago shows the rules but stored a value breaking them (another tool, or a rule added later).
    emulators.imago.setOptions({ attributeRules: 'advisory' });
    expect(await dispatch('loadPhotoCatalogue', undefined)).toMatchObject({ ok: true });
    const held = { 'Core Tray Box Numbers': { StartBox: 0, EndBox: 2 }, Geology: { Lithology: 'Basalt' } };
    expect(await dispatch('saveInterval', { target: target(310, 311), attributes: held, base: null })).toMatchObject({ ok: false, error: { kind: 'validation' } });
    emulators.imago.setOptions({ attributeRules: 'none' });
    const first = await dispatch('saveInterval', { target: target(310, 311), attributes: held, base: null });
    expect(first).toMatchObject({ ok: true });
    emulators.imago.setOptions({ attributeRules: 'advisory' });
    expect(await dispatch('loadPhotoCatalogue', undefined)).toMatchObject({ ok: true });
    const base = { attributes: held, updatedAt: null };
    // The user changes EndBox only: StartBox 0 goes back as Imago holds it.
    const edited = await dispatch('saveInterval', { target: target(310, 311), attributes: { ...held, 'Core Tray Box Numbers': { StartBox: 0, EndBox: 3 } }, base });
    expect(edited).toMatchObject({ ok: true });
    // The user sets StartBox to another value breaking the rule: that is theirs, and refused.
    const broken = await dispatch('saveInterval', { target: target(310, 311), attributes: { ...held, 'Core Tray Box Numbers': { StartBox: -1, EndBox: 3 } }, base: { attributes: { ...held, 'Core Tray Box Numbers': { StartBox: 0, EndBox: 3 } }, updatedAt: null } });
    expect(broken).toMatchObject({ ok: false, error: { kind: 'validation', issues: [{ path: 'attributes.Core Tray Box Numbers.StartBox' }] } });
  });
});
