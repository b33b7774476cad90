/**
 * Headless entry point: the same guest the page boots, in Node, with the
 * engine attached (images kept in .lab/engine between runs).
 *
 *   npm run lab -- sh '<script>'     run a script on the control channel; its
 *                                    output is printed and its status returned
 *   npm run lab -- docker <args>     the guest's docker CLI, as if typed in it
 *   npm run lab -- console           the guest's serial console on this terminal
 *
 * Options: --cold (boot the kernel instead of restoring), --boot-log (show
 * kernel output).
 */
import { join } from 'node:path';
import { shellQuote } from '../src/engine/runtime/containerPlan';
import { createNodeEngine } from '../src/node/nodeEngine';
import { bootNodeVm, ROOT } from '../src/node/nodeVm';

const USAGE = `usage: npm run lab -- [--cold] [--boot-log] sh '<script>'
       npm run lab -- [--cold] docker <args>
       npm run lab -- [--cold] console`;

async function main(argv: string[]): Promise<number> {
  // Options before the command are lab's; everything after belongs to the command.
  const at = argv.findIndex((a) => !a.startsWith('--'));
  const flags = new Set(at < 0 ? argv : argv.slice(0, at));
  const [cmd, ...rest] = at < 0 ? [] : argv.slice(at);
  if (cmd !== 'sh' && cmd !== 'console' && cmd !== 'docker') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const vm = await bootNodeVm({
    cold: flags.has('--cold'),
    onConsole: (b) => {
      if (cmd === 'console' || flags.has('--boot-log')) process.stdout.write(b);
    },
    onProblem: (p) => {
      process.stderr.write(`\nlab: ${p.message}\n`);
      process.exit(70);
    },
  });
  await createNodeEngine(vm, join(ROOT, '.lab', 'engine'));
  if (cmd === 'console') {
    process.stdin.setRawMode?.(true);
    process.stdin.on('data', (d: Buffer) => {
      if (d.includes(0x1d)) process.exit(0); // Ctrl-]
      vm.consoleInput(d);
    });
    vm.consoleInput(new TextEncoder().encode('\n'));
    process.stderr.write('lab: console attached (Ctrl-] to quit)\n');
    return new Promise<number>(() => {});
  }
  if (rest.length === 0 && cmd === 'sh') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const script = cmd === 'docker' ? ['docker', ...rest].map(shellQuote).join(' ') : rest.join(' ');
  const r = await vm.channel.sh(script, {
    onStdout: (c) => process.stdout.write(c),
    onStderr: (c) => process.stderr.write(c),
  });
  await vm.destroy();
  return r.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`lab: ${e.message}\n`);
    process.exit(70);
  },
);
