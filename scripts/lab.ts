/**
 * Headless entry point: the same guest the page boots, in Node, with the
 * engine attached (images kept in .lab/engine between runs).
 *
 *   npm run lab -- sh '<script>'     run a script on the control channel; its
 *                                    output is printed and its status returned
 *   npm run lab -- docker <args>     the guest's docker CLI, as if typed in it
 *   npm run lab -- docker-run-plan <docker run args>
 *                                    runs the container, then prints its start's plan with each
 *                                    step's time in the guest (JSON, as docker inspect prints)
 *   npm run lab -- console           the guest's serial console on this terminal
 *   npm run lab -- parse [--strict] <Dockerfile>
 *                                    the syntax tree Docker's parser makes, as JSON; what a
 *                                    build would refuse as `file:line:col: warning: …`;
 *                                    status 1 on a syntax error (with --strict, on those too)
 *   npm run lab -- lesson check <dir> --machine <file>   runs the lesson's checks on a
 *                                    student's machine file (Download my machine): which
 *                                    exercises its state passes now; status 0 only if all do
 *   npm run lab -- lesson check <dir> validates a lesson folder, then proves it on the
 *                                    machine: clicking every command block passes no exercise
 *                                    but the walkthrough, each wrong attempt fails its check
 *                                    with a reason, each solution passes (also in reverse
 *                                    order); status 0 only if all do
 *
 * `docker build` takes a directory of this machine as its context: it is
 * copied into the guest first (under /host/…), as the docker CLI would send it.
 *
 * Options: --cold (boot the kernel instead of restoring), --boot-log (show
 * kernel output).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import i18next from 'i18next';
import { parseReport } from '../src/engine/build/dockerfile';
import type { Engine } from '../src/engine/engine';
import en from '../src/i18n/en.json';
import type { Failure } from '../src/lessons/checks';
import { loadLesson, LessonError, type Lesson } from '../src/lessons/lessonBundle';
import { checkExercise, lessonProblems, runLesson } from '../src/lessons/lessonRun';
import { markedPassed, openMachineFile } from '../src/node/machineFile';
import { sayFailure } from '../src/lessons/difference';
import { execScript } from '../src/engine/guest';
import { sh } from '../src/engine/shell';
import { createNodeEngine } from '../src/node/nodeEngine';
import { bootNodeVm, ROOT } from '../src/node/nodeVm';

const USAGE = `usage: npm run lab -- [--cold] [--boot-log] sh '<script>'
       npm run lab -- [--cold] docker <args>
       npm run lab -- [--cold] docker-run-plan <docker run args>
       npm run lab -- [--cold] console
       npm run lab -- parse [--strict] <Dockerfile>
       npm run lab -- [--cold] lesson check <lesson dir>
       npm run lab -- lesson check <lesson dir> --machine <machine file>`;

/** A lesson folder from disk, validated (a LessonError lists every problem). */
function readLesson(dir: string): Lesson {
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);
  const json = read('lesson.json');
  if (json === undefined) throw new LessonError(dir, ['lesson.json is missing']);
  return loadLesson({ json, en: read('en.md'), zh: read('zh.md') }, dir);
}

/**
 * Proves a lesson on the machine (see lessonRun.ts): a click-through passes
 * nothing but the walkthrough, every wrong attempt fails with a reason, every
 * solution passes, also with the exercises in reverse order. Prints each result.
 */
async function proveLesson(engine: Engine, lesson: Lesson): Promise<number> {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: en } }, lng: 'en', interpolation: { escapeValue: false } });
  const say = (f: Failure) => sayFailure(f, 'en', (key, params) => i18n.t(key, params));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const mark = (good: boolean) => (good ? '✓' : '✗');
  out(`${lesson.definition.id}: ${lesson.definition.title.en}`);
  const report = await runLesson(engine, lesson, say, (e) => {
    if (e.kind === 'clickThrough') {
      const { passed, walkthroughPassed } = e.report;
      out(
        `  ${mark(!passed.length)} click-through (every command block in order) passes ${passed.length ? passed.map((p) => `${p.id} (at step ${p.step})`).join(', ') : 'no exercise'}`,
      );
      if (walkthroughPassed.length) out(`    and the walkthrough ${walkthroughPassed.join(', ')}, as it may`);
      return;
    }
    const r = e.report;
    const ex = lesson.definition.exercises.find((x) => x.id === r.id)!;
    if (e.reverse) {
      out(`  ${mark(r.solved)} ${r.id} (reverse order) ${r.solved ? 'solved' : `not solved: ${r.said.join(' ')}`}`);
      return;
    }
    out(`  ${r.id} [${ex.difficulty}${ex.walkthrough ? ', walkthrough' : ''}]`);
    for (const a of r.attempts) {
      const said = a.failed ? `refused: ${a.said.join(' / ') || '(no reason given!)'}` : 'PASSES, but it should fail';
      out(`    ${mark(a.failed && !!a.said.join('').trim())} wrong attempt \`${a.commands.join(' && ')}\` ${said}`);
    }
    out(`    ${mark(r.solved)} solution ${r.solved ? 'passes' : `does not pass: ${r.said.join(' ')}`}`);
  });
  const problems = lessonProblems(report);
  out(problems.length ? `${problems.length} problem(s):\n  ${problems.join('\n  ')}` : 'all rules hold');
  return problems.length ? 1 : 0;
}

/** `lab parse [--strict]`: no machine needed, only the parser (see parseReport). */
function parse(args: string[]): number {
  const strict = args.includes('--strict');
  const file = args.find((a) => a !== '--strict');
  if (!file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const r = parseReport(text, file, { strict });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.status;
}

/**
 * The host directory a `docker build` names, packed for the guest: returns
 * the arguments with that directory replaced by its copy's guest path.
 */
async function hostContext(args: string[]): Promise<{ args: string[]; upload?: { dir: string; tar: Uint8Array } }> {
  if (args[0] !== 'build') return { args };
  const takesValue = new Set(['-t', '--tag', '-f', '--file', '--build-arg', '--target']);
  let at = -1;
  for (let i = 1; i < args.length; i++) {
    if (takesValue.has(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) at = i;
  }
  const dir = at >= 0 ? resolve(args[at]!) : null;
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) return { args };
  const guestDir = `/host${dir}`;
  const tar = execFileSync('tar', ['-c', '-C', dir, '.'], { maxBuffer: 256 * 1024 * 1024 });
  const out = args.map((a, i) => {
    if (i === at) return guestDir;
    // -f names a file of this machine too: the same file in the copy.
    const prev = args[i - 1];
    if ((prev === '-f' || prev === '--file') && resolve(a).startsWith(`${dir}/`)) {
      return `${guestDir}/${relative(dir, resolve(a))}`;
    }
    return a;
  });
  return { args: out, upload: { dir: guestDir, tar: new Uint8Array(tar) } };
}

/** `lesson check <dir> --machine <file>`: the lesson's checks on the state of a student's machine, as it is. */
async function checkMachine(lesson: Lesson, path: string): Promise<number> {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: en } }, lng: 'en', interpolation: { escapeValue: false } });
  let opened;
  try {
    opened = await openMachineFile(path, join(ROOT, '.lab', 'engine'));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  const { vm, engine, file } = opened;
  const marked = markedPassed(file, lesson.definition.id);
  process.stdout.write(
    `${lesson.definition.id} on ${path} (saved ${file.manifest.createdAt}, ${file.manifest.containers} containers):\n`,
  );
  let failed = 0;
  for (const ex of lesson.definition.exercises) {
    // Every event the saved machine remembers counts: the student did the work before the file was made.
    const r = await checkExercise(engine, lesson, ex.id, 0);
    if (!r.ok) failed++;
    const note = marked.includes(ex.id) ? " (marked passed in the student's browser)" : '';
    const said = r.ok
      ? ''
      : `: ${r.failures.map((f) => sayFailure(f, 'en', (key, params) => i18n.t(key, params))).join(' ')}`;
    process.stdout.write(`  ${r.ok ? '✓' : '✗'} ${ex.id}${note}${said}\n`);
  }
  process.stdout.write(failed ? `${failed} exercise(s) not passed\n` : 'all exercises pass\n');
  await vm.destroy();
  return failed ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  // Options before the command are lab's; everything after belongs to the command.
  const at = argv.findIndex((a) => !a.startsWith('--'));
  const flags = new Set(at < 0 ? argv : argv.slice(0, at));
  const [cmd, ...rest] = at < 0 ? [] : argv.slice(at);
  if (cmd === 'parse') return parse(rest);
  let lesson: Lesson | null = null;
  if (cmd === 'lesson') {
    if (rest[0] !== 'check' || !rest[1]) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    try {
      lesson = readLesson(rest[1]);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
    const machine = rest.indexOf('--machine');
    if (machine >= 0) {
      if (!rest[machine + 1]) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      return checkMachine(lesson, rest[machine + 1]!);
    }
  } else if (cmd !== 'sh' && cmd !== 'console' && cmd !== 'docker' && cmd !== 'docker-run-plan') {
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
  const engine = await createNodeEngine(vm, join(ROOT, '.lab', 'engine'));
  if (lesson) {
    const code = await proveLesson(engine, lesson);
    await vm.destroy();
    return code;
  }
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
  let dockerArgs = rest;
  if (cmd === 'docker') {
    const ctx = await hostContext(rest);
    dockerArgs = ctx.args;
    if (ctx.upload) {
      const dir = ctx.upload.dir;
      const r = await execScript(vm, sh`rm -rf ${dir} && mkdir -p ${dir} && tar -x -C ${dir}`, {
        stdin: ctx.upload.tar,
      });
      if (r.exitCode !== 0) throw new Error(`could not copy the build context: ${new TextDecoder().decode(r.stderr)}`);
    }
  }
  if (cmd === 'docker-run-plan') {
    // The container's own output goes to stderr: stdout is the record, JSON as `docker inspect` prints.
    const r = await execScript(vm, sh`docker run ${rest}`, { onStdout: (c) => process.stderr.write(c) });
    process.stderr.write(new TextDecoder().decode(r.stderr));
    const record = engine.starts.last;
    process.stdout.write(JSON.stringify(record ? [record] : [], null, 4) + '\n');
    await vm.destroy();
    return record ? r.exitCode : 1;
  }
  // `sh` takes the user's script as it is; `docker` quotes each argument.
  const script = cmd === 'docker' ? sh`docker ${dockerArgs}`.text : rest.join(' ');
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
