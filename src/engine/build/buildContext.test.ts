import { packTar } from 'modern-tar';
import { describe, expect, it } from 'vitest';
import { BuildContext } from './buildContext';

describe('BuildContext', () => {
  it('reads a tar as the guest tar makes it, and applies .dockerignore to COPY sources', async () => {
    const ctx = await BuildContext.fromTar(
      await packTar([
        { header: { name: './', type: 'directory', size: 0 } },
        { header: { name: './Dockerfile', size: 12 }, body: 'FROM scratch' },
        { header: { name: './.dockerignore', size: 12 }, body: '*.log\nsecret' },
        { header: { name: './app/main.c', size: 1 }, body: 'x' },
        { header: { name: './app/debug.log', size: 1 }, body: 'y' },
        { header: { name: './secret', size: 1 }, body: 'z' },
        { header: { name: './a.log', size: 1 }, body: 'l' },
      ]),
    );
    expect(ctx.file('Dockerfile')?.type).toBe('file');
    const [app] = ctx.sources('app');
    expect(app!.tree.map((e) => e.path)).toEqual(['app/debug.log', 'app/main.c']);
    expect(() => ctx.sources('secret')).toThrow(/file not found in build context or excluded by .dockerignore/);
    expect(() => ctx.sources('*.log')).toThrow(/not found/);
    expect(ctx.sources('app/*.c').map((s) => s.root.path)).toEqual(['app/main.c']);
  });

  it('changes its checksum when a source changes, and only then', async () => {
    const a = BuildContext.fromFiles({ 'f.txt': 'one' })
      .sources('f.txt')
      .map((s) => s.root);
    const b = BuildContext.fromFiles({ 'f.txt': 'one' })
      .sources('f.txt')
      .map((s) => s.root);
    const c = BuildContext.fromFiles({ 'f.txt': 'two' })
      .sources('f.txt')
      .map((s) => s.root);
    expect(await BuildContext.checksum(a)).toBe(await BuildContext.checksum(b));
    expect(await BuildContext.checksum(a)).not.toBe(await BuildContext.checksum(c));
  });
});
