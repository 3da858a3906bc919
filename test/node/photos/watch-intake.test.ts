/**
 * A watch-folder find through main's bridge handlers: taking it in does not settle it. It stays
 * offered (and handed over, so it can be taken in again) until the renderer says it has written
 * what it made of it, so a page that dies mid-intake loses nothing; a service restart before that
 * word offers it again, one after it does not.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../electron/services/app-services';

let root: string;
let camera: string;
let running: AppServices[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'corelog-watch-intake-'));
  camera = join(root, 'camera');
  await mkdir(camera);
});
afterEach(async () => {
  await Promise.all(running.map((s) => s.dispose()));
  running = [];
  await rm(root, { recursive: true, force: true });
});

async function stop(services: AppServices) {
  running = running.filter((s) => s !== services);
  await services.dispose();
}

function startServices(): AppServices {
  const services = createAppServices({ dataDir: join(root, 'data'), appVersion: '0.0.0', transport: 'browser', env: { CORELOG_IMAGO_URL: 'http://127.0.0.1:9/integrate/2', CORELOG_DOUGAL_URL: 'http://127.0.0.1:9/api' } });
  services.start();
  running.push(services);
  return services;
}

async function pending(services: AppServices, count: number) {
  const end = Date.now() + 10_000;
  for (;;) {
    const status = await services.handlers.getWatchFolder!(undefined);
    if (status.pending.length === count) return status.pending;
    if (Date.now() > end) throw new Error(`expected ${count} pending, have ${status.pending.length}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const done = async () => (JSON.parse(await readFile(join(root, 'data', 'watch-folder.json'), 'utf8')) as { done: string[] }).done;

describe('watch-folder intake', () => {
  it('stays offered after intake until the renderer settles it, across a restart too', async () => {
    const first = startServices();
    await first.handlers.setWatchFolder!({ folder: camera, pattern: '{hole}_{from}_{to}_{imageType}' });
    await writeFile(join(camera, 'FF-DD-0012_1.0_2.5_Wet.jpg'), await sharp({ create: { width: 400, height: 200, channels: 3, background: '#774422' } }).jpeg().toBuffer());
    const [found] = await pending(first, 1);

    const outcome = await first.handlers.intakePhoto!({ ref: found!.ref });
    expect(outcome).toMatchObject({ accepted: true });
    // The page may have died before writing the draft: the find is still offered and still readable.
    expect(await pending(first, 1)).toEqual([found]);
    expect(await done()).toEqual([]);
    expect(await first.handlers.intakePhoto!({ ref: found!.ref })).toMatchObject({ accepted: true });

    // The service itself restarts before the renderer's word: offered again, under a new reference.
    await stop(first);
    const second = startServices();
    const [again] = await pending(second, 1);
    expect(again).toMatchObject({ name: 'FF-DD-0012_1.0_2.5_Wet.jpg' });
    await second.handlers.intakePhoto!({ ref: again!.ref });

    // Written in the renderer: now it is done, here and after a restart.
    expect(await second.handlers.discardStagedFiles!({ refs: [again!.ref] })).toEqual({ released: 1 });
    await pending(second, 0);
    expect(await done()).toHaveLength(1);
    await stop(second);
    const third = startServices();
    await new Promise((r) => setTimeout(r, 1500));
    await pending(third, 0);
  });
});
