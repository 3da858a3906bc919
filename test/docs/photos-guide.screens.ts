/**
 * Screenshots for the Photos guide (renderer/src/photos/PHOTOS.md), taken from the real app in
 * browser mode against the Imago emulator's seeded data. Not part of `npm test` (nothing to assert):
 * `npm run docs:screenshots` refreshes the images after a UI change.
 */
import { join } from 'node:path';
import { expect, test } from '../browser/fixtures';
import { openPhotosAt } from '../browser/photos/photo-screen';

test.use({ systems: 'emulators', viewport: { width: 1280, height: 1400 } });

const GUIDE_IMAGES = join(process.cwd(), 'renderer', 'src', 'photos', 'guide-images');

test('strip log of the seeded hole FF-DD-0012', async ({ app, corelog }) => {
  await openPhotosAt(app, corelog);
  await app.getByLabel('Hole', { exact: true }).selectOption('Firefly Resource Development/Diamond Drilling/FF-DD-0012');
  const strip = app.getByTestId('strip-log');
  await expect(strip.getByTestId('strip-block')).toHaveCount(4);
  // Every Wet and Dry thumbnail drawn before the picture is taken.
  await expect(strip.locator('[data-testid=strip-thumb][data-state=shown]')).toHaveCount(8, { timeout: 20_000 });
  await strip.getByTestId('strip-block').nth(1).click();
  await app.locator('.strip-log-card').screenshot({ path: join(GUIDE_IMAGES, 'strip-log.png') });
});
