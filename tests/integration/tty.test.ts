import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createNodeEngine } from '../../src/node/nodeEngine';
import { bootNodeVm } from '../../src/node/nodeVm';
import type { VmHost } from '../../src/vm/vmHost';

/** docker run -it and exec -it, typed on the guest's serial console as a student would. */
describe('interactive containers on the console', () => {
  let vm: VmHost;
  let store: string;
  let screen = '';
  const type = (s: string) => vm.consoleInput(new TextEncoder().encode(s));
  const waitFor = async (re: RegExp, ms = 15_000) => {
    const t0 = Date.now();
    while (!re.test(screen)) {
      if (Date.now() - t0 > ms) throw new Error(`console never showed ${re}:\n${screen.slice(-600)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  beforeAll(async () => {
    vm = await bootNodeVm({ onConsole: (b) => (screen += new TextDecoder().decode(b)) });
    store = mkdtempSync(join(tmpdir(), 'tty-'));
    await createNodeEngine(vm, store);
  });
  afterAll(async () => {
    await vm?.destroy();
    rmSync(store, { recursive: true, force: true });
  });

  it('run -it gives a shell with a terminal of the right size, Ctrl-C, and the exit status', async () => {
    await waitFor(/playground:~# /);
    type('stty rows 33 cols 101; docker run -it --rm busybox sh\n');
    await waitFor(/\/ # /);
    type('echo in-$((6*7)); stty size; sleep 60\n');
    await waitFor(/in-42\r?\n33 101/);
    type('\x03'); // Ctrl-C reaches the sleep through the container's terminal
    await waitFor(/\^C/);
    screen = '';
    type('exit 7\n');
    await waitFor(/playground:~# /);
    type('echo "status=$?"\n');
    await waitFor(/status=7/);
  });

  it('exec -it enters a running container with a terminal', async () => {
    screen = '';
    type('docker run -d --name ttybox busybox sleep 300 >/dev/null; docker exec -it ttybox sh\n');
    await waitFor(/\/ # /);
    type('ps -o pid,comm | grep -c sleep; hostname\n');
    await waitFor(/\n1\r?\n[0-9a-f]{12}\r?\n/);
    screen = '';
    type('exit 3\n');
    await waitFor(/playground:~# /);
    type('echo "exec=$?"; docker rm -f ttybox\n');
    await waitFor(/exec=3/);
  });

  it('attach reaches a running container’s terminal; ctrl-p ctrl-q detaches and leaves it running', async () => {
    screen = '';
    type('docker run -dit --name attached busybox sh >/dev/null; docker attach attached\n');
    type('\n');
    await waitFor(/\/ # /);
    type('echo attached-$((40+2))\n');
    await waitFor(/attached-42/);
    screen = '';
    type('\x10\x11');
    await waitFor(/read escape sequence/);
    await waitFor(/playground:~# /);
    type('docker inspect -f "{{.State.Running}}" attached; docker rm -f attached >/dev/null\n');
    await waitFor(/\ntrue\r?\n/);
  });
});
