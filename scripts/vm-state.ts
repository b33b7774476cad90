/**
 * Boots the freshly built guest cold under Node, waits for its prompt and
 * agent, and saves the machine to public/vm/state.bin.zst. The site restores
 * it on a first visit (about a second) instead of booting the kernel (several).
 *
 * A state only restores into the same v86 build, memory size and devices, so
 * vm-image/manifest.mjs records them next to the file's sha256, and the check
 * fails when the installed v86 differs. Run by `npm run vm:build`, or alone as
 * `npm run vm:state` after a v86 upgrade.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeAssets, ROOT } from '../src/node/nodeVm';
import { VmHost } from '../src/vm/vmHost';

const raw = join(ROOT, 'public', 'vm', 'state.bin');

const vm = await VmHost.start({ assets: nodeAssets() });
// Let boot-time work settle so the saved machine is idle.
await vm.channel.sh('sync; echo 3 > /proc/sys/vm/drop_caches');
await new Promise((r) => setTimeout(r, 500));
writeFileSync(raw, Buffer.from(await vm.saveState()));
await vm.destroy();

const z = spawnSync('zstd', ['-19', '-q', '-f', '--rm', raw, '-o', `${raw}.zst`], { stdio: 'inherit' });
if (z.error || z.status !== 0) {
  rmSync(raw, { force: true });
  console.error('vm-state: zstd failed or is missing; install it with `apt-get install -y zstd`');
  process.exit(1);
}
const m = spawnSync('node', [join(ROOT, 'vm-image', 'manifest.mjs'), 'state'], { stdio: 'inherit' });
process.exit(m.status ?? 1);
