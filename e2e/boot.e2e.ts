import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, typeCommand, waitForTerminal } from './browser';

const PROMPT = /playground:~# $/m;

describe('the playground page', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('boots the guest cold on a first visit and shows a shell prompt', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    expect(await page.locator('.boot').getAttribute('data-stage')).toBe('ready');
  });

  it('runs what the user types: uname -m prints the guest architecture', async () => {
    await typeCommand(page, 'uname -m');
    const text = await waitForTerminal(page, /uname -m\s*\n\s*i686/);
    expect(text).toMatch(/i686/);
  });

  it('passes the terminal size to the guest', async () => {
    await typeCommand(page, 'stty size');
    const text = await waitForTerminal(page, /stty size\s*\n\d+ \d+/);
    const [rows, cols] = /stty size\s*\n(\d+) (\d+)/.exec(text)!.slice(1).map(Number);
    const size = await page.evaluate(() => {
      const t = (window as unknown as { __term: { rows: number; cols: number } }).__term;
      return [t.rows, t.cols];
    });
    expect([rows, cols]).toEqual(size);
  });

  it('switches the interface to Chinese and remembers it', async () => {
    await expect.poll(() => page.locator('h1').textContent()).toBe('Container internals playground');
    await page.getByTestId('lang-switch').click();
    expect(await page.locator('h1').textContent()).toBe('容器原理实验场');
    expect(await page.getByTestId('boot-stage').textContent()).toBe('就绪');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  });

  it('restores the saved machine on reload instead of booting again', async () => {
    // The first boot saves the machine in the background; a reload before that boots cold.
    await expect
      .poll(() => page.locator('.boot').getAttribute('data-saved-state'), { timeout: 20_000 })
      .toMatch(/^\d+$/);
    await page.reload();
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 30_000 }).toBe('就绪');
    expect(await page.locator('h1').textContent()).toBe('容器原理实验场');
    expect(await page.locator('.boot .time').textContent()).toMatch(/恢复用时 \d+ 毫秒/);
    await waitForTerminal(page, PROMPT);
    await typeCommand(page, 'echo restored-$((6*7))');
    await waitForTerminal(page, /restored-42/);
  });

  it('says so in plain words when the guest kernel panics, and restarts with a clean machine', async () => {
    await page.getByTestId('lang-switch').click(); // back to English
    await typeCommand(page, 'echo c > /proc/sysrq-trigger');
    const banner = page.getByTestId('problem');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/kernel panic/);
    await banner.getByRole('button').click();
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 30_000 }).toBe('Ready');
    expect(await page.getByTestId('problem').count()).toBe(0);
    await typeCommand(page, 'echo back-$((40+2))');
    await waitForTerminal(page, /back-42/);
  });

  it('fits a phone screen (390×844) without horizontal scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await phone.newPage();
    await p.goto(baseUrl);
    await p.locator('[data-testid=terminal]').waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });
});
