/**
 * A watch-folder find settled elsewhere while this page was taking it in: another window (or this
 * page before it was killed) wrote its draft and told main, so main answers this page's intake
 * "no longer available". The find is in hand; this page must not list it as refused with "add it
 * again" (seen in the kill -9 intake soak, scenario n, after a browser restart).
 */
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { removeTestFolder } from '../../support/temp-folder';
import { expect, test } from '../fixtures';
import { markedPicture } from './photo-files';
import { LIVE_WORKSPACE } from './photo-screen';

test.use({ systems: 'emulators' });

let dir: string;
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corelog-settled-'));
});
test.afterEach(async () => {
  await removeTestFolder(dir);
});

test('a find main no longer offers when this page asks for it is not refused', async ({ app, corelog }) => {
  // Main settles the find just before this page's intake call reaches it, as another page's word would.
  await app.routeWebSocket(/\/bridge/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage(async (message) => {
      const call = JSON.parse(String(message)) as { method: string; input: { ref: string } };
      if (call.method === 'intakePhoto') await corelog.services.handlers.discardStagedFiles!({ refs: [call.input.ref] });
      server.send(message);
    });
  });
  await app.reload();
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('button', { name: 'Photos', exact: true }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(LIVE_WORKSPACE);
  await app.getByLabel('Dataset').selectOption('Diamond Drilling');
  await app.getByLabel('Imagery type').selectOption('Core Trays');
  const camera = join(dir, 'camera');
  await mkdir(camera);
  await app.getByText('Watch folder and file names').click();
  await app.getByLabel('Folder the camera writes to (full path)').fill(camera);
  await app.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(app.getByTestId('watch-state')).toHaveText(`watching ${camera}`);

  const name = 'FF-DD-0600_10.0_12.0_Wet.jpg';
  await writeFile(join(dir, name), await sharp(await markedPicture(1, 360, 240)).jpeg({ quality: 95 }).toBuffer());
  await rename(join(dir, name), join(camera, name));
  await expect(app.getByTestId('intake-status')).toContainText('Took in', { timeout: 20_000 });
  await expect(app.getByTestId('rejection')).toHaveCount(0);
});
