/**
 * A disk that fills up under the app, in real Chromium IndexedDB. The origin gets a quota through
 * the DevTools protocol (Storage.overrideQuotaForOrigin) before the app writes anything: Chromium
 * reads an origin's room once, when its first database connection opens, and counts writes
 * against it from then on, so a quota set later is not seen while the app's connections are
 * open. Filling is then done the way a full disk happens: something else takes the space (blobs in
 * a database of the test's own), until even a small write is refused. Freeing raises the quota:
 * the next write that does not fit the room Chromium counted asks again, and fits.
 */
import type { CDPSession, Page } from '@playwright/test';

export interface Disk {
  /** Takes the remaining room until even a 1-byte write is refused. */
  fill(): Promise<void>;
  /** Gives plenty of room back. */
  free(): Promise<void>;
  /** Leaves about `bytes` of room above what the origin uses now: a disk nearly, not quite, full. */
  leave(bytes: number): Promise<void>;
}

/** Call right after the page opened, before the app has written much: room for the app's own data, then the test fills it. */
export async function limitedDisk(page: Page, url: string, roomBytes = 40e6): Promise<Disk> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const origin = new URL(url).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: roomBytes });
  return {
    async fill() {
      for (const size of [8e6, 1e6, 100e3, 10e3, 1e3, 100, 1]) {
        while (await fillerWrite(page, size));
      }
    },
    async free() {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 20e9 });
    },
    async leave(bytes) {
      const used = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: used + bytes });
    },
  };
}

/** One write of `size` bytes into the test's own database; whether it was taken. */
async function fillerWrite(page: Page, size: number): Promise<boolean> {
  return page.evaluate(
    (bytes) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('test-disk-filler');
        open.onupgradeneeded = () => open.result.createObjectStore('blobs', { autoIncrement: true });
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const tx = open.result.transaction('blobs', 'readwrite');
          tx.objectStore('blobs').add(new Blob([new Uint8Array(bytes)]));
          tx.oncomplete = () => {
            open.result.close();
            resolve(true);
          };
          tx.onabort = () => {
            open.result.close();
            resolve(false);
          };
        };
      }),
    size,
  );
}

/** Rows of one store of one database, read straight from IndexedDB. */
export async function storedRows<T>(page: Page, database: string, store: string): Promise<T[]> {
  return page.evaluate(
    ([name, storeName]) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction(storeName).objectStore(storeName).getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result as T[]);
          };
          all.onerror = () => reject(all.error);
        };
      }),
    [database, store] as const,
  );
}
