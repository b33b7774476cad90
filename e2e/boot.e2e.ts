import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, terminalText, typeCommand, waitForTerminal } from './browser';

const PROMPT = /playground:~# $/m;
const stage = (page: Page) => page.getByTestId('boot-stage').textContent();

/** Runs a script on the control channel through the page's worker API. */
function run(page: Page, script: string) {
  return page.evaluate(
    (s) =>
      (
        window as unknown as { playground: { api: { run(s: string): Promise<{ stdout: string; exitCode: number }> } } }
      ).playground.api.run(s),
    script,
  );
}

describe('the playground page', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const baseUrl = inject('baseUrl');

  beforeAll(async () => {
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('restores the machine shipped with the site on a first visit and shows a shell prompt', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => stage(page), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    expect(await page.locator('.boot .time').textContent()).toMatch(/restored in \d+ ms/);
  });

  it('runs what the user types: uname -m prints the guest architecture', async () => {
    await typeCommand(page, 'uname -m');
    const text = await waitForTerminal(page, /uname -m\s*\n\s*i686/);
    expect(text).toMatch(/i686/);
  });

  it('runs a container from the terminal: the docker CLI in the guest talks to the engine in the worker', async () => {
    await typeCommand(page, 'docker run --rm busybox sh -c "echo from-container-$((20+22)); hostname"');
    const text = await waitForTerminal(page, /from-container-42\n[0-9a-f]{12}\n/, 30_000);
    expect(text).toMatch(/from-container-42/);
    // The client/daemon split, visible: the CLI's requests as the engine answered them.
    const traffic = page.getByTestId('api-traffic');
    await traffic.locator('summary').click();
    await expect.poll(() => traffic.textContent()).toMatch(/POST\s*\/containers\/create\s*201/);
    expect(await traffic.textContent()).toMatch(/POST\s*\/containers\/[0-9a-f]{12}\/start\s*204/);
    await typeCommand(page, 'docker images');
    await waitForTerminal(page, /REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox/);
    // An interactive shell in a container, in the page's terminal.
    await typeCommand(page, 'docker run -it --rm busybox sh');
    await waitForTerminal(page, /\/ # $/m);
    await typeCommand(page, 'echo inside-$((7*6)); exit');
    // Back at the guest's own prompt: what is typed before that goes to the container's terminal.
    await waitForTerminal(page, /inside-42\r?\n(?:.*\n)*playground:~#\s*$/m);
  });

  it('passes the terminal size to the guest', async () => {
    // The page may still settle its layout (a panel growing by a line) after a command: a resize between
    // stty and the comparison is fine as long as the guest follows, so the sizes must agree within a few tries.
    const answers = async () => [...(await terminalText(page)).matchAll(/stty size\s*\n(\d+) (\d+)/g)];
    const agree = async () => {
      const before = (await answers()).length;
      await typeCommand(page, 'stty size');
      await expect.poll(async () => (await answers()).length, { timeout: 10_000 }).toBeGreaterThan(before);
      const [rows, cols] = (await answers()).at(-1)!.slice(1).map(Number);
      const size = await page.evaluate(() => {
        const t = (window as unknown as { __term: { rows: number; cols: number } }).__term;
        return [t.rows, t.cols];
      });
      return `${rows}x${cols} in the guest, ${size[0]}x${size[1]} in the page`;
    };
    await expect
      .poll(agree, { timeout: 20_000, interval: 500 })
      .toMatch(/^(\d+)x(\d+) in the guest, \1x\2 in the page$/);
  });

  it('switches the interface to Chinese and remembers it across a reload, which restores again', async () => {
    await expect.poll(() => page.locator('h1').textContent()).toBe('Container internals playground');
    await page.getByTestId('lang-switch').click();
    expect(await page.locator('h1').textContent()).toBe('容器原理实验场');
    expect(await stage(page)).toBe('就绪');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.reload();
    await expect.poll(() => stage(page), { timeout: 30_000 }).toBe('就绪');
    expect(await page.locator('h1').textContent()).toBe('容器原理实验场');
    expect(await page.locator('.boot .time').textContent()).toMatch(/恢复用时 \d+ 毫秒/);
    await waitForTerminal(page, PROMPT);
    await typeCommand(page, 'echo restored-$((6*7))');
    await waitForTerminal(page, /restored-42/);
    await page.getByTestId('lang-switch').click(); // back to English
  });

  it("saves the user's machine and restores it, files and all", async () => {
    expect((await run(page, 'echo kept > /root/note.txt')).exitCode).toBe(0);
    const bytes = await page.evaluate(() =>
      (window as unknown as { playground: { api: { saveState(): Promise<number> } } }).playground.api.saveState(),
    );
    expect(bytes).toBeGreaterThan(100_000);
    await page.evaluate(() => (window as unknown as { playground: { restart(): Promise<void> } }).playground.restart());
    await expect.poll(() => stage(page), { timeout: 30_000 }).toBe('Ready');
    expect((await run(page, 'cat /root/note.txt')).exitCode).not.toBe(0); // a reset machine is clean
    await page.evaluate(() =>
      (
        window as unknown as { playground: { api: { restoreSavedState(): Promise<unknown> } } }
      ).playground.api.restoreSavedState(),
    );
    expect((await run(page, 'cat /root/note.txt')).stdout).toBe('kept\n');
    await page.evaluate(() =>
      (
        window as unknown as { playground: { api: { clearSavedState(): Promise<void> } } }
      ).playground.api.clearSavedState(),
    );
  });

  it('says so in plain words when the guest kernel panics, and restarts with a clean machine', async () => {
    await typeCommand(page, 'echo c > /proc/sysrq-trigger');
    const banner = page.getByTestId('problem');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/kernel panic/);
    await banner.getByRole('button').click();
    await expect.poll(() => stage(page), { timeout: 30_000 }).toBe('Ready');
    expect(await page.getByTestId('problem').count()).toBe(0);
    await typeCommand(page, 'echo back-$((40+2))');
    await waitForTerminal(page, /back-42/);
  });

  it('boots the kernel cold when no saved state can be had', async () => {
    const ctx = await browser.newContext({ serviceWorkers: 'block' });
    await ctx.route(/state\.bin\.zst/, (route) => route.fulfill({ status: 404, body: 'gone' }));
    const p = await ctx.newPage();
    const stages: string[] = [];
    p.on('console', () => {});
    await p.goto(baseUrl);
    for (;;) {
      const s = await p.locator('.boot').getAttribute('data-stage');
      if (s && stages.at(-1) !== s) stages.push(s);
      if (s === 'ready' || s === 'failed') break;
      await p.waitForTimeout(50);
    }
    expect(stages.at(-1)).toBe('ready');
    expect(stages).toContain('kernel');
    expect(await p.locator('.boot .time').textContent()).toMatch(/booted in \d+ ms/);
    await waitForTerminal(p, PROMPT);
    await typeCommand(p, 'cat /proc/cmdline');
    await waitForTerminal(p, /console=ttyS0/);
    await ctx.close();
  });

  it('fits a phone screen (390×844) without horizontal scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
    const p = await phone.newPage();
    await p.goto(baseUrl);
    await p.locator('[data-testid=terminal]').waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });
});
