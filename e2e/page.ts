import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser';

/** One Chromium page for a whole test file, opened before the first test and closed after the last. */
export function usePage(viewport = { width: 1280, height: 800 }): { page: Page } {
  const holder = {} as { page: Page; browser: Browser };
  beforeAll(async () => {
    holder.browser = await launch();
    // Service workers off: each test file sees the site as served, not an earlier visit's offline copy (offline.e2e.ts turns them on).
    holder.page = await (await holder.browser.newContext({ viewport, serviceWorkers: 'block' })).newPage();
  });
  afterAll(async () => {
    await holder.browser?.close();
  });
  return holder;
}

/** Opens the Preview pane's port until the container's server answers: it may still be starting. */
export async function previewUntilOk(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.getByTestId('preview-open').click();
        await page.waitForTimeout(300);
        return page
          .getByTestId('preview-status')
          .textContent()
          .catch(() => '');
      },
      { timeout: 30_000 },
    )
    .toMatch(/^\s*HTTP 200 OK/);
}
