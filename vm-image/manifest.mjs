// The manifest ties the committed VM artifacts to the recipe that made them.
//   node vm-image/manifest.mjs write --deb a.deb ...   (called by build.sh)
//   node vm-image/manifest.mjs check                    (fails on any mismatch)
// The test suite imports checkManifest() so `npm test` runs the same check.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const VM_DIR = join(ROOT, 'public', 'vm');
const MANIFEST_PATH = join(VM_DIR, 'manifest.json');
const ARTIFACTS = ['bzImage', 'seabios.bin'];
const STATE_FILE = 'state.bin.zst';
/** The devices the state was saved with; src/vm/vmHost.ts DEVICE_SET must say the same. */
export const DEVICE_SET = 'ttyS0+virtio-console+9p+ne2k';

export function installedV86Version() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'v86', 'package.json'), 'utf8'));
  return String(pkg.version).split('+')[0];
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function walk(dir) {
  return readdirSync(dir)
    .filter((n) => n !== '.build')
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** Every file that decides what the artifacts contain, in a stable order. */
export function recipeFiles(root = ROOT) {
  return walk(join(root, 'vm-image'))
    .map((p) => relative(root, p).split('\\').join('/'))
    .sort();
}

/** sha256 over each recipe file's path, mode (executable or not) and bytes. */
export function recipeHash(root = ROOT) {
  const h = createHash('sha256');
  for (const f of recipeFiles(root)) {
    const p = join(root, f);
    const exec = (statSync(p).mode & 0o111) !== 0 ? 'x' : '-';
    h.update(`${f}\0${exec}\0${sha256(readFileSync(p))}\n`);
  }
  return h.digest('hex');
}

function debInfo(path) {
  const field = (f) => execFileSync('dpkg-deb', ['-f', path, f]).toString().trim();
  return {
    package: field('Package'),
    version: field('Version'),
    architecture: field('Architecture'),
    file: basename(path),
    sha256: sha256(readFileSync(path)),
  };
}

function fileEntry(name) {
  const buf = readFileSync(join(VM_DIR, name));
  return { name, size: buf.length, sha256: sha256(buf) };
}

/** Records the saved machine state written by scripts/vm-state.ts. */
function writeState() {
  const m = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
  m.state = {
    file: STATE_FILE,
    v86Version: installedV86Version(),
    deviceSet: DEVICE_SET,
    memoryMB: m.memoryMB,
    bootedFrom: m.files.find((f) => f.name === 'bzImage')?.sha256,
  };
  m.files = [...m.files.filter((f) => f.name !== STATE_FILE), fileEntry(STATE_FILE)];
  writeFileSync(MANIFEST_PATH, JSON.stringify(m, null, 2) + '\n');
}

function write(debs) {
  const vm = JSON.parse(readFileSync(join(HERE, 'vm.json'), 'utf8'));
  const manifest = {
    comment: 'Written by vm-image/build.sh. Checked by vm-image/manifest.mjs check and npm test.',
    recipeHash: recipeHash(),
    recipeFiles: recipeFiles(),
    cmdline: vm.cmdline,
    memoryMB: vm.memoryMB,
    kernel: { version: '6.1', arch: 'i386', compression: 'lz4', initramfs: 'built-in' },
    debianPackages: debs.map(debInfo),
    files: ARTIFACTS.map(fileEntry),
  };
  writeFileSync(MANIFEST_PATH, JSON.stringify(manifest, null, 2) + '\n');
}

/** Returns a list of problems; empty when artifacts, manifest and recipe agree. */
export function checkManifest(root = ROOT) {
  const problems = [];
  const vmDir = join(root, 'public', 'vm');
  let m;
  try {
    m = JSON.parse(readFileSync(join(vmDir, 'manifest.json'), 'utf8'));
  } catch (e) {
    return [`cannot read public/vm/manifest.json: ${e.message}`];
  }
  const now = recipeHash(root);
  if (m.recipeHash !== now) {
    const was = new Set(m.recipeFiles ?? []);
    const added = recipeFiles(root).filter((f) => !was.has(f));
    problems.push(
      `the recipe in vm-image/ changed since the artifacts were built (recipe hash ${now.slice(0, 12)}, manifest ${String(m.recipeHash).slice(0, 12)})` +
        (added.length ? `; new files: ${added.join(', ')}` : '') +
        '; run `npm run vm:build` and commit public/vm/',
    );
  }
  const vm = JSON.parse(readFileSync(join(root, 'vm-image', 'vm.json'), 'utf8'));
  if (m.cmdline !== vm.cmdline) problems.push('manifest cmdline differs from vm-image/vm.json');
  if (m.memoryMB !== vm.memoryMB) problems.push('manifest memoryMB differs from vm-image/vm.json');
  for (const f of m.files ?? []) {
    let buf;
    try {
      buf = readFileSync(join(vmDir, f.name));
    } catch {
      problems.push(`public/vm/${f.name} is missing`);
      continue;
    }
    if (buf.length !== f.size) problems.push(`public/vm/${f.name}: size ${buf.length}, manifest says ${f.size}`);
    const sum = sha256(buf);
    if (sum !== f.sha256) problems.push(`public/vm/${f.name}: sha256 ${sum}, manifest says ${f.sha256}`);
  }
  for (const name of ARTIFACTS)
    if (!(m.files ?? []).some((f) => f.name === name)) problems.push(`manifest lists no ${name}`);
  if (!m.state) problems.push('manifest has no saved state; run `npm run vm:state`');
  else {
    const kernel = (m.files ?? []).find((f) => f.name === 'bzImage')?.sha256;
    if (m.state.bootedFrom !== kernel)
      problems.push('the saved state was made from another kernel; run `npm run vm:state`');
    if (m.state.v86Version !== installedV86Version())
      problems.push(
        `the saved state was made with v86 ${m.state.v86Version}, ${installedV86Version()} is installed; run \`npm run vm:state\``,
      );
    if (m.state.deviceSet !== DEVICE_SET)
      problems.push('the saved state has another device set; run `npm run vm:state`');
    if (!(m.files ?? []).some((f) => f.name === m.state.file)) problems.push(`manifest lists no ${m.state.file}`);
  }
  return problems;
}

const [, script, cmd, ...rest] = process.argv;
if (script && fileURLToPath(import.meta.url) === script) {
  if (cmd === 'write') {
    const debs = [];
    for (let i = 0; i < rest.length; i++) if (rest[i] === '--deb') debs.push(rest[++i]);
    write(debs);
  } else if (cmd === 'state') {
    writeState();
  } else if (cmd === 'check') {
    const problems = checkManifest();
    for (const p of problems) console.error(`vm-image: ${p}`);
    if (problems.length) process.exit(1);
    console.log('vm-image: recipe, manifest and artifacts agree');
  } else {
    console.error('usage: node vm-image/manifest.mjs write --deb FILE... | state | check');
    process.exit(2);
  }
}
