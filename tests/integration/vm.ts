import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ApiTraffic } from '../../src/engine/api/routes';
import type { Engine } from '../../src/engine/engine';
import { createNodeEngine } from '../../src/node/nodeEngine';
import { bootNodeVm } from '../../src/node/nodeVm';
import type { VmHost } from '../../src/vm/vmHost';

const decoder = new TextDecoder();

/** One machine for the whole test file, booted (or restored) before the first test. */
export function useVm(): { vm: VmHost; sh(script: string, timeoutMs?: number): Promise<ShResult> } {
  const ctx = {} as { vm: VmHost; sh(script: string, timeoutMs?: number): Promise<ShResult> };
  beforeAll(async () => {
    ctx.vm = await bootNodeVm();
  });
  afterAll(async () => {
    await ctx.vm?.destroy();
  });
  ctx.sh = async (script: string, timeoutMs = 30_000) => {
    const r = await ctx.vm.channel.sh(script, { timeoutMs });
    return { out: decoder.decode(r.stdout), err: decoder.decode(r.stderr), code: r.exitCode };
  };
  return ctx;
}

export interface ShResult {
  out: string;
  err: string;
  code: number;
}

/** An engine for the file's machine, with its image store in a temporary directory. */
export function useEngine(ctx: { vm: VmHost }, onTraffic?: (t: ApiTraffic) => void) {
  const holder = {} as { engine: Engine; store: string };
  beforeAll(async () => {
    holder.store = mkdtempSync(join(tmpdir(), 'engine-'));
    holder.engine = await createNodeEngine(ctx.vm, holder.store, onTraffic);
  });
  afterAll(() => rmSync(holder.store, { recursive: true, force: true }));
  return holder;
}
