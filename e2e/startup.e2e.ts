import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, waitForTerminal } from './browser';

const PROMPT = /playground:~# $/m;
const ready = (page: Page) =>
  page.waitForFunction(() => document.querySelector('[data-testid=boot-stage]')?.textContent === 'Ready', null, {
    timeout: 60_000,
  });

/** The fast start (src/vm/earlyFetch.ts, vmStartup in vite.config.ts). */
describe('the start of the page', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    // The page's requests and its worker's.
    context.on('request', (r) => requests.push(r.url()));
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("downloads v86's wasm and the saved machine once, from the page, before the worker asks", async () => {
    await page.goto(baseUrl);
    await ready(page);
    await waitForTerminal(page, PROMPT);
    const count = (re: RegExp) => requests.filter((u) => re.test(u)).length;
    // The preload link, the page's fetch and the worker's use are one download each.
    expect(count(/\/vm\/state\.bin\.zst\?sha256=[0-9a-f]{16}$/)).toBe(1);
    expect(count(/\/assets\/v86-[\w-]+\.wasm$/)).toBe(1);
    // The kernel is for a cold boot only.
    expect(count(/\/vm\/bzImage/)).toBe(0);
    // The worker's engine code is a chunk of its own, loaded beside the boot (src/worker/engineSide.ts).
    expect(count(/\/assets\/engineSide-[\w-]+\.js$/)).toBe(1);
    const fetchedByPage = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name.replace(/^.*\//, '')),
    );
    expect(fetchedByPage.some((n) => /^state\.bin\.zst\?sha256=/.test(n))).toBe(true);
    expect(fetchedByPage.some((n) => /^v86-[\w-]+\.wasm$/.test(n))).toBe(true);
  });

  it('on a return visit takes hashed files and the VM files from the cache without asking the server', async () => {
    requests.length = 0;
    await page.reload();
    await ready(page);
    await waitForTerminal(page, PROMPT);
    const entries = await page.evaluate(() =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
        name: e.name,
        transferSize: e.transferSize,
      })),
    );
    const immutable = entries.filter((e) => /\/assets\/|[?&]sha256=/.test(e.name));
    expect(immutable.map((e) => e.name.replace(/^.*\//, ''))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^main-/), expect.stringMatching(/^state\.bin\.zst\?sha256=/)]),
    );
    // transferSize 0: served by the HTTP cache with no request, not even a revalidation (a 304 has headers).
    expect(immutable.filter((e) => e.transferSize > 0)).toEqual([]);
    // The manifest is in the page's code: no request for it either.
    expect(requests.filter((u) => /manifest\.json/.test(u))).toEqual([]);
  });
});
