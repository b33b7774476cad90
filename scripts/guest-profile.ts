/**
 * Where the guest's CPU time goes while a shell command runs in it, by kernel
 * function: `npm run guest-profile -- 'docker run --rm busybox true' [runs]`.
 *
 * v86 calls back into JavaScript for its timers every so many emulated
 * instructions; at each call this samples the guest's instruction pointer and
 * names it from the kernel's System.map (left by `npm run vm:build` in
 * vm-image/.build). With STACKS=fn1,fn2 it also prints, for samples in those
 * functions, the kernel text addresses found on the stack above them (a guess
 * at the callers, as the kernel's own guessing unwinder makes: this kernel has
 * no frame pointers). User-space samples are counted as one line, "user".
 *
 * This is how the allocator (SLOB), the unseeded random generator and the TCP
 * metrics table were found as causes of slow container starts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeEngine } from '../src/node/nodeEngine';
import { bootNodeVm, ROOT } from '../src/node/nodeVm';

const MAP = join(ROOT, 'vm-image', '.build', 'linux-source-6.1', 'System.map');
const PAGE_OFFSET = 0xc0000000;

if (!existsSync(MAP)) {
  console.error(`no ${MAP}: run \`npm run vm:build\` first (the profile names kernel functions from its symbols)`);
  process.exit(2);
}
const command = process.argv[2] ?? 'docker run --rm busybox true';
const runs = Number(process.argv[3] ?? 30);
const wanted = new Set((process.env.STACKS ?? '').split(',').filter(Boolean));

const symbols = readFileSync(MAP, 'utf8')
  .split('\n')
  .map((line) => line.split(' '))
  .filter((f) => f.length === 3 && /^[tTwW]$/.test(f[1]!))
  .map((f) => [parseInt(f[0]!, 16), f[2]!] as const)
  .sort((a, b) => a[0] - b[0]);
const textStart = symbols.find(([, n]) => n === '_stext')![0];
const textEnd = symbols.find(([, n]) => n === '_etext')![0];

function nameOf(address: number): string {
  if (address < PAGE_OFFSET) return 'user';
  let lo = 0;
  let hi = symbols.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (symbols[mid]![0] <= address) lo = mid;
    else hi = mid - 1;
  }
  return symbols[lo]![1];
}

interface Cpu {
  run_hardware_timers(a: unknown, b: unknown): unknown;
  instruction_pointer: Int32Array;
  in_hlt: Uint8Array;
  reg32: Int32Array;
  mem8: Uint8Array;
}

const vm = await bootNodeVm({});
const store = mkdtempSync(join(tmpdir(), 'guest-profile-'));
await createNodeEngine(vm, store);
const cpu = (vm.emulator as unknown as { v86: { cpu: Cpu } }).v86.cpu;
const byName = new Map<string, number>();
const stacks = new Map<string, number>();
let sampling = false;
let busy = 0;
let idle = 0;

/** Kernel text addresses on the stack above ESP (lowmem is mapped at PAGE_OFFSET). */
function callers(): string[] {
  const esp = cpu.reg32[4]! >>> 0;
  const out: string[] = [];
  for (let off = 0; off < 600 && out.length < 8; off += 4) {
    const p = esp + off - PAGE_OFFSET;
    if (p < 0 || p + 4 > cpu.mem8.length) break;
    const word = (cpu.mem8[p]! | (cpu.mem8[p + 1]! << 8) | (cpu.mem8[p + 2]! << 16) | (cpu.mem8[p + 3]! << 24)) >>> 0;
    if (word >= textStart && word < textEnd) {
      const n = nameOf(word);
      if (out.at(-1) !== n) out.push(n);
    }
  }
  return out;
}

const timers = cpu.run_hardware_timers.bind(cpu);
cpu.run_hardware_timers = (a, b) => {
  if (sampling) {
    if (cpu.in_hlt[0]) idle++;
    else {
      busy++;
      const name = nameOf(cpu.instruction_pointer[0]! >>> 0);
      byName.set(name, (byName.get(name) ?? 0) + 1);
      if (wanted.has(name)) {
        const key = [name, ...callers()].join(' <- ');
        stacks.set(key, (stacks.get(key) ?? 0) + 1);
      }
    }
  }
  return timers(a, b);
};

const run = async () => {
  const r = await vm.channel.sh(command, { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${command}: exit ${r.exitCode}: ${new TextDecoder().decode(r.stderr)}`);
};
// v86 translates hot code as it goes: profile the warm machine, not its translator.
for (let i = 0; i < runs * 2; i++) await run();
sampling = true;
const t0 = performance.now();
for (let i = 0; i < runs; i++) await run();
const ms = (performance.now() - t0) / runs;
sampling = false;

console.log(`${command}: ${ms.toFixed(1)} ms a run, ${busy} samples busy, ${idle} idle (over ${runs} runs)`);
for (const [name, n] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 40))
  console.log(`${String(n).padStart(6)} ${((100 * n) / busy).toFixed(1).padStart(5)} %  ${name}`);
if (stacks.size) console.log('\nstacks (guessed callers):');
for (const [key, n] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`${String(n).padStart(6)}  ${key}`);
await vm.destroy();
rmSync(store, { recursive: true, force: true });
