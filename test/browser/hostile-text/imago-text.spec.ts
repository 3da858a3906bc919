/**
 * Hostile text from Imago (workspace, dataset and hole names, attribute names and values, a
 * colour attribute that is CSS, numbers where text belongs and text where numbers belong) shown
 * on the Photos screen, the strip log, the viewer and the hole report with its PDF.
 */
import { pdfText } from '../../support/pdf-text';
import type { RunningEmulators } from '../../support/emulators';
import { expect, test } from '../fixtures';
import { openPhotosAt } from '../photos/photo-screen';
import { cssAttack, expectUnharmed, LONG_WORD, markup, RLO_NAME, startEvilServer, ZERO_WIDTH } from './hostile-helpers';

test.use({ systems: 'emulators' });

const COMMENTS = 'Comments';

function seedHostile(emulators: RunningEmulators, evil: string): string {
  const world = emulators.imago.world;
  const collection = world.collections.find((c) => c.name === 'FF-DD-0012')!;
  // Corelog's bridge takes hole names up to 300 characters (see the report): the rest of the name is one long word.
  const start = `FF-DD-0012 ${RLO_NAME} ${ZERO_WIDTH} ${markup(evil, 'hole')}H`;
  const hole = `${start}${'W'.repeat(300 - start.length)}`;
  collection.name = hole;
  const hostileAttribute = `${markup(evil, 'attribute-name')}${RLO_NAME}`;
  for (const type of world.imageryTypes) {
    for (const definition of type.attributeDefinitions) for (const t of definition.attributeTypes) if (t.name === COMMENTS) t.name = hostileAttribute;
  }
  for (const imagery of world.imageries.filter((i) => i.collectionId === collection.id)) {
    const geology = imagery.attributes.Geology as Record<string, unknown>;
    geology.Lithology = `${markup(evil, 'lithology')}${LONG_WORD}`;
    geology['Lithology colour'] = cssAttack(evil, 'colour');
    geology[hostileAttribute] = 12345;
    delete geology[COMMENTS];
    geology.Geologist = `${RLO_NAME}\u0000\uD800`;
    if (imagery.attributes.Geotechnical) (imagery.attributes.Geotechnical as Record<string, unknown>)['RQD %'] = `<b>82</b>${LONG_WORD}`;
  }
  const other = world.workspaces.find((w) => w.name !== 'Firefly Resource Development')!;
  other.name = `${markup(evil, 'workspace')}${RLO_NAME}${LONG_WORD}`;
  return hole;
}

test('hostile text from Imago runs nothing, loads nothing, keeps the layout, and prints as text', async ({ app, corelog, emulators }) => {
  test.setTimeout(180_000);
  const evil = await startEvilServer();
  try {
    const hole = seedHostile(emulators!, evil.origin);
    await openPhotosAt(app, corelog);
    const value = await app.getByLabel('Hole', { exact: true }).evaluate((select, start) => [...(select as HTMLSelectElement).options].find((o) => o.value.includes(start))?.value ?? '', 'FF-DD-0012');
    expect(value).toContain(hole.slice(0, 30));
    await app.getByLabel('Hole', { exact: true }).selectOption(value);
    await expect(app.getByTestId('strip-block')).toHaveCount(4, { timeout: 20_000 });
    await app.waitForTimeout(1000);
    await expectUnharmed(app, evil, 'photos');

    await app.getByTestId('depth-strip').getByRole('button', { name: 'Wet', exact: true }).first().click();
    const viewer = app.getByTestId('photo-viewer');
    await expect(viewer).toBeVisible();
    await app.waitForTimeout(1000);
    await expectUnharmed(app, evil, 'viewer');
    await app.keyboard.press('Escape');

    await app.getByRole('button', { name: 'Hole report', exact: true }).click();
    const report = app.getByTestId('hole-report');
    await expect(report).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expectUnharmed(app, evil, 'hole report');
    const text = await pdfText(await app.pdf({ format: 'A4', printBackground: true }));
    expect.soft(text.replace(/\s+/g, '')).toContain(markup(evil.origin, 'lithology').replace(/\s+/g, ''));
    expect.soft(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B]/);
    // Every column is on the paper, not pushed off its edge by a 100,000-character "number".
    expect.soft(text).toContain('12345');
    expect.soft(text.replace(/\s+/g, '')).toContain('evil\uFFFDfdp.exe'.replace(/\s+/g, ''));
    expect.soft(text).toContain('… (+');
    await expectUnharmed(app, evil, 'printed');
  } finally {
    await evil.close();
  }
});
