/**
 * A student's machine file (see src/worker/machineFile.ts), opened in Node:
 * the guest restored from its state, an engine with its daemon state, its
 * containers' runs adopted, as the page does it. For instructors and CI:
 * `npm run lab -- lesson check <dir> --machine <file>`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Engine } from '../engine/engine';
import { VmHost, type VmHostOptions } from '../vm/vmHost';
import { MachineFileError, unpackMachine, type MachineFile } from '../worker/machineFile';
import { identityOf, reattach, refusal } from '../worker/machineSnapshot';
import { createNodeEngine } from './nodeEngine';
import { nodeAssets } from './nodeVm';

export interface OpenedMachine {
  vm: VmHost;
  engine: Engine;
  file: MachineFile;
}

/** Opens a machine file, refusing one made for another VM image or v86 with the reason. */
export async function openMachineFile(
  path: string,
  storeDir: string,
  opts: Omit<VmHostOptions, 'assets' | 'state' | 'channels'> = {},
): Promise<OpenedMachine> {
  const file = unpackMachine(new Uint8Array(readFileSync(path)));
  const assets = nodeAssets();
  const why = refusal({ ...file.manifest, format: file.manifest.snapshotFormat }, identityOf(assets.manifest));
  if (why) throw new MachineFileError(`${path} cannot run on this checkout: ${why.detail}`);
  let state: Buffer;
  try {
    state = gunzipSync(file.gz);
  } catch {
    throw new MachineFileError(`${path}: the machine state in the file is damaged`);
  }
  const vm = await VmHost.start({
    ...opts,
    assets: { ...assets, bzimage: null },
    state: state.buffer.slice(state.byteOffset, state.byteOffset + state.byteLength) as ArrayBuffer,
    channels: file.channels,
  });
  try {
    const engine = await createNodeEngine(vm, storeDir);
    reattach(vm, engine, file.engine);
    return { vm, engine, file };
  } catch (e) {
    await vm.destroy();
    throw e;
  }
}

/** The exercises of a lesson the student's page had marked passed (its saved progress in the file). */
export function markedPassed(file: MachineFile, lesson: string): string[] {
  for (const [key, value] of Object.entries(file.work)) {
    if (!key.endsWith(`/${lesson}`) || !key.startsWith('playground.progress')) continue;
    try {
      return Object.keys((JSON.parse(value) as { passed?: Record<string, number> }).passed ?? {});
    } catch {
      return [];
    }
  }
  return [];
}
