import { describe, expect, it } from 'vitest';
import { DockerIgnore } from './dockerignore';

describe('.dockerignore', () => {
  const di = new DockerIgnore(`
# comments and blank lines are skipped
node_modules
*.log
**/*.tmp
/secrets
docs/*
!docs/keep.md
temp?
`);

  it('leaves out what matches, and everything in a matched directory', () => {
    expect(di.ignores('node_modules')).toBe(true);
    expect(di.ignores('node_modules/pkg/index.js')).toBe(true);
    expect(di.ignores('build.log')).toBe(true);
    expect(di.ignores('sub/build.log')).toBe(false); // * stays within one segment
    expect(di.ignores('a/b/c.tmp')).toBe(true);
    expect(di.ignores('c.tmp')).toBe(true);
    expect(di.ignores('secrets/key')).toBe(true);
    expect(di.ignores('temp1')).toBe(true);
    expect(di.ignores('temp12')).toBe(false);
    expect(di.ignores('src/main.c')).toBe(false);
  });

  it('lets a later ! pattern bring a path back', () => {
    expect(di.ignores('docs/guide.md')).toBe(true);
    expect(di.ignores('docs/keep.md')).toBe(false);
  });
});
