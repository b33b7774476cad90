/**
 * Headless entry point: the same guest the page boots, in Node.
 *
 *   npm run lab -- sh '<script>'     run a script on the control channel; its
 *                                    output is printed and its status returned
 *   npm run lab -- console           the guest's serial console on this terminal
 *
 * Options: --cold (ignore the cached state), --boot-log (show kernel output).
 */
import { bootNodeVm } from '../src/node/nodeVm';

const USAGE = `usage: npm run lab -- [--cold] [--boot-log] sh '<script>'
       npm run lab -- [--cold] console`;

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const args = argv.filter((a) => !a.startsWith('--'));
  const [cmd, ...rest] = args;
  if (cmd !== 'sh' && cmd !== 'console') {
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
  if (rest.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const r = await vm.channel.sh(rest.join(' '), {
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
