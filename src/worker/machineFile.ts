/**
 * "Download my machine": one zip file with everything a student's machine
 * is — the v86 state (already gzipped), the engine's and the channels'
 * state, the page's saved work (progress, editor files) — and a manifest
 * that says what made it. Another browser, an instructor's page, or
 * `npm run lab -- lesson check <dir> --machine <file>` opens it after
 * checking it fits their site (see refusal in machineSnapshot.ts).
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { MachineChannels } from '../vm/vmHost';
import { SNAPSHOT_FORMAT, type MachineIdentity } from './machineSnapshot';

export const MACHINE_FORMAT = 'container-playground-machine';

export interface MachineFileManifest {
  format: typeof MACHINE_FORMAT;
  version: 1;
  createdAt: string;
  /** The site that wrote it. */
  site: string;
  v86: string;
  /** sha256 of the VM's kernel image, and the hash of its recipe. */
  image: string;
  recipe: string;
  stateKey: string;
  snapshotFormat: number;
  containers: number;
  running: number;
  /** The files in the zip. */
  files: string[];
}

export interface MachineFile {
  manifest: MachineFileManifest;
  /** gzip of the raw v86 state. */
  gz: Uint8Array;
  engine: unknown;
  channels: MachineChannels;
  /** The page's saved work (see src/ui/savedWork.ts), key → value. */
  work: Record<string, string>;
}

export class MachineFileError extends Error {
  override name = 'MachineFileError';
}

const FILES = ['manifest.json', 'state.bin.gz', 'engine.json', 'channels.json', 'work.json'] as const;

export function packMachine(
  parts: {
    gz: Uint8Array;
    engine: unknown;
    channels: MachineChannels;
    work: Record<string, string>;
    containers: number;
    running: number;
    createdAt: number;
  },
  identity: MachineIdentity,
  site: string,
): Uint8Array {
  const manifest: MachineFileManifest = {
    format: MACHINE_FORMAT,
    version: 1,
    createdAt: new Date(parts.createdAt).toISOString(),
    site,
    v86: identity.v86,
    image: identity.image,
    recipe: identity.recipe,
    stateKey: identity.stateKey,
    snapshotFormat: SNAPSHOT_FORMAT,
    containers: parts.containers,
    running: parts.running,
    files: [...FILES],
  };
  const json = (v: unknown) => strToU8(JSON.stringify(v, null, 1));
  return zipSync({
    'manifest.json': json(manifest),
    // Already gzip: stored as it is.
    'state.bin.gz': [parts.gz, { level: 0 }],
    'engine.json': json(parts.engine),
    'channels.json': json(parts.channels),
    'work.json': json(parts.work),
  });
}

/** Reads a machine file; a file that is not one, or is incomplete, says what is wrong. */
export function unpackMachine(bytes: Uint8Array): MachineFile {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    throw new MachineFileError('this file is not a machine file (not a zip archive)');
  }
  const missing = FILES.filter((f) => !entries[f]);
  if (missing.length === FILES.length) throw new MachineFileError('this file is not a machine file');
  if (missing.length) throw new MachineFileError(`the machine file lacks ${missing.join(', ')}`);
  const parse = <T>(name: string): T => {
    try {
      return JSON.parse(strFromU8(entries[name]!)) as T;
    } catch {
      throw new MachineFileError(`${name} in the machine file is not valid JSON`);
    }
  };
  const manifest = parse<MachineFileManifest>('manifest.json');
  if (manifest.format !== MACHINE_FORMAT || manifest.version !== 1) {
    throw new MachineFileError('this file is not a machine file of this playground');
  }
  const work = parse<Record<string, string>>('work.json');
  if (!work || typeof work !== 'object' || Object.values(work).some((v) => typeof v !== 'string')) {
    throw new MachineFileError('work.json in the machine file is not a list of saved entries');
  }
  return {
    manifest,
    gz: entries['state.bin.gz']!,
    engine: parse('engine.json'),
    channels: parse<MachineChannels>('channels.json'),
    work,
  };
}
