/** Getting the Photos screen to a workspace › dataset › imagery type, as several specs start. */
import type { Page } from '@playwright/test';
import { expect, type CorelogInstance } from '../fixtures';

export const LIVE_WORKSPACE = 'Firefly Resource Development';

/** Signs in to the emulator's demo account, opens Photos once the catalogue is loaded, and picks the selection. */
export async function openPhotosAt(
  app: Page,
  corelog: CorelogInstance,
  { workspace = LIVE_WORKSPACE, dataset = 'Diamond Drilling', imageryType = 'Core Trays' }: { workspace?: string; dataset?: string; imageryType?: string } = {},
): Promise<void> {
  await corelog.services.connections.signIn('imago', { username: 'demo', password: 'demo' }, false);
  await app.getByRole('button', { name: 'Photos' }).click();
  await expect(app.getByTestId('catalogue-age')).toContainText('Workspaces loaded');
  await app.getByLabel('Workspace').selectOption(workspace);
  await app.getByLabel('Dataset').selectOption(dataset);
  await app.getByLabel('Imagery type').selectOption(imageryType);
}
