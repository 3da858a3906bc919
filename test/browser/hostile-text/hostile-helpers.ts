/**
 * Hostile text for the browser probes, and a "evil" server that counts every request: markup that
 * would run or load something if it were ever parsed as HTML or CSS, right-to-left overrides and
 * zero-width characters, 100,000 characters with no space, lone surrogates, NUL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type Page } from '@playwright/test';

export interface EvilServer {
  origin: string;
  /** Every request path seen so far. */
  hits: string[];
  close(): Promise<void>;
}

export async function startEvilServer(): Promise<EvilServer> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif', 'access-control-allow-origin': '*' });
    res.end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Markup that sets `window.__pwned` or loads from the evil server if it is ever run or parsed. */
export function markup(evil: string, tag: string): string {
  return `<img src=${evil}/img-${tag} onerror="window.__pwned='${tag}'"><script>window.__pwned='${tag}-script'</script></script><svg onload="window.__pwned='${tag}-svg'">`;
}

/** A CSS value that would load from the evil server if it reached a style sheet or a `style` text. */
export const cssAttack = (evil: string, tag: string) => `red;background:url(${evil}/css-${tag});x:expression(alert(1))`;

/** "evil" + RLO + "fdp.exe": reads as "evilexe.pdf" in a right-to-left aware renderer. */
export const RLO_NAME = 'evil\u202Efdp.exe';
export const ZERO_WIDTH = 'DH\u200B-\u200D01\uFEFF';
export const LONG_WORD = 'W'.repeat(100_000);
export const LONE_SURROGATE = 'half\uD800pair';

/** The page runs nothing it was sent and loads nothing from elsewhere. */
export async function pwned(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null);
}

/** Whether the page scrolls sideways (a long word that broke the layout). */
export async function overflowsSideways(page: Page): Promise<{ scroll: number; width: number }> {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
}

/** The innermost elements reaching past the window's right edge (for messages). */
export async function widestElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1)) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}: ${(el.textContent ?? '').slice(0, 40)}`);
      }
    }
    return out.slice(0, 5);
  });
}

/**
 * Characters that hide or rearrange text, found in what the page shows (text outside form fields
 * and drop-downs, whose values are the stored text), with a few characters around each.
 */
export async function hiddenCharactersShown(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement?.closest('select, option, textarea, script, style')) continue;
      const text = node.textContent ?? '';
      // eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
      const at = text.search(/[\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\u0000]/);
      if (at >= 0) found.push(JSON.stringify(text.slice(Math.max(0, at - 10), at + 10)));
    }
    return found;
  });
}

/**
 * Options of every drop-down whose shown text holds a character that hides or rearranges text
 * (isolates U+2068/U+2069 are the display rule's own and allowed), or is longer than `maxLength`,
 * or selects wider than the window; with the select's name and a few characters around the fault.
 */
export async function optionProblems(page: Page, maxLength: number): Promise<string[]> {
  return page.evaluate((max) => {
    const found: string[] = [];
    for (const select of document.querySelectorAll('select')) {
      const name = select.getAttribute('aria-label') ?? select.name;
      if (select.getBoundingClientRect().width > window.innerWidth) found.push(`${name}: select ${Math.round(select.getBoundingClientRect().width)} px wide`);
      for (const option of select.options) {
        const text = option.textContent ?? '';
        // eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
        const at = text.search(/[\u202A-\u202E\u2066\u2067\u200B\u2060\uFEFF\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        if (at >= 0) found.push(`${name}: ${JSON.stringify(text.slice(Math.max(0, at - 10), at + 10))}`);
        if (text.length > max) found.push(`${name}: option text of ${text.length} characters`);
      }
    }
    return found;
  }, maxLength);
}

/** The values of a drop-down's options (what identifies the thing chosen). */
export async function optionValues(page: Page, label: string): Promise<string[]> {
  return page.getByLabel(label, { exact: true }).evaluate((select) => [...(select as HTMLSelectElement).options].map((o) => o.value));
}

/** Nothing ran, nothing loaded from elsewhere, no hidden or reordering character shown, no page wider than the window (soft: every finding is listed). */
export async function expectUnharmed(app: Page, evil: EvilServer, where: string): Promise<void> {
  expect.soft(await pwned(app), `${where}: script ran`).toBeNull();
  expect.soft(evil.hits, `${where}: loaded from elsewhere`).toEqual([]);
  expect.soft(await hiddenCharactersShown(app), `${where}: hidden or reordering characters shown as they are`).toEqual([]);
  const { scroll, width } = await overflowsSideways(app);
  expect.soft(scroll, `${where}: page wider than the window: ${(await widestElements(app)).join(' | ')}`).toBeLessThanOrEqual(width);
}
