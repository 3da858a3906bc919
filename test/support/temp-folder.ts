/**
 * Removing a test's temporary folder. The services may still be finishing a write into it when a
 * test ends (an image-cache file, a log line): a plain recursive rm then fails with ENOTEMPTY
 * because a file appeared after the folder was listed. Retrying is the documented remedy
 * (fs.rm's maxRetries covers ENOTEMPTY/EBUSY); a teardown must not fail a test that passed.
 */
import { rm } from 'node:fs/promises';

export async function removeTestFolder(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
