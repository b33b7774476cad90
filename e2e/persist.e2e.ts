import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, terminalText, typeCommand, waitForTerminal } from './browser';

const PROMPT = /playground:~# $/m;

interface PlaygroundHandle {
  status: {
    stage: string;
    persist: { lastSaved: { at: number } | null; resumed: { kind: string } | null; refused: unknown };
  };
  api: {
    run(s: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
    listSnapshots(): Promise<{ id: string; kind: string; label: string }[]>;
  };
}

/** A browser profile on disk: closing its context and opening another is a browser restarted. */
function profile() {
  const dirs: string[] = [];
  const open = async (dir?: string) => {
    const d = dir ?? mkdtempSync(join(tmpdir(), 'persist-profile-'));
    if (!dir) dirs.push(d);
    const ctx = await chromium.launchPersistentContext(d, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      serviceWorkers: 'block',
    });
    return { ctx, dir: d, page: ctx.pages()[0] ?? (await ctx.newPage()) };
  };
  return { open, cleanup: () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })) };
}

async function ready(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 90_000 }).toBe('Ready');
  await waitForTerminal(page, PROMPT);
}

function run(page: Page, script: string) {
  return page.evaluate((s) => (window as unknown as { playground: PlaygroundHandle }).playground.api.run(s), script);
}

const lastSaved = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { playground: PlaygroundHandle }).playground.status.persist.lastSaved?.at ?? 0,
  );

/** The machine saves itself once the terminal has been still for 2 s after a command. */
async function waitSaved(page: Page, after: number): Promise<void> {
  await expect.poll(() => lastSaved(page), { timeout: 90_000, interval: 250 }).toBeGreaterThan(after);
}

/** Types a command and waits for its marker line, so the next one does not type into it. */
async function command(page: Page, cmd: string, timeoutMs = 120_000): Promise<string> {
  const marker = `done-${Math.random().toString(36).slice(2, 8)}`;
  await typeCommand(page, `${cmd}; echo ${marker}`);
  return waitForTerminal(page, new RegExp(`^${marker}$`, 'm'), timeoutMs);
}

describe("the student's machine lives on", () => {
  const baseUrl = inject('baseUrl');
  const profiles = profile();
  const open: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of open) await c.close().catch(() => {});
    profiles.cleanup();
  });

  let dir: string;

  it(
    'resumes after a reload: files, a running and a stopped container, a built image, the prompt',
    { timeout: 240_000 },
    async () => {
      const { ctx, page, dir: d } = await profiles.open();
      open.push(ctx);
      dir = d;
      await page.goto(baseUrl);
      await ready(page);
      await command(
        page,
        `echo kept > /root/note.txt && mkdir -p /root/app && printf 'FROM busybox\\nRUN echo built > /built\\n' > /root/app/Dockerfile`,
      );
      await command(page, 'docker build -q -t mine /root/app', 120_000);
      await command(
        page,
        'docker run -d --name runner busybox sleep 3600 && docker run --name stopped busybox echo bye',
      );
      const t = Date.now();
      await waitSaved(page, t);

      await page.reload();
      await ready(page);
      const notice = page.getByTestId('resumed');
      await expect.poll(() => notice.textContent()).toMatch(/Resumed your machine from \d\d:\d\d/);
      // The prompt is back, and the running container answers docker exec.
      const out = await command(page, 'cat /root/note.txt; docker exec runner echo exec-$((6*7))');
      expect(out).toMatch(/^kept\nexec-42$/m);
      const ps = (await run(page, 'docker ps -a')).stdout.split('\n');
      expect(ps.find((l) => l.endsWith(' runner'))).toMatch(/"sleep 3600" .* Up /);
      expect(ps.find((l) => l.endsWith(' stopped'))).toMatch(/"echo bye" .* Exited \(0\)/);
      expect((await run(page, 'docker images mine')).stdout).toMatch(/^mine\s+latest/m);
    },
  );

  it('"Start fresh" gives the machine shipped with the site', async () => {
    const page = open[0]!.pages()[0]!;
    await page.getByTestId('start-fresh').click();
    await expect.poll(() => page.getByTestId('resumed').count(), { timeout: 60_000 }).toBe(0);
    await ready(page);
    expect((await run(page, 'cat /root/note.txt')).exitCode).not.toBe(0);
    expect((await run(page, 'docker ps -aq')).stdout.trim()).toBe('');
    // Not thrown away without a word: the machine it replaced is kept as a checkpoint.
    const kept = await page.evaluate(() =>
      (window as unknown as { playground: PlaygroundHandle }).playground.api.listSnapshots(),
    );
    expect(kept.some((s) => s.kind === 'checkpoint' && s.label === 'before-fresh')).toBe(true);
  });

  it('resumes in a new browser on the same profile after the old one closed', async () => {
    const page = open[0]!.pages()[0]!;
    const t = Date.now();
    await command(page, 'echo second-life > /root/second.txt');
    await waitSaved(page, t);
    await open[0]!.close();
    open.length = 0;
    const again = await profiles.open(dir);
    open.push(again.ctx);
    await again.page.goto(baseUrl);
    await ready(again.page);
    await again.page.getByTestId('resumed').waitFor();
    expect((await run(again.page, 'cat /root/second.txt')).stdout).toBe('second-life\n');
  });

  it(
    'resets a lesson to its checkpoint: the machine as the exercise found it, and only that',
    { timeout: 180_000 },
    async () => {
      const page = open[0]!.pages()[0]!;
      await run(page, 'echo before > /root/before.txt');
      await page.getByTestId('tab-lessons').click();
      await page.getByTestId('lesson-picker').selectOption('03-namespaces');
      const checkpoint = () =>
        page.evaluate(async () =>
          (await (window as unknown as { playground: PlaygroundHandle }).playground.api.listSnapshots()).some(
            (s) => s.label === '03-namespaces/own-hostname',
          ),
        );
      await expect.poll(checkpoint, { timeout: 30_000 }).toBe(true);
      await command(page, 'echo after > /root/after.txt; docker run -d --name extra busybox sleep 600');
      const t0 = Date.now();
      await page.getByRole('button', { name: 'Start this lesson over' }).click();
      await expect
        .poll(
          () =>
            page.evaluate(
              () => (window as unknown as { playground: PlaygroundHandle }).playground.status.persist.resumed?.kind,
            ),
          { timeout: 30_000 },
        )
        .toBe('checkpoint');
      await ready(page);
      console.log(`lesson reset to its checkpoint in ${Date.now() - t0} ms (shared CPU)`);
      expect((await run(page, 'cat /root/before.txt')).stdout).toBe('before\n');
      expect((await run(page, 'cat /root/after.txt')).exitCode).not.toBe(0);
      expect((await run(page, 'docker ps -a')).stdout).not.toMatch(/extra/);
      // "Reset this exercise": the same checkpoint, from the exercise's card.
      await command(page, 'echo again > /root/again.txt');
      await page.locator('[data-testid=exercise][data-exercise="own-hostname"]').getByTestId('reset-exercise').click();
      await expect.poll(async () => (await run(page, 'cat /root/again.txt')).exitCode, { timeout: 60_000 }).not.toBe(0);
      await ready(page);
      expect((await run(page, 'cat /root/before.txt')).stdout).toBe('before\n');
    },
  );

  it(
    'two tabs on one profile: the second asks to take the machine over, and passes in both are kept',
    { timeout: 180_000 },
    async () => {
      const first = open[0]!.pages()[0]!;
      const exercise = (p: Page, id: string) => p.locator(`[data-testid=exercise][data-exercise="${id}"]`);
      await command(first, 'docker run -d --name ns-demo --hostname demo busybox sleep 600');
      await expect
        .poll(() => exercise(first, 'own-hostname').getAttribute('data-passed'), { timeout: 60_000 })
        .toBe('true');

      const second = await open[0]!.newPage();
      await second.goto(baseUrl);
      await second.getByTestId('other-tab').waitFor({ timeout: 30_000 });
      await second.getByTestId('take-over').click();
      await ready(second);
      await first.getByTestId('other-tab').waitFor({ timeout: 30_000 }); // "moved to another tab"
      // The machine came along: the container the first tab started is here.
      expect((await run(second, 'docker ps')).stdout).toMatch(/ns-demo/);
      await second.getByTestId('tab-lessons').click();
      // Step 2's exercise: opened (its setup ran) on the machine that came over, solved, then checked.
      await second.getByTestId('next-step').click();
      const enter = exercise(second, 'enter-it');
      await expect.poll(() => enter.getByTestId('check-exercise').isEnabled(), { timeout: 60_000 }).toBe(true);
      await command(second, "nsenter -t $(docker inspect -f '{{.State.Pid}}' nsnet) -n ip -o link > /tmp/seen-links");
      await enter.getByTestId('check-exercise').click();
      await expect.poll(() => enter.getAttribute('data-passed'), { timeout: 60_000 }).toBe('true');
      // The first tab, which never saw that pass, writes its progress again.
      await first.getByTestId('next-step').click();
      const third = await open[0]!.newPage();
      await third.goto(baseUrl);
      const passed = await third.evaluate(() =>
        Object.keys(JSON.parse(localStorage.getItem('playground.progress.v1/03-namespaces') ?? '{}').passed ?? {}),
      );
      expect(passed.sort()).toEqual(['enter-it', 'own-hostname']);
      await third.close();
      await first.close();
    },
  );
});

describe('storage that tells the truth', () => {
  const baseUrl = inject('baseUrl');
  const profiles = profile();
  let ctx: BrowserContext;
  afterAll(async () => {
    await ctx?.close().catch(() => {});
    profiles.cleanup();
  });

  it('a save that exceeds the quota shows a banner and keeps the machine in memory, still downloadable', async () => {
    const p = await profiles.open();
    ctx = p.ctx;
    const page = p.page;
    const cdp = await ctx.newCDPSession(page);
    // A filled origin: room for a megabyte, a machine snapshot is several.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(baseUrl).origin, quotaSize: 1_000_000 });
    await page.goto(baseUrl);
    await ready(page);
    const t = Date.now();
    await command(page, 'echo precious > /root/precious.txt');
    await waitSaved(page, t);
    const banner = page.getByTestId('storage-problem');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/storage for this site is full[\s\S]*kept in this tab/);
    const kept = await page.evaluate(() =>
      (window as unknown as { playground: PlaygroundHandle }).playground.api.listSnapshots(),
    );
    expect(kept.map((s) => s.id)).toContain('resume');
    await page.getByTestId('tab-lessons').click();
    await page.getByTestId('saved-work').locator('summary').click();
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByTestId('download-machine').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^playground-machine-.*\.zip$/);
  });
});

describe('a new deploy', () => {
  const baseUrl = inject('baseUrl');
  const profiles = profile();
  afterAll(() => profiles.cleanup());

  it("runs the new VM image after a reload and refuses the old image's snapshot, saying why", async () => {
    const a = await profiles.open();
    await a.page.goto(baseUrl);
    await ready(a.page);
    const t = Date.now();
    await command(a.page, 'echo from-build-a > /root/a.txt');
    await waitSaved(a.page, t);
    await a.ctx.close();

    // Build B runs another kernel image. The page carries its VM manifest in its own code, so the
    // snapshot A left is made to name A's image as B would see it: another sha256 than the site's.
    const b = await profiles.open(a.dir);
    // A document of the site that starts nothing (the machine's databases are the origin's).
    await b.page.goto(new URL('vm/manifest.json', baseUrl).href);
    await b.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('container-playground-machines');
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const tx = req.result.transaction('meta', 'readwrite');
            const store = tx.objectStore('meta');
            const get = store.get('resume');
            get.onsuccess = () => {
              const m = get.result as { stateKey: string; site: { image: string } };
              m.site.image = 'a'.repeat(64);
              m.stateKey = m.stateKey.replace(/bzImage=[0-9a-f]+/, `bzImage=${'a'.repeat(16)}`);
              store.put(m, 'resume');
            };
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await b.page.goto(baseUrl);
    await ready(b.page);
    const refused = b.page.getByTestId('snapshot-refused');
    await refused.waitFor();
    expect(await refused.getAttribute('data-reason')).toBe('image');
    expect(await refused.textContent()).toMatch(/could not be restored:\s+it was made with an earlier version/);
    expect((await run(b.page, 'cat /root/a.txt')).exitCode).not.toBe(0);
    await typeCommand(b.page, 'echo b-runs-$((6*7))');
    await waitForTerminal(b.page, /^b-runs-42$/m);
    expect(await terminalText(b.page)).toMatch(PROMPT);
    await b.ctx.close();
  });
});
