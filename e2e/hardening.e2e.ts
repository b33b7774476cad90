import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { typeCommand, waitForTerminal } from './browser';
import { previewUntilOk, usePage } from './page';

const PROMPT = /playground:~# $/m;

type Violation = { directive: string; blocked: string };
const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
const guest = (page: Page, script: string) =>
  page.evaluate(
    (s) =>
      (
        window as unknown as { playground: { api: { run(s: string): Promise<{ stdout: string }> } } }
      ).playground.api.run(s),
    script,
  );

describe('the page holds against hostile content', () => {
  const view = usePage({ width: 1400, height: 900 });
  const baseUrl = inject('baseUrl');
  let page: Page;
  /** A server on another origin that counts what the page asks of it. */
  let beacon: Server;
  let beaconUrl = '';
  const hits: string[] = [];

  beforeAll(async () => {
    page = view.page;
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: Violation[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
      );
    });
    beacon = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/gif' });
      res.end();
    });
    await new Promise<void>((r) => beacon.listen(0, '127.0.0.1', r));
    beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
  });
  afterAll(() => beacon?.close());

  it('boots, runs a container and opens the editor with no CSP violation; the headers carry frame-ancestors', async () => {
    const res = await page.goto(baseUrl);
    expect(res?.headers()['content-security-policy']).toMatch(
      /script-src 'self' 'wasm-unsafe-eval'.*frame-ancestors 'self'$/,
    );
    const embed = await fetch(`${baseUrl}embed.html?lesson=03-namespaces`);
    expect(embed.headers.get('content-security-policy')).toMatch(/form-action 'none'.*frame-ancestors \*$/);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    await typeCommand(page, 'docker run --rm busybox echo from-a-container');
    await waitForTerminal(page, /^from-a-container$/m, 60_000);
    await page.getByTestId('tab-build').click();
    await expect.poll(() => page.locator('.monaco-editor').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('tab-lessons').click();
    expect(await violations(page)).toEqual([]);
  });

  it('blocks an inline script injected into the page', async () => {
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.appendChild(s);
    });
    await expect.poll(() => violations(page)).toContainEqual({ directive: 'script-src-elem', blocked: 'inline' });
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  });

  it('a loaded lesson runs nothing until the student has seen its commands and allowed them', async () => {
    if (!page.url().startsWith(baseUrl)) await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    const dir = join(import.meta.dirname, '..', 'lessons', '07-lifecycle');
    const json = JSON.parse(readFileSync(join(dir, 'lesson.json'), 'utf8')) as {
      id: string;
      start: string[];
      exercises: { id: string; check: unknown }[];
    };
    json.id = 'x-consent';
    json.start = ['touch /tmp/consent-start-ran'];
    json.exercises[0]!.check = {
      all: [
        {
          sh: 'touch /tmp/consent-check-ran',
          exitCode: 0,
          because: { en: 'the marker could not be written', zh: '标记文件写不进去' },
        },
        json.exercises[0]!.check,
      ],
    };
    const zip = Buffer.from(
      zipSync({
        'x-consent/lesson.json': strToU8(JSON.stringify(json)),
        'x-consent/en.md': strToU8(readFileSync(join(dir, 'en.md'), 'utf8')),
        'x-consent/zh.md': strToU8(readFileSync(join(dir, 'zh.md'), 'utf8')),
      }),
    );
    await page.getByTestId('load-lesson').locator('summary').click();
    await page.getByTestId('lesson-zip').setInputFiles({ name: 'x.zip', mimeType: 'application/zip', buffer: zip });
    const consent = page.getByTestId('lesson-consent');
    await expect.poll(() => consent.count()).toBe(1);
    expect(await consent.getByTestId('consent-start').textContent()).toBe('touch /tmp/consent-start-ran');
    expect(await consent.getByTestId('consent-check').allTextContents()).toContain('touch /tmp/consent-check-ran');
    expect(await page.getByTestId('lesson').count()).toBe(0);
    // Neither daemon traffic nor time may start its commands before the student allows them.
    await typeCommand(page, 'docker ps');
    await page.waitForTimeout(2000);
    expect((await guest(page, 'ls /tmp/consent-* 2>/dev/null; true')).stdout).toBe('');
    await consent.getByTestId('consent-allow').click();
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-lesson')).toBe('x-consent');
    const check = page
      .locator(`[data-testid=exercise][data-exercise="${json.exercises[0]!.id}"]`)
      .getByTestId('check-exercise');
    await expect.poll(() => check.isEnabled(), { timeout: 30_000 }).toBe(true);
    await check.click();
    await expect
      .poll(async () => (await guest(page, 'ls /tmp/consent-* 2>/dev/null; true')).stdout, { timeout: 20_000 })
      .toContain('/tmp/consent-check-ran');
  });

  it('the Preview pane loads nothing from another origin', async () => {
    await typeCommand(
      page,
      `docker run -d --name hostile -p 8090:80 busybox sh -c 'mkdir -p /www && echo "<!doctype html><h1>hostile</h1><img src=${beaconUrl}/pixel.gif><link rel=stylesheet href=${beaconUrl}/s.css>" > /www/index.html && exec httpd -f -p 80 -h /www'`,
    );
    await waitForTerminal(page, /\n[0-9a-f]{64}\n/, 60_000);
    await page.getByTestId('tab-preview').click();
    await page.getByTestId('preview-port').fill('8090');
    await previewUntilOk(page);
    expect(await page.frameLocator('[data-testid=preview-frame]').locator('h1').textContent()).toBe('hostile');
    await page.waitForTimeout(1500);
    expect(hits).toEqual([]);
  });
});
