/**
 * Values reach the guest's shell quoted: a path with shell syntax in it is a
 * name like any other, for docker cp and for the quoting helper itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../src/engine/guest';
import { sh } from '../../src/engine/shell';
import { useEngine, useVm } from './vm';

// No slash: it must be one file name. Were it run, it would leave /root/pwned.
const HOSTILE = `a$(cd;touch pwned);b'c"d\`cd;touch pwned\`e`;

describe('quoting on the real guest', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('docker cp copies a file whose name is shell syntax, and runs nothing of it', async () => {
    const c = await env.engine.create({
      image: 'busybox',
      cmd: ['sh', '-c', 'printf inside > "/$NAME"'],
      env: [`NAME=${HOSTILE}`],
      name: 'q',
    });
    await env.engine.start(c.Id);
    expect(await env.engine.wait(c.Id)).toBe(0);
    // Out of the container: a tar whose one entry is that name, with its bytes.
    const tar = await env.engine.archive('q', `/${HOSTILE}`);
    const { unpackTar } = await import('modern-tar');
    const entries = await unpackTar(tar);
    expect(entries.map((e) => e.header.name)).toEqual([HOSTILE]);
    expect(new TextDecoder().decode(entries[0]!.data)).toBe('inside');
    // A missing path with the same syntax is "not found", not a command.
    const missing = await env.engine.archive('q', `/missing${HOSTILE}`).catch((e: Error) => e);
    expect((await ctx.sh('ls /root/pwned /pwned 2>&1; true')).out).not.toMatch(/^\/(root\/)?pwned$/m);
    expect(String(missing)).toContain(`Could not find the file /missing${HOSTILE} in container q`);
    // Into the container, under that name too.
    const { packTar } = await import('modern-tar');
    await env.engine.extractArchive(
      'q',
      `/copy${HOSTILE}`,
      await packTar([{ header: { name: 'x', size: 3, type: 'file' }, body: 'new' }]),
    );
    const back = await unpackTar(await env.engine.archive('q', `/copy${HOSTILE}`));
    expect(new TextDecoder().decode(back[0]!.data)).toBe('new');
    expect((await ctx.sh('ls /root/pwned /pwned 2>&1; true')).out).not.toMatch(/^\/(root\/)?pwned$/m);
    await env.engine.remove('q');
  });

  it('any string round-trips through the guest’s busybox sh unchanged (generated cases)', async () => {
    const samples = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: fc.constantFrom(...`$()\`'";|&<> \n\\*~`.split('')) }),
      ),
      { numRuns: 12, seed: 16 },
    );
    for (const s of [...samples.filter((x) => !x.includes('\0')), HOSTILE]) {
      const r = await runScript(ctx.vm, sh`printf %s ${s}`);
      expect(r.exitCode).toBe(0);
      expect(r.out).toBe(Buffer.from(s, 'utf8').toString('utf8'));
    }
    expect((await ctx.sh('ls /root/pwned /pwned 2>&1; true')).out).not.toMatch(/^\/(root\/)?pwned$/m);
  });
});
