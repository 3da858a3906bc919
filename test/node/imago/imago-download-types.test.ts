/**
 * A photo served under a Content-Type that says "message" (text/plain from storage that lost the
 * object's type, application/json from a gateway): the bytes decide. The image is taken with the
 * type its bytes show; a real message under the same types is still refused (imago-replies tests).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { admin, clientFor, SEEDED_TARGET, useImagoSuite } from './imago-fixture';

const suite = useImagoSuite({ resetAfterEach: true });

describe('downloads under a content type that lies', () => {
  for (const typed of ['text-plain', 'json'] as const) {
    it(`takes the image served as ${typed}`, async () => {
      const { client } = clientFor(suite.emulator);
      const honest = await client.downloadImage(SEEDED_TARGET);
      await admin(suite.emulator, 'PATCH', '/imago/options', { downloadContentType: typed });
      const problems: string[] = [];
      const { client: other } = clientFor(suite.emulator, { onReplyProblem: (p) => problems.push(p.detail) });

      const got = await other.downloadImage(SEEDED_TARGET);
      expect(got.bytes.equals(honest.bytes)).toBe(true);
      expect(got.contentType).toBe(honest.contentType);
      expect((await sharp(got.bytes).metadata()).width).toBeGreaterThan(0);

      const path = join(suite.temp, `lying-${typed}.jpg`);
      const saved = await other.downloadImageToFile(SEEDED_TARGET, path);
      expect(saved.sha256).toBe(createHash('sha256').update(honest.bytes).digest('hex'));
      expect(readFileSync(path).equals(honest.bytes)).toBe(true);
      expect(problems.join(' | ')).toContain('its bytes show image/');
    });
  }
  it('holds an image under a lying type to the same in-memory cap as any image', async () => {
    await admin(suite.emulator, 'PATCH', '/imago/options', { downloadContentType: 'text-plain' });
    const { client } = clientFor(suite.emulator, { limits: { maxDownloadBytes: 4096 } });
    await expect(client.downloadImage(SEEDED_TARGET)).rejects.toMatchObject({ kind: 'malformed-response' });
  });
});
