import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoPipeline, type IntakeProgress } from '../../../electron/services/images/photo-pipeline';
import { PhotoStore } from '../../../electron/services/images/photo-store';
import { MemoryBudget } from '../../../electron/services/images/memory-budget';
import { TaskQueue } from '../../../electron/services/images/task-queue';
import { makeTempDir, uprightWithMarker, writeOrientedJpeg } from './photo-fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let upright: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('corelog-pipeline-'));
  upright = await uprightWithMarker(1200, 800);
});
afterAll(() => cleanup());

async function storedFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('PhotoPipeline', () => {
  it('takes in good photos and explains the refused ones', async () => {
    const store = await PhotoStore.open(join(dir, 'photos-a'));
    const pipeline = new PhotoPipeline(store);
    const rotated = await writeOrientedJpeg(join(dir, 'DSC_0001.JPG'), upright, 6);
    const notes = join(dir, 'notes.jpg');
    await writeFile(notes, 'not a photo');

    const [good, bad] = await Promise.all([pipeline.intake(rotated, { originalName: 'DD-042 tray 7.jpg' }), pipeline.intake(notes)]);
    expect(good).toMatchObject({
      ok: true,
      photo: { originalName: 'DD-042 tray 7.jpg', mimeType: 'image/jpeg', width: 1200, height: 800, converted: 'EXIF orientation 6 applied to the pixels' },
    });
    if (!good.ok) throw new Error('unreachable');
    expect(good.photo.storedPath).toBe(store.pathFor(good.photo.sha256, 'image/jpeg'));
    expect((await sharp(good.photo.thumbnailJpeg).metadata()).width).toBe(320);
    expect(bad).toEqual({
      ok: false,
      filePath: notes,
      originalName: 'notes.jpg',
      reason: 'not an image: the content is text, although the name ends in .jpg',
      error: { kind: 'rejected', message: 'not an image: the content is text, although the name ends in .jpg', retryable: false },
    });
  });

  it('stores the same photo taken in twice once', async () => {
    const root = join(dir, 'photos-b');
    const pipeline = new PhotoPipeline(await PhotoStore.open(root));
    const source = await writeOrientedJpeg(join(dir, 'twice.jpg'), upright, 3);
    const first = await pipeline.intake(source);
    const second = await pipeline.intake(source);
    expect(first.ok && second.ok && first.photo.sha256 === second.photo.sha256).toBe(true);
    expect(await storedFiles(root)).toHaveLength(1);
  });

  it('runs at most `concurrency` photos at a time and reports progress', async () => {
    const root = join(dir, 'photos-c');
    const events: IntakeProgress[] = [];
    const pipeline = new PhotoPipeline(await PhotoStore.open(root), { onProgress: (event) => events.push(event) });
    const sources = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (n) => {
        const path = join(dir, `batch-${n}.png`);
        await sharp(upright).tint({ r: 40 * n, g: 120, b: 200 }).png({ compressionLevel: 1 }).toFile(path);
        return path;
      }),
    );
    const results = await Promise.all(sources.map((path) => pipeline.intake(path)));
    expect(results.every((result) => result.ok)).toBe(true);

    const started = events.filter((event) => event.stage === 'started');
    expect(started).toHaveLength(6);
    expect(Math.max(...started.map((event) => event.running))).toBe(2);
    expect(events.filter((event) => event.stage === 'queued').map((event) => event.queued)).toEqual([0, 0, 0, 1, 2, 3]);
    expect(events.filter((event) => event.stage === 'done')).toHaveLength(6);
    expect([pipeline.running, pipeline.queued]).toEqual([0, 0]);
    expect(await storedFiles(root)).toHaveLength(6);
  });

  it('survives a progress listener that throws', async () => {
    const pipeline = new PhotoPipeline(await PhotoStore.open(join(dir, 'photos-d')), {
      onProgress: () => {
        throw new Error('listener bug');
      },
    });
    const source = join(dir, 'plain.png');
    await writeFile(source, upright);
    expect((await pipeline.intake(source)).ok).toBe(true);
  });
});

describe('TaskQueue', () => {
  it('never runs more than its limit and runs tasks in arrival order', async () => {
    const queue = new TaskQueue(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        queue.run(async () => {
          order.push(n);
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => new TaskQueue(0)).toThrow(RangeError);
  });

  it('frees the slot when a task fails', async () => {
    const queue = new TaskQueue(1);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 'next')).toBe('next');
    expect(queue.running).toBe(0);
  });
});

describe('MemoryBudget', () => {
  /** Runs jobs of the given sizes side by side and records what was declared at the busiest moment. */
  async function runAll(budget: MemoryBudget, sizes: number[], release: Array<() => void> = []) {
    let peak = 0;
    const order: number[] = [];
    const jobs = sizes.map((bytes, n) =>
      budget.run(bytes, async () => {
        order.push(n);
        peak = Math.max(peak, budget.inUse);
        await new Promise<void>((resolve) => (release[n] = resolve));
      }),
    );
    return { jobs, peak: () => peak, order };
  }

  it('never lets declared memory exceed the budget and starts jobs in arrival order', async () => {
    const budget = new MemoryBudget(300);
    const release: Array<() => void> = [];
    const { jobs, peak, order } = await runAll(budget, [100, 150, 100, 20, 200], release);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual([0, 1]); // 100 + 150; the third (100) would make 350
    expect(budget.queued).toBe(3);
    release[0]!();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual([0, 1, 2, 3]); // the small fourth job does not overtake, it follows the third
    release[1]!();
    release[2]!();
    release[3]!();
    await new Promise((resolve) => setTimeout(resolve, 5));
    release[4]!();
    await Promise.all(jobs);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak()).toBeLessThanOrEqual(300);
    expect([budget.inUse, budget.queued]).toEqual([0, 0]);
  });

  it('runs a job larger than the whole budget alone, and frees the room of a failed job', async () => {
    const budget = new MemoryBudget(100);
    await expect(budget.run(50, () => Promise.reject(new Error('decoder crashed')))).rejects.toThrow('decoder crashed');
    expect(budget.inUse).toBe(0);
    let seen = -1;
    await budget.run(500, async () => void (seen = budget.inUse));
    expect(seen).toBe(100);
    expect(() => new MemoryBudget(0)).toThrow(RangeError);
  });
});
