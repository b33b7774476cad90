import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { typeCommand, waitForTerminal } from './browser';
import { usePage } from './page';

const PROMPT = /playground:~# $/m;

describe('the Dockerfile pane', () => {
  const view = usePage({ width: 1400, height: 900 });
  let page: Page;
  const baseUrl = inject('baseUrl');
  beforeAll(() => {
    page = view.page;
  });

  /** Replaces the text of the editor's current file, as a paste would (typing would auto-close brackets). */
  async function typeInEditor(text: string) {
    await page.locator('[data-testid=code-editor] .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  }

  /** The editor's visible text (Monaco draws spaces as no-break spaces). */
  const editorText = async () =>
    ((await page.locator('.monaco-editor .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');

  it('opens Monaco on the starter Dockerfile and marks an error at its line as you type', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    await page.getByTestId('tab-build').click();
    await page.locator('[data-testid=code-editor] .monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    expect(await editorText()).toContain('FROM busybox');
    await typeInEditor('FROM busybox\nFRM oops\n');
    const squiggle = page.locator('.monaco-editor .squiggly-error');
    await squiggle.first().waitFor({ timeout: 10_000 });
    // The marker sits on line 2: hover it for the message.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('F8');
    await expect
      .poll(() => page.locator('.monaco-editor .marker-widget').textContent(), { timeout: 10_000 })
      .toContain('unknown instruction: FRM');
  });

  it('builds the editor files, shows each step with its cache state and the files of a layer', async () => {
    await typeInEditor(
      'FROM busybox\nWORKDIR /app\nCOPY hello.txt .\nRUN rm /bin/vi && wc -c hello.txt > size.txt\nCMD ["cat", "hello.txt", "size.txt"]\n',
    );
    await page.getByTestId('build-tag').fill('from-page:1');
    await page.getByTestId('build-button').click();
    await page.getByTestId('build-done').waitFor({ timeout: 60_000 });
    const log = await page.getByTestId('build-log').textContent();
    expect(log).toMatch(/Step 1\/5 : FROM busybox/);
    expect(log).toMatch(/Successfully tagged from-page:1/);
    const steps = page.getByTestId('build-steps').locator(':scope > li');
    expect(await steps.count()).toBe(5);
    // The RUN step's layer: what it added and what it deleted (a whiteout).
    await steps.nth(3).locator('button.step').click();
    const changes = page.getByTestId('layer-changes');
    await expect.poll(() => changes.textContent(), { timeout: 10_000 }).toContain('/app/size.txt');
    expect(await changes.textContent()).toMatch(/D\s*\/bin\/vi/);
    // Built again: every step a cache hit.
    await page.getByTestId('build-button').click();
    await page.getByTestId('build-done').waitFor({ timeout: 60_000 });
    expect((await page.getByTestId('build-steps').textContent())?.match(/CACHED/g)).toHaveLength(4);
  });

  it('built an image the terminal can run, and the daemon events show it', async () => {
    await typeCommand(page, 'docker run --rm from-page:1');
    await waitForTerminal(page, /Hello from a layer!\n你好，来自一层镜像！\n\d+ hello.txt/, 30_000);
    const events = page.getByTestId('engine-events');
    await events.locator('summary').click();
    await expect.poll(() => events.textContent()).toMatch(/container\s*die\s*\S+\s*exit code 0/);
    expect(await events.textContent()).toMatch(/image\s*tag/);
  });

  it('keeps the editor files across a reload', async () => {
    await page.reload();
    await page.locator('[data-testid=code-editor] .monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    expect(await editorText()).toContain('RUN rm /bin/vi');
    expect(await page.getByTestId('build-tag').inputValue()).toBe('from-page:1');
  });
});
