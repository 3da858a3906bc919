/**
 * Hostile text from Dougal (event remarks, label names and colours, QC test names, sequence and
 * plan remarks) shown in every event-log surface, the sequence report, its PDF and CSV. Nothing
 * the server sends may run, load from elsewhere, or break the layout.
 */
import { readFile } from 'node:fs/promises';
import { pdfText } from '../../support/pdf-text';
import type { EventInstance } from '../../../emulators/dougal/model';
import type { RunningEmulators } from '../../support/emulators';
import { expect, test } from '../fixtures';
import { openEventLog, PROJECT, signInDougal } from '../event-log/event-log-helpers';
import { cssAttack, expectUnharmed, LONG_WORD, markup, RLO_NAME, startEvilServer, ZERO_WIDTH } from './hostile-helpers';

test.use({ systems: 'emulators' });

const SEQUENCE = 19;

function seedHostile(emulators: RunningEmulators, evil: string) {
  const dougal = emulators.dougal;
  const project = dougal.project(PROJECT);
  project.labels.push(
    { name: `<i>${markup(evil, 'label-name')}`, data: { view: { colour: cssAttack(evil, 'label'), description: markup(evil, 'label-desc') }, model: { user: true, multiple: true } } },
    { name: `L${LONG_WORD}`, data: { view: { colour: `url(${evil}/css-long)`, description: LONG_WORD }, model: { user: true, multiple: true } } },
    { name: RLO_NAME, data: { view: { colour: 'expression(alert(1))', description: '' }, model: { user: true, multiple: true } } },
  );
  const template = project.events.find((e) => e.sequence === SEQUENCE && e.validity[2] === null && e.tstamp && !e.readonly)!;
  const add = (fields: Partial<EventInstance>) => {
    const id = dougal.state.nextUid++;
    project.events.push({ ...structuredClone(template), id, uid: id, meta: {}, ...fields });
    return id;
  };
  add({ remarks: markup(evil, 'remarks'), labels: [project.labels.at(-3)!.name] });
  add({ remarks: `R${LONG_WORD}`, labels: [project.labels.at(-2)!.name] });
  add({ remarks: `${RLO_NAME} ${ZERO_WIDTH}`, labels: [RLO_NAME] });
  add({ remarks: '=HYPERLINK("http://127.0.0.1:9/x","click")', labels: [] });
  add({ remarks: `QC${LONG_WORD}`, labels: ['QC'], readonly: true, meta: { qc: { test: `${markup(evil, 'qc-test')}${LONG_WORD}` } } });
  const seq = project.sequences.find((s) => s.sequence === SEQUENCE)!;
  seq.remarks = `${markup(evil, 'seq')}S${LONG_WORD}`;
  Object.assign(project.plan[0]!, { name: markup(evil, 'plan'), remarks: `P${LONG_WORD}` });
  const line = project.lines.find((l) => l.line === seq.line)!;
  line.remarks = `${markup(evil, 'line')}${LONG_WORD}`;
  project.name = `${markup(evil, 'project')}${RLO_NAME}`;
}

test('hostile text from Dougal runs nothing, loads nothing, keeps the layout, and is exported as text', async ({ app, corelog, emulators }) => {
  test.setTimeout(180_000);
  const evil = await startEvilServer();
  try {
    seedHostile(emulators!, evil.origin);
    await signInDougal(corelog);
    await openEventLog(app, 1000);
    await expectUnharmed(app, evil, 'home');
    // Find the hostile rows.
    for (const needle of ['fdp.exe', 'QCWWW', 'RWWW', 'img-remarks']) {
      await app.getByLabel('Search remarks').fill(needle);
      await expect(app.getByTestId('event-row')).toHaveCount(1);
      await app.getByTestId('event-row').click();
      await expect(app.getByTestId('event-panel')).toBeVisible();
      await expectUnharmed(app, evil, `event log, ${needle}`);
    }
    await app.getByLabel('Search remarks').fill('');
    for (const tab of ['Sequences', 'QC', 'Plan', 'Lines']) {
      const button = app.getByRole('button', { name: tab, exact: true });
      if (!(await button.count())) continue;
      await button.first().click();
      await app.waitForTimeout(1500);
      await expectUnharmed(app, evil, tab);
    }
    await app.getByRole('button', { name: 'Log', exact: true }).click();
    await app.getByRole('button', { name: 'Reports', exact: true }).click();
    const dialog = app.getByRole('dialog', { name: 'Event log report' });
    await dialog.getByRole('radio', { name: 'Sequence report' }).check();
    await dialog.getByLabel('Sequence', { exact: true }).selectOption(String(SEQUENCE));
    const report = dialog.getByTestId('log-report');
    await expect(report).toHaveAttribute('data-kind', 'sequence');
    await app.waitForTimeout(1500);
    await expectUnharmed(app, evil, 'report');
    // The override in the project's name is shown, and does not turn Corelog's "(eq24301)" around.
    await expect(report.locator('.report-facts dd').first()).toContainText(`evil\uFFFDfdp.exe (${PROJECT})`);
    const text = await pdfText(await app.pdf({ format: 'A4', printBackground: true }));
    await expectUnharmed(app, evil, 'printed');
    expect.soft(text.replace(/\s+/g, '')).toContain(markup(evil.origin, 'remarks').replace(/\s+/g, ''));
    expect.soft(text.length).toBeGreaterThan(100_000);
    const download = app.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export CSV' }).click();
    const saved = await download;
    expect.soft(saved.suggestedFilename()).toBe(`Sequence ${SEQUENCE} report ${PROJECT}.csv`);
    const csv = await readFile(await saved.path(), 'utf8');
    expect.soft(csv).toContain(`'=HYPERLINK`);
    expect.soft(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  } finally {
    await evil.close();
  }
});
