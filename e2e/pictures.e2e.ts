import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { terminalText, typeCommand, waitForTerminal } from './browser';
import { usePage } from './page';

const PROMPT = /playground:~# $/m;
const SHOTS = '.test-results/pictures';

/**
 * The drawn pictures, each after a command typed in the terminal: the SVG
 * holds the element that shows the kernel's state. Then every picture is
 * photographed at 1280×800 and 390×844, in English and Chinese.
 */
describe('the pictures, drawn from the real guest', () => {
  const view = usePage({ width: 1280, height: 800 });
  let page: Page;
  const baseUrl = inject('baseUrl');
  beforeAll(() => {
    page = view.page;
  });

  /** Types a command and waits for the prompt to come back after it (one more prompt than before, at the end). */
  async function run(cmd: string, timeoutMs = 90_000) {
    const prompts = (text: string) => text.split('playground:~# ').length - 1;
    const before = prompts(await terminalText(page));
    await typeCommand(page, cmd);
    await expect
      .poll(
        async () => {
          const text = await terminalText(page);
          return prompts(text) > before && PROMPT.test(text);
        },
        { timeout: timeoutMs, interval: 200 },
      )
      .toBe(true);
  }
  const show = (picture: string) =>
    page.locator(`[data-testid=pictures-pane] [role=tab][data-picture=${picture}]`).click();

  it('the namespace tree: the container’s pid namespace nested under the host’s, its first process 1 inside', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    await run('docker run -d --name pic busybox sleep 600');
    await show('namespaceTree');
    const own = page.locator(
      '[data-testid=namespace-svg] g[data-ns-host="true"] g[data-owner="pic"] g.proc[data-nspid]',
    );
    await expect.poll(() => own.first().getAttribute('data-nspid'), { timeout: 20_000 }).toMatch(/^\d+ 1$/);
    // The same process, numbered by the host: its pid there is the one docker reports.
    const pid = (await page.evaluate(() =>
      (window as unknown as { playground: { api: { run(s: string): Promise<{ stdout: string }> } } }).playground.api
        .run("docker inspect -f '{{.State.Pid}}' pic")
        .then((r) => r.stdout.trim()),
    )) as string;
    expect(await own.first().getAttribute('data-nspid')).toBe(`${pid} 1`);
  });

  it('the network: a veth cable from the container to docker0, a Preview request traced through docker-proxy', async () => {
    await run(
      `docker run -d --name web -p 8080:80 busybox sh -c 'mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 80 -h /www'`,
    );
    await show('networkDiagram');
    const cable = page.locator('[data-testid=network-svg] g[data-cable][data-from="web"]');
    await expect.poll(() => cable.getAttribute('data-to'), { timeout: 20_000 }).toBe('docker0');
    expect(await cable.getAttribute('data-cable')).toMatch(/^veth\w+$/);
    await expect
      .poll(() => page.locator('[data-testid=network-svg] g[data-proxy="8080"]').getAttribute('data-target'), {
        timeout: 20_000,
      })
      .toBe('web');
    await expect
      .poll(
        async () => {
          await page.getByTestId('trace-request').click();
          await page.waitForTimeout(500);
          return (
            (await page
              .getByTestId('trace-result')
              .textContent()
              .catch(() => '')) ?? ''
          );
        },
        { timeout: 30_000 },
      )
      .toMatch(/^HTTP 200 · \d+ ms$/);
  });

  it('the layer stack: a whiteout in the container layer over the image’s file after rm', async () => {
    await run('docker exec pic rm /bin/vi');
    await show('layerStack');
    await page.locator('[data-testid=layer-stack] select').selectOption('pic');
    const whiteout = page.locator(
      '[data-testid=layer-svg] g[data-chip="whiteout"][data-sheet="upper"][data-path="/bin/vi"]',
    );
    await expect.poll(() => whiteout.count(), { timeout: 20_000 }).toBe(1);
    // Right below it, the file it hides, in the image's layer; the merged view shows it gone.
    expect(await page.locator('[data-testid=layer-svg] g[data-chip="original"][data-path="/bin/vi"]').count()).toBe(1);
    expect(await page.locator('[data-testid=layer-svg] g[data-chip="hidden"][data-path="/bin/vi"]').count()).toBe(1);
  });

  it('the cgroup meters: the OOM marker after a memory hog', async () => {
    await show('cgroupMeters');
    await run(`docker run --name hog --memory 16m busybox sh -c 'x=a; while :; do x=$x$x; done'`);
    const oom = page.locator('[data-testid=cgroup-meters] svg[data-gauge="hog"] [data-oom]');
    await expect.poll(() => oom.getAttribute('data-oom'), { timeout: 20_000 }).toBe('1');
    // The limit line is on the memory gauge.
    expect(await page.locator('[data-testid=cgroup-meters] svg[data-gauge="hog"] .mem [data-limit]').count()).toBe(1);
  });

  it('what docker run did: the real plan’s steps on a timeline with their guest times, a click shows what one made', async () => {
    await run('docker run -d --name planned --memory 24m busybox sleep 600');
    await show('runPlan');
    const steps = page.locator('[data-testid=run-timeline] g[data-step]');
    await expect.poll(() => steps.count(), { timeout: 20_000 }).toBeGreaterThan(5);
    const kinds = await steps.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-step')));
    expect(kinds).toEqual(expect.arrayContaining(['mkdir', 'mountOverlay', 'cgroupCreate', 'cgroupWrite', 'start']));
    expect(kinds.at(-2)).toBe('start');
    expect(kinds.at(0)).toBe('daemon');
    expect(kinds.at(-1)).toBe('daemon');
    const ms = await steps.evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-ms'))));
    expect(
      ms.every((x) => Number.isFinite(x) && x >= 0),
      `bar times ${ms.join(' ')}`,
    ).toBe(true);
    const svg = page.getByTestId('run-timeline');
    const stepsMs = Number(await svg.getAttribute('data-steps-ms'));
    const totalMs = Number(await svg.getAttribute('data-total-ms'));
    // The daemon's two parts (host clock) and the guest's steps (guest clock) add up to the whole start,
    // within 10 %: what they leave out is the channel's jitter between the two clocks' readings.
    expect(await steps.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-host')))).toEqual(
      expect.arrayContaining(['before', 'after']),
    );
    expect(totalMs).toBeGreaterThan(0);
    expect(Math.abs(stepsMs - totalMs), `bars ${stepsMs} ms, whole start ${totalMs} ms`).toBeLessThanOrEqual(
      totalMs * 0.1,
    );
    await steps
      .filter({ has: page.locator('text', { hasText: 'cgroupWrite' }) })
      .first()
      .click();
    await expect
      .poll(() => page.getByTestId('run-step-detail').textContent(), { timeout: 20_000 })
      .toMatch(/memory\.max = 25165824[\s\S]*25165824/);
    expect(await page.getByTestId('run-sequence').locator('g.msg').count()).toBeGreaterThan(2);
  });

  it('a lesson pins its picture, with the exercise’s goal as a ghost', async () => {
    await page.getByTestId('lesson-picker').selectOption('04-cgroups');
    await expect
      .poll(() =>
        page.locator('[data-testid=pictures-pane] [role=tab][aria-selected=true]').getAttribute('data-picture'),
      )
      .toBe('cgroupMeters');
    // No container "quota" yet: the goal is drawn as a ghost meter, and said in words.
    await expect.poll(() => page.getByTestId('cgroup-ghost').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('picture-goal').textContent()).toContain('quota');
    await run('docker run -d --name quota --memory 32m busybox sleep 600');
    const line = page.locator('[data-testid=cgroup-meters] svg[data-gauge="quota"] .mem [data-goal-line]');
    await expect.poll(() => line.count(), { timeout: 20_000 }).toBe(1);
  });

  it('every picture in both languages at 1280×800 and 390×844, no horizontal scroll on a phone', async () => {
    mkdirSync(SHOTS, { recursive: true });
    await page.getByTestId('lesson-picker').selectOption('');
    await run('docker pull busybox');
    /** Each picture, and its drawing: the screenshot waits until the drawing is there. */
    const pictures: [string, string][] = [
      ['namespaceTree', '[data-testid=namespace-svg]'],
      ['networkDiagram', '[data-testid=network-svg]'],
      ['layerStack', '[data-testid=layer-svg]'],
      ['cgroupMeters', '[data-testid=cgroup-meters] svg'],
      ['runPlan', '[data-testid=run-timeline]'],
      ['vmVsContainer', '[data-testid=vm-svg]'],
      ['registryTransfer', '[data-testid=registry-svg]'],
    ];
    for (const lang of ['en', 'zh']) {
      if (lang === 'zh') await page.getByTestId('lang-switch').click();
      for (const [w, h] of [
        [1280, 800],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        for (const [p, drawing] of pictures) {
          await show(p);
          await page.locator(drawing).first().waitFor({ timeout: 30_000 });
          await page.waitForTimeout(500);
          if (w < 800) await page.getByTestId('pictures-pane').evaluate((el) => el.scrollIntoView());
          await page.screenshot({ path: `${SHOTS}/${p}-${lang}-${w}.png` });
          if (w < 800) {
            const overflow = await page.evaluate(() => {
              const main = document.querySelector('main')!;
              return Math.max(document.documentElement.scrollWidth - innerWidth, main.scrollWidth - main.clientWidth);
            });
            expect(overflow, `${p} at ${w} px`).toBeLessThanOrEqual(0);
          }
        }
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
