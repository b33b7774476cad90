import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { usePage } from './page';

/** An instructor's page on its own origin, embedding one exercise and keeping what the frame reports. */
function hostPage(frameUrl: string): string {
  return `<!doctype html><meta charset="utf-8"><title>course</title>
<iframe id="pg" src="${frameUrl}" style="width:1100px;height:700px"></iframe>
<script>
  window.received = [];
  addEventListener('message', (e) => {
    if (e.data && e.data.source === 'container-playground') window.received.push({ origin: e.origin, ...e.data });
  });
  window.send = (m) => document.getElementById('pg').contentWindow.postMessage(m, '*');
</script>`;
}

async function serve(html: (origin: string) => string): Promise<{ server: Server; origin: string }> {
  let origin = '';
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html(origin));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

type Received = { type: string; origin: string; lesson?: string; exercise?: string };
const received = (page: Page) => page.evaluate(() => (window as unknown as { received: Received[] }).received);

describe('the playground embedded in another origin’s page', () => {
  const view = usePage({ width: 1200, height: 800 });
  const baseUrl = inject('baseUrl');
  const servers: Server[] = [];
  let allowed = '';
  let other = '';
  const frameUrl = () =>
    `${baseUrl}embed.html?lesson=03-namespaces&step=1&lang=en&panes=lesson,terminal&origins=${encodeURIComponent(allowed)}`;

  beforeAll(async () => {
    const a = await serve(() => hostPage(frameUrl()));
    allowed = a.origin;
    const b = await serve(() => hostPage(frameUrl()));
    other = b.origin;
    servers.push(a.server, b.server);
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it('reports ready, obeys run-command from the allowed origin, and reports the exercise passed', async () => {
    const page = view.page;
    await page.goto(`${allowed}/`);
    await expect.poll(async () => (await received(page)).map((m) => m.type), { timeout: 60_000 }).toContain('ready');
    expect((await received(page))[0]!.origin).toBe(new URL(baseUrl).origin);
    await page.evaluate(() =>
      (window as unknown as { send(m: unknown): void }).send({
        type: 'run-command',
        command: 'docker run -d --name ns-demo --hostname demo busybox sleep 600',
      }),
    );
    await expect
      .poll(async () => (await received(page)).find((m) => m.type === 'exercise-passed'), { timeout: 60_000 })
      .toMatchObject({ lesson: '03-namespaces', exercise: 'own-hostname' });
  });

  it('ignores a page whose origin is not on the list, and tells it nothing', async () => {
    const page = view.page;
    await page.goto(`${other}/`);
    const frame = page.frameLocator('#pg');
    await expect.poll(() => frame.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await page.evaluate(() =>
      (window as unknown as { send(m: unknown): void }).send({
        type: 'run-command',
        command: 'touch /tmp/from-elsewhere',
      }),
    );
    await page.waitForTimeout(3000);
    expect(await frame.locator('.xterm-rows').textContent()).not.toContain('from-elsewhere');
    expect(await received(page)).toEqual([]);
  });

  it('ignores a page that opens the frame as a popup with its own origin in origins=', async () => {
    const page = view.page;
    await page.goto(`${other}/`);
    const url = `${baseUrl}embed.html?lesson=03-namespaces&step=1&lang=en&panes=terminal&origins=${encodeURIComponent(other)}`;
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.evaluate((u) => void ((window as unknown as { popup: Window | null }).popup = window.open(u)), url),
    ]);
    await expect.poll(() => popup.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    // Its own machine: never the student's saved one.
    expect(
      await popup.evaluate(
        () => (window as unknown as { playground: { status: { source: string } } }).playground.status.source,
      ),
    ).not.toBe('saved');
    await page.evaluate(() => {
      const w = (window as unknown as { popup: Window }).popup;
      w.postMessage({ type: 'run-command', command: 'touch /tmp/from-the-opener' }, '*');
      w.postMessage({ type: 'reset' }, '*');
    });
    await page.waitForTimeout(3000);
    expect(await popup.locator('.xterm-rows').textContent()).not.toContain('from-the-opener');
    const embed = await popup.evaluate(
      () =>
        (window as unknown as { playgroundEmbed: { origins: string[]; ignored: { source: number } } }).playgroundEmbed,
    );
    expect(embed.origins).toEqual([]);
    expect(embed.ignored.source).toBe(2);
    expect(await received(page)).toEqual([]);
    await popup.close();
  });
});
