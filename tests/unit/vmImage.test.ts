import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkManifest, DEVICE_SET as MANIFEST_DEVICE_SET, installedV86Version } from '../../vm-image/manifest.mjs';
import { DEVICE_SET } from '../../src/vm/vmHost';
import { V86_VERSION } from '../../src/vm/manifest';

const ROOT = join(import.meta.dirname, '..', '..');

/** A copy of the recipe and the artifacts to break on purpose. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vm-image-'));
  cpSync(join(ROOT, 'vm-image'), join(dir, 'vm-image'), {
    recursive: true,
    filter: (src) => !src.includes('.build'),
  });
  cpSync(join(ROOT, 'public', 'vm'), join(dir, 'public', 'vm'), { recursive: true });
  return dir;
}

describe('the committed VM image', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('was built from the recipe in vm-image/, and every file matches its sha256', () => {
    expect(checkManifest()).toEqual([]);
  });

  it('is refused when a recipe file changed but the artifacts were not rebuilt', () => {
    dir = copyProject();
    const cfg = join(dir, 'vm-image', 'kernel.config');
    writeFileSync(cfg, readFileSync(cfg, 'utf8') + 'CONFIG_EXT4_FS=y\n');
    expect(checkManifest(dir).join('\n')).toMatch(/recipe in vm-image\/ changed/);
  });

  it('is refused when an artifact does not match its sha256', () => {
    dir = copyProject();
    const kernel = join(dir, 'public', 'vm', 'bzImage');
    const bytes = readFileSync(kernel);
    bytes[1000] = (bytes[1000]! + 1) & 0xff;
    writeFileSync(kernel, bytes);
    expect(checkManifest(dir).join('\n')).toMatch(/bzImage: sha256 [0-9a-f]{64}, manifest says/);
  });

  it('has a saved state made with the installed v86 and the devices the host creates', () => {
    expect(installedV86Version()).toBe(V86_VERSION);
    expect(MANIFEST_DEVICE_SET).toBe(DEVICE_SET);
  });
});
