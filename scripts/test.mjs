// npm test: every check the project has, in order, with one summary line at
// the end. Stages keep running after a failure so one run shows everything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = '.test-results';
mkdirSync(RESULTS, { recursive: true });

function run(cmd, args, opts = {}) {
  console.log(`\n\x1b[1m▶ ${[cmd, ...args].join(' ')}\x1b[0m`);
  return spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status === 0;
}

/** Debian packages the tests use: Chromium for e2e, skopeo and umoci to check exported OCI archives. */
const TOOLS = [
  { bin: CHROMIUM, pkg: 'chromium' },
  { bin: '/usr/bin/skopeo', pkg: 'skopeo' },
  { bin: '/usr/bin/umoci', pkg: 'umoci' },
];

function ensureDebianPackages() {
  const missing = TOOLS.filter((t) => !existsSync(t.bin)).map((t) => t.pkg);
  if (missing.length === 0) return true;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    console.error(
      `Missing for the tests: ${missing.join(', ')}. Install Debian's packages, then run npm test again:\n  sudo apt-get install -y ${missing.join(' ')}`,
    );
    return false;
  }
  console.log(`Installing Debian's ${missing.join(', ')} for the tests…`);
  // A mirror mid-sync can fail `update` for one list; install from what it has.
  run('apt-get', ['update', '-q']);
  return run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

let passed = 0;
let failed = 0;
const summary = [];

function check(name, ok) {
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
}

function vitest(name, config) {
  const out = `${RESULTS}/${name}.json`;
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`];
  if (config) args.push('-c', config);
  const ok = run('npx', args);
  let p = 0;
  let f;
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    p = r.numPassedTests;
    f = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  } catch {
    f = 1;
  }
  if (!ok && f === 0) f = 1; // a failure outside any test (setup, config)
  passed += p;
  failed += f;
  summary.push(`${f === 0 && ok ? 'ok  ' : 'FAIL'} ${name}: ${p} passed, ${f} failed`);
}

check('Debian tools present (chromium, skopeo, umoci)', ensureDebianPackages());
const chromiumOk = existsSync(CHROMIUM);
check('vm image: recipe, manifest and artifacts agree', run('node', ['vm-image/manifest.mjs', 'check']));
check('typecheck (tsc, engine without DOM, svelte-check)', run('npm', ['run', '-s', 'typecheck']));
check('lint (eslint, prettier)', run('npm', ['run', '-s', 'lint']));
vitest('unit');
vitest('integration', 'tests/integration/vitest.config.ts');
const built = run('npx', ['vite', 'build']);
check('site builds', built);
if (built && chromiumOk) vitest('e2e', 'e2e/vitest.config.ts');
else check('e2e (skipped: no build or no chromium)', false);

console.log('\n' + summary.join('\n'));
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
