import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, typeCommand, waitForTerminal } from './browser';

/** With service workers on, as a workshop's browsers have them. */
describe('offline after one visit', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'allow' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('precaches the site, then with the network gone a reload boots the machine and a lesson check passes', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    // The worker is active once every file of its precache list is stored.
    const cached = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const keys = await caches.keys();
      let n = 0;
      for (const k of keys) n += (await (await caches.open(k)).keys()).length;
      return { active: !!reg.active, entries: n };
    });
    expect(cached.active).toBe(true);
    expect(cached.entries).toBeGreaterThan(30);

    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, /playground:~# $/m);
    await page.getByTestId('tab-lessons').click();
    await page.getByTestId('lesson-picker').selectOption('03-namespaces');
    await typeCommand(page, 'docker run -d --name ns-demo --hostname demo busybox sleep 600');
    const exercise = page.locator('[data-testid=exercise][data-exercise="own-hostname"]');
    await expect.poll(() => exercise.getAttribute('data-passed'), { timeout: 60_000 }).toBe('true');
    // Really offline: nothing outside the service worker's cache can be had.
    expect(
      await page.evaluate(() =>
        fetch('./not-precached.txt').then(
          () => 'fetched',
          () => 'failed',
        ),
      ),
    ).toBe('failed');
  });
});
