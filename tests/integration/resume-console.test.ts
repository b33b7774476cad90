import { afterAll, describe, expect, it } from 'vitest';
import { bootNodeVm, nodeAssets } from '../../src/node/nodeVm';
import { VmHost } from '../../src/vm/vmHost';

const decoder = new TextDecoder();
/** The shell's prompt; busybox's line editor may follow it with a cursor-position query (ESC [6n). */
const PROMPT = new RegExp(`playground:~# (${String.fromCharCode(27)}\\[6n)?$`);

/**
 * A machine saved while the student was half-way through typing a line (a
 * save when the page is hidden can come at any keystroke): the restored
 * machine shows a fresh prompt and never runs that half line.
 */
describe('a machine saved in the middle of a typed line', () => {
  let vm: VmHost | null = null;
  afterAll(async () => {
    await vm?.destroy();
  });

  it('comes back with a fresh prompt, and the half-typed command does not run', async () => {
    let console = '';
    const first = await bootNodeVm({ onConsole: (b) => (console += decoder.decode(b)) });
    try {
      await expect.poll(() => console, { timeout: 30_000 }).toMatch(PROMPT);
      // What the student had typed, no Enter yet: a command that leaves a trace if it ever runs.
      first.consoleInput(new TextEncoder().encode('touch /tmp/half-typed-ran'));
      await expect.poll(() => console, { timeout: 10_000 }).toContain('touch /tmp/half-typed-ran');
      const state = await first.saveState();
      await first.destroy();

      let after = '';
      vm = await VmHost.start({
        assets: { ...nodeAssets(), bzimage: null },
        state,
        onConsole: (b) => (after += decoder.decode(b)),
      });
      await expect.poll(() => after, { timeout: 30_000 }).toMatch(PROMPT);
      const r = await vm.channel.sh('ls /tmp/half-typed-ran 2>&1; true');
      expect(decoder.decode(r.stdout)).toContain('No such file');
      // The console still takes commands.
      vm.consoleInput(new TextEncoder().encode('echo resumed-$((6*7))\n'));
      await expect.poll(() => after, { timeout: 10_000 }).toMatch(/^resumed-42\r?$/m);
    } finally {
      await first.destroy().catch(() => {});
    }
  }, 120_000);
});
