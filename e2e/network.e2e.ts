import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { typeCommand, waitForTerminal } from './browser';
import { previewUntilOk, usePage } from './page';

const PROMPT = /playground:~# $/m;

describe('networking in the page', () => {
  const view = usePage({ width: 1400, height: 900 });
  let page: Page;
  const baseUrl = inject('baseUrl');
  beforeAll(() => {
    page = view.page;
  });

  it('the Preview pane shows the page a container serves on a published port', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    await typeCommand(
      page,
      `docker run -d --name site -p 8080:80 busybox sh -c 'mkdir -p /www && echo "<h1>served by a container</h1>" > /www/index.html && exec httpd -f -p 80 -h /www'`,
    );
    await waitForTerminal(page, /\n[0-9a-f]{64}\n/, 60_000);
    await page.getByTestId('tab-preview').click();
    await expect.poll(() => page.getByTestId('preview-port').inputValue(), { timeout: 20_000 }).toBe('8080');
    // httpd may still be starting: ask until it answers.
    await previewUntilOk(page);
    const frame = page.frameLocator('[data-testid=preview-frame]');
    expect(await frame.locator('h1').textContent()).toBe('served by a container');
    // A port nothing listens on says so.
    await page.getByTestId('preview-port').fill('8081');
    await page.getByTestId('preview-open').click();
    await expect
      .poll(() => page.getByTestId('preview-error').textContent(), { timeout: 20_000 })
      .toContain('nothing answers on port 8081');
  });

  it('lesson 8: the network picture shows the container’s veth pair on docker0, matching docker inspect', async () => {
    await page.getByTestId('tab-lessons').click();
    await page.getByTestId('lesson-picker').selectOption('08-networking');
    const row = page.getByTestId('network-picture').locator('[data-bridge=docker0] [data-container=site]');
    await expect
      .poll(() => row.textContent(), { timeout: 30_000 })
      .toMatch(/veth\w+[\s\S]*eth0\s*172\.17\.0\.\d+\/16[\s\S]*✓ inspect/);
  });
});
