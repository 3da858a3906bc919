/**
 * The time-limited links in list replies (`url`). Real Imago hands out cloud-storage links; the
 * emulator signs its own with an HMAC and serves them, so expiry can be tested with the clock.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNED_PATH = '/signed/image';

export class UrlSigner {
  private readonly secret = randomBytes(32);

  private signature(imageId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${imageId}:${expires}`).digest('hex');
  }

  url(baseUrl: string, imageId: string, expires: number): string {
    return `${baseUrl}${SIGNED_PATH}/${imageId}?expires=${expires}&sig=${this.signature(imageId, expires)}`;
  }

  /** 'ok', or why the link is refused. */
  check(imageId: string, expires: string | undefined, sig: string | undefined, now: number): 'ok' | 'bad-signature' | 'expired' {
    const expiresMs = Number(expires);
    if (!expires || !sig || !Number.isFinite(expiresMs)) return 'bad-signature';
    const expected = Buffer.from(this.signature(imageId, expiresMs));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-signature';
    return now > expiresMs ? 'expired' : 'ok';
  }
}
