/**
 * Imago's `checksum` in its four plausible forms: what the emulator's `checksumStyle` switch sends
 * (raw HTTP), and what the dry run reads each one to prove.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChecksum } from '../../../electron/services/archive-import/plan/imago-holdings';
import type { ImagoEmulator } from '../../../emulators/imago/index';
import { rawSession, startImago } from '../imago/imago-fixture';

let emulator: ImagoEmulator;
beforeAll(async () => {
  emulator = await startImago();
});
afterAll(() => emulator?.close());

describe('the emulator checksumStyle switch', () => {
  it('sends the stored bytes’ SHA-256, prefixed, their MD5, or nothing', async () => {
    const session = await rawSession(emulator);
    const first = async () => {
      const reply = (await (await session.get('/image-metadata?collectionName=FF-DD-0012&imageTypeName=Wet&limit=1')).json()) as { images: Record<string, unknown>[] };
      return reply.images[0]!;
    };
    const image = await first();
    const stored = emulator.image(String(image.id))!;
    const bytes = await readFile(stored.path);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(image.checksum).toBe(sha);
    emulator.setOptions({ checksumStyle: 'sha256-prefixed' });
    expect((await first()).checksum).toBe(`sha256:${sha}`);
    emulator.setOptions({ checksumStyle: 'md5' });
    expect((await first()).checksum).toBe(createHash('md5').update(bytes).digest('hex'));
    emulator.setOptions({ checksumStyle: 'absent' });
    expect('checksum' in (await first())).toBe(false);
    emulator.setOptions({ nullStyle: 'explicit-null' });
    expect((await first()).checksum).toBeNull();
    // The stored record keeps the SHA-256 whatever is sent.
    expect(stored.record.checksum).toBe(sha);
    expect(() => emulator.setOptions({ checksumStyle: 'crc32' as never })).toThrow(/checksumStyle must be one of/);
  });
});

describe('readChecksum', () => {
  const sha = 'ab'.repeat(32);
  const md5 = 'cd'.repeat(16);
  it('reads SHA-256 and MD5 in the forms servers write them, and nothing else as proof', () => {
    expect(readChecksum(sha)).toEqual({ kind: 'sha256', hex: sha });
    expect(readChecksum(sha.toUpperCase())).toEqual({ kind: 'sha256', hex: sha });
    expect(readChecksum(`sha256:${sha}`)).toEqual({ kind: 'sha256', hex: sha });
    expect(readChecksum(`SHA-256=${sha}`)).toEqual({ kind: 'sha256', hex: sha });
    expect(readChecksum(md5)).toEqual({ kind: 'md5', hex: md5 });
    expect(readChecksum(`md5:${md5}`)).toEqual({ kind: 'md5', hex: md5 });
    expect(readChecksum('ef'.repeat(20))).toEqual({ kind: 'unknown', raw: 'ef'.repeat(20) });
    expect(readChecksum(`crc32c:${'0'.repeat(8)}`)).toMatchObject({ kind: 'unknown' });
    expect(readChecksum('')).toEqual({ kind: 'none' });
    expect(readChecksum(undefined)).toEqual({ kind: 'none' });
    expect(readChecksum(null)).toEqual({ kind: 'none' });
  });
});
