/**
 * The second line of defence: if markup from a server ever reached the DOM as HTML, the page's
 * Content-Security-Policy must still stop it. Markup is injected straight into the running page
 * (as a bug would) and a local "evil" server counts what reaches it.
 */
import { expect, test } from '../fixtures';
import { pwned, startEvilServer } from './hostile-helpers';

test('the page’s CSP blocks injected inline handlers, scripts, javascript: links, and images and styles from elsewhere', async ({ app }) => {
  const evil = await startEvilServer();
  try {
    const violations: string[] = [];
    await app.exposeFunction('__violation', (directive: string) => violations.push(directive));
    await app.evaluate((origin) => {
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __violation: (d: string) => void }).__violation(e.effectiveDirective));
      const host = document.createElement('div');
      host.innerHTML = [
        `<img src="${origin}/img" onerror="window.__pwned='img-onerror'">`,
        `<img src="data:," onload="window.__pwned='img-onload'">`,
        `<svg><image href="${origin}/svg-image"></image></svg>`,
        `<div style="background:url(${origin}/inline-style)">x</div>`,
        `<style>body { --x: 1; } .probe-bg { background: url(${origin}/style-sheet); }</style><div class="probe-bg">x</div>`,
        `<a id="probe-link" href="javascript:window.__pwned='link'">link</a>`,
        `<link rel="stylesheet" href="${origin}/sheet.css">`,
        `<iframe src="${origin}/frame"></iframe>`,
        `<form action="${origin}/form"><button id="probe-submit">go</button></form>`,
      ].join('');
      document.body.append(host);
      const script = document.createElement('script');
      script.textContent = "window.__pwned='inline-script'";
      document.body.append(script);
      const external = document.createElement('script');
      external.src = `${origin}/script.js`;
      document.body.append(external);
      void fetch(`${origin}/fetch`).catch(() => undefined);
    }, evil.origin);
    // Clicked from the page (they sit under the app's own layout): a javascript: link and a form post.
    await app.evaluate(() => {
      (document.getElementById('probe-link') as HTMLAnchorElement).click();
      (document.getElementById('probe-submit') as HTMLButtonElement).click();
    });
    // Give every blocked load time to have been tried.
    await expect.poll(() => violations.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(7);
    await app.waitForTimeout(500);
    expect(await pwned(app)).toBeNull();
    expect(evil.hits).toEqual([]);
    expect(new Set(violations)).toEqual(new Set(['img-src', 'script-src-attr', 'script-src-elem', 'style-src-elem', 'connect-src', 'frame-src', 'form-action']));
  } finally {
    await evil.close();
  }
});
