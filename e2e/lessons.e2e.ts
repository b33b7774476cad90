import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { typeCommand, waitForTerminal } from './browser';
import { usePage } from './page';

const PROMPT = /playground:~# $/m;

describe('the lesson player', () => {
  const view = usePage({ width: 1400, height: 900 });
  let page: Page;
  const baseUrl = inject('baseUrl');
  beforeAll(() => {
    page = view.page;
  });

  const exercise = (id: string) => page.locator(`[data-testid=exercise][data-exercise="${id}"]`);
  /** Switches the page to a language, whatever it shows now. */
  const useLang = async (lang: 'en' | 'zh') => {
    // The boot stage's word says which language the page shows (Ready or 就绪 once booted).
    await expect
      .poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 })
      .toMatch(/^(Ready|就绪)$/);
    const zh = (await page.getByTestId('boot-stage').textContent()) === '就绪';
    if (zh !== (lang === 'zh')) await page.getByTestId('lang-switch').click();
  };

  it('lesson 3 in Chinese: a clicked command runs in the terminal and the walkthrough exercise turns passed', async () => {
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await waitForTerminal(page, PROMPT);
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('lesson-picker').selectOption('03-namespaces');
    expect(await page.locator('[data-testid=lesson] h2').textContent()).toBe('命名空间：容器能看到什么');
    expect(await exercise('own-hostname').getByTestId('difficulty').textContent()).toBe('简单');
    // Checked before anything was done: it says what differs from the goal, in Chinese.
    await expect
      .poll(() => exercise('own-hostname').getByTestId('check-exercise').isEnabled(), { timeout: 30_000 })
      .toBe(true);
    await exercise('own-hostname').getByTestId('check-exercise').click();
    await expect
      .poll(() => exercise('own-hostname').getByTestId('check-failures').textContent(), { timeout: 30_000 })
      .toMatch(/容器 ns-demo\s*应为\s*running\s*实际\s*没有/);
    await page.getByTestId('command-block').first().getByTestId('run-command').click();
    await waitForTerminal(page, /docker run -d --name ns-demo --hostname demo busybox sleep 600\n[0-9a-f]{64}/, 60_000);
    await expect.poll(() => exercise('own-hostname').getAttribute('data-passed'), { timeout: 30_000 }).toBe('true');
    expect(await exercise('own-hostname').textContent()).toContain('通过');
    // The NamespaceTree, read from the guest: a pid namespace that is not the host's, holding the container's sleep.
    const tree = page.getByTestId('namespace-tree');
    const own = tree.locator('[data-host="false"]');
    await expect.poll(() => own.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await own.first().textContent()).toMatch(/容器 ns-demo[\s\S]*sleep\s*\d+ → 1/);
  });

  it('keeps progress and the step across a reload and a language switch', async () => {
    await page.getByTestId('next-step').click();
    expect(await page.getByTestId('step-title').textContent()).toContain('第 2 步');
    await page.reload();
    await expect.poll(() => page.getByTestId('step-title').textContent(), { timeout: 30_000 }).toContain('第 2 步');
    await page.getByTestId('lang-switch').click();
    expect(await page.getByTestId('step-title').textContent()).toMatch(/^Step 2 of 3/);
    expect(await page.getByTestId('lesson-picker').locator('option:checked').textContent()).toContain('(1/3)');
  });

  it(
    'lesson 4 in Chinese: a wrong try shows want/found, the fix passes on Check; a prediction; challenge mode',
    { timeout: 240_000 },
    async () => {
      await useLang('zh');
      await page.getByTestId('lesson-picker').selectOption('04-cgroups');
      const quota = exercise('memory-limit');
      // Opened: its setup ran, then Check can be pressed.
      await expect.poll(() => quota.getByTestId('check-exercise').isEnabled(), { timeout: 30_000 }).toBe(true);
      // A plausible wrong try: 50m is not 48 MB.
      await typeCommand(page, 'docker run -d --name quota --memory 50m --cpus 0.25 busybox sleep 900');
      await waitForTerminal(page, /--cpus 0\.25 busybox sleep 900\n[0-9a-f]{64}/, 60_000);
      await quota.getByTestId('check-exercise').click();
      const failures = quota.getByTestId('check-failures');
      await expect.poll(() => failures.textContent(), { timeout: 30_000 }).toContain('与目标不同的地方');
      const diff = failures.getByTestId('difference').filter({ hasText: 'memory.max' });
      expect(await diff.textContent()).toContain('quota 的 memory.max');
      expect(await diff.getByTestId('want').textContent()).toBe('50331648');
      expect(await diff.getByTestId('found').textContent()).toBe('52428800');
      expect(await quota.getAttribute('data-passed')).toBe('false');
      // Fixed: nothing passes by itself; the student presses Check.
      await typeCommand(
        page,
        'docker rm -f quota; docker run -d --name quota --memory 48m --cpus 0.25 busybox sleep 900',
      );
      await waitForTerminal(page, /\nquota\n[0-9a-f]{64}\n/, 60_000);
      await page.waitForTimeout(1500);
      expect(await quota.getAttribute('data-passed')).toBe('false');
      await quota.getByTestId('check-exercise').click();
      await expect.poll(() => quota.getAttribute('data-passed'), { timeout: 30_000 }).toBe('true');
      // The meters show the limit just set, read from the cgroup (48 MiB = 50.3 MB).
      await expect
        .poll(() => page.getByTestId('cgroup-meters').locator('[data-container="quota"]').textContent(), {
          timeout: 30_000,
        })
        .toMatch(/\/ 50\.3MB/);

      // The next step asks a prediction before its command may run.
      await page.getByTestId('next-step').click();
      const hog = page.getByTestId('command-block').filter({ hasText: 'docker run --name hog --memory 16m' });
      expect(await hog.getAttribute('data-locked')).toBe('true');
      expect(await hog.getByTestId('run-command').isDisabled()).toBe(true);
      const prediction = page.locator('[data-testid=prediction][data-prediction="what-oom-does"]');
      await prediction.getByTestId('prediction-choice').nth(1).check();
      await prediction.getByTestId('prediction-answer').click();
      expect(await prediction.getByTestId('prediction-verdict').textContent()).toContain('答对了');
      expect(await page.getByTestId('lesson-progress').textContent()).toContain('已回答 1/1 个预测');
      await hog.getByTestId('run-command').click();
      const events = page.getByTestId('engine-events');
      await events.locator('summary').click();
      await expect.poll(() => events.textContent(), { timeout: 60_000 }).toMatch(/container\s*oom\s*hog/);

      // Challenge mode hides every command block of the lesson; the exercises stay.
      expect(await page.getByTestId('command-block').count()).toBeGreaterThan(0);
      await page.getByTestId('challenge-mode').check();
      expect(await page.getByTestId('command-block').count()).toBe(0);
      expect(await exercise('out-of-memory').count()).toBe(1);
      await page.getByTestId('challenge-mode').uncheck();
      expect(await page.getByTestId('command-block').count()).toBeGreaterThan(0);
      await useLang('en');
    },
  );

  it('lesson 5: the LayerStack shows the copied-up file in the container layer', async () => {
    await page.getByTestId('lesson-picker').selectOption('05-union-filesystems');
    const run = (text: string) =>
      page.getByTestId('command-block').filter({ hasText: text }).first().getByTestId('run-command').click();
    await run('docker run -d --name cow busybox sleep 600');
    await waitForTerminal(page, /docker run -d --name cow busybox sleep 600\n[0-9a-f]{64}/, 60_000);
    await run("docker exec cow sh -c 'echo students:x:2000: >> /etc/group'");
    // The picture starts on the exercise's container (its goal drawn as a ghost); the student picks the step's.
    await page.getByTestId('layer-stack').locator('select').selectOption('cow');
    const upper = page.getByTestId('layer-stack').getByTestId('container-layer');
    await expect.poll(() => upper.textContent(), { timeout: 20_000 }).toMatch(/C\s*\/etc\/group/);
    // The step's own example is not the exercise: its check still says what differs.
    await exercise('copy-on-write').getByTestId('check-exercise').click();
    await expect
      .poll(() => exercise('copy-on-write').getByTestId('check-failures').textContent(), { timeout: 30_000 })
      .toMatch(/\/etc\/passwd/);
    expect(await exercise('copy-on-write').getAttribute('data-passed')).toBe('false');
  });

  it('lesson 1: the VM-versus-container figures are measured in the page, a fresh VM booted on request', async () => {
    await page.getByTestId('lesson-picker').selectOption('01-container-vs-vm');
    const figure = page.getByTestId('vm-vs-container');
    await expect.poll(() => figure.getByTestId('container-run').textContent(), { timeout: 60_000 }).toMatch(/^\d+ ms$/);
    expect(await figure.getByTestId('container-memory').textContent()).toMatch(/^\d+(\.\d+)?kB$/);
    await figure.getByTestId('vm-boot').getByRole('button').click();
    await expect
      .poll(() => figure.getByTestId('vm-boot').textContent(), { timeout: 120_000 })
      .toMatch(/^\s*\d+(\.\d)? (ms|s)/);
  });
  it('lesson 11: log in, push to the page registry; the picture shows the layer uploaded and the base mounted', async () => {
    await useLang('en');
    await page.getByTestId('lesson-picker').selectOption('11-registry');
    const run = (text: string) =>
      page.getByTestId('command-block').filter({ hasText: text }).first().getByTestId('run-command').click();
    await page.getByTestId('next-step').click();
    await run('docker login -u student');
    await waitForTerminal(page, /Password: $/m, 30_000);
    await typeCommand(page, 'container');
    await waitForTerminal(page, /Login Succeeded/, 30_000);
    await run("mkdir -p /lab11 && cd /lab11 && printf 'FROM busybox");
    await run('docker build -t student/hello:v1 /lab11');
    await waitForTerminal(page, /Successfully tagged student\/hello:v1/, 60_000);
    const prediction = page.locator('[data-testid=prediction][data-prediction="layers-crossing"]');
    await prediction.getByTestId('prediction-input').fill('1');
    await prediction.getByTestId('prediction-answer').click();
    expect(await prediction.getByTestId('prediction-verdict').textContent()).toMatch(/^Right\./);
    await run('docker push student/hello:v1');
    await waitForTerminal(page, /v1: digest: sha256:[0-9a-f]{64} size: \d+/, 60_000);
    const picture = page.getByTestId('registry-transfer');
    await expect
      .poll(() => picture.getByTestId('transfer-summary').textContent(), { timeout: 20_000 })
      .toMatch(/push student\/hello:v1[\s\S]*docker\.io\/student\/hello[\s\S]*1 of 2 layers crossed/);
    expect(await picture.locator('[data-fate=moved]').count()).toBe(1);
    expect(await picture.locator('[data-fate=mounted]').textContent()).toContain('mounted from library/busybox');
    // The step pushed its own example; the exercise asks for another image, so it has not passed.
    expect(await exercise('push-it').getAttribute('data-passed')).toBe('false');
  });
  it('loads an instructor’s lesson from a zip (kept across a reload); a broken one lists its problems', async () => {
    const dir = join(import.meta.dirname, '..', 'lessons', '07-lifecycle');
    const json = JSON.parse(readFileSync(join(dir, 'lesson.json'), 'utf8')) as { id: string; title: { en: string } };
    json.id = 'x-instructor';
    json.title.en = 'An instructor lesson';
    const zip = (withZh: boolean) =>
      Buffer.from(
        zipSync({
          'x-instructor/lesson.json': strToU8(JSON.stringify(json)),
          'x-instructor/en.md': strToU8(readFileSync(join(dir, 'en.md'), 'utf8')),
          ...(withZh ? { 'x-instructor/zh.md': strToU8(readFileSync(join(dir, 'zh.md'), 'utf8')) } : {}),
        }),
      );
    await page.getByTestId('tab-lessons').click();
    await page.getByTestId('load-lesson').locator('summary').click();
    await page
      .getByTestId('lesson-zip')
      .setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: zip(false) });
    await expect.poll(() => page.getByTestId('lesson-load-problems').textContent()).toMatch(/zh/);
    await page
      .getByTestId('lesson-zip')
      .setInputFiles({ name: 'x.zip', mimeType: 'application/zip', buffer: zip(true) });
    // A loaded lesson shows its commands and asks before it runs any (e2e/hardening.e2e.ts).
    await page.getByTestId('consent-allow').click();
    await expect.poll(() => page.getByTestId('lesson').getAttribute('data-lesson')).toBe('x-instructor');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('lesson-picker').locator('option:checked').textContent(), { timeout: 30_000 })
      .toContain('An instructor lesson');
  });
  it('saves progress to a file; after the storage is cleared, loading the file brings it back', async () => {
    const lesson3 = () => page.getByTestId('lesson-picker').locator('option[value="03-namespaces"]').textContent();
    expect(await lesson3()).toContain('(1/3)');
    await page.getByTestId('saved-work').locator('summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-work').click()]);
    const saved = readFileSync((await download.path())!, 'utf8');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await expect.poll(lesson3, { timeout: 30_000 }).toContain('(0/3)');
    await page.getByTestId('saved-work').locator('summary').click();
    await page.getByTestId('import-work').setInputFiles({
      name: 'work.json',
      mimeType: 'application/json',
      buffer: Buffer.from(saved),
    });
    await expect.poll(lesson3, { timeout: 30_000 }).toContain('(1/3)');
  });
  it('"Reset everything" forgets progress, loaded lessons and the registry’s contents', async () => {
    const registryBlobs = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const req = indexedDB.open('container-playground-registry');
            req.onsuccess = () => {
              const db = req.result;
              if (!db.objectStoreNames.contains('blobs')) return resolve(0);
              const count = db.transaction('blobs').objectStore('blobs').count();
              count.onsuccess = () => resolve(count.result);
              count.onerror = () => reject(count.error);
            };
            req.onerror = () => reject(req.error);
          }),
      );
    // Lesson 11's push above put blobs in the page's registry.
    expect(await registryBlobs()).toBeGreaterThan(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('saved-work').locator('summary').click();
    await page.getByTestId('reset-everything').click();
    await expect.poll(() => page.getByTestId('boot-stage').textContent(), { timeout: 60_000 }).toBe('Ready');
    await expect
      .poll(() => page.getByTestId('lesson-picker').locator('option[value="03-namespaces"]').textContent())
      .toContain('(0/3)');
    expect(await page.getByTestId('lesson-picker').locator('option[value="x-instructor"]').count()).toBe(0);
    expect(await registryBlobs()).toBe(0);
  });
});
