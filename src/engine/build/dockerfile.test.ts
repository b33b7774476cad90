import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerfileError, parseDockerfile, parseOrThrow } from './dockerfile';

const corpus = (name: string) => readFileSync(join(__dirname, 'testdata', name), 'utf8');
const brief = (text: string) =>
  parseOrThrow(text).map((i) => ({ instruction: i.instruction, args: i.args, flags: i.flags, line: i.line }));

describe('parseDockerfile', () => {
  it('splits every instruction of a real Dockerfile as Docker does', () => {
    expect(brief(corpus('node-app.Dockerfile'))).toEqual([
      { instruction: 'ARG', args: ['BASE=busybox'], flags: [], line: 2 },
      { instruction: 'FROM', args: ['${BASE}:latest', 'AS', 'deps'], flags: [], line: 3 },
      {
        instruction: 'LABEL',
        args: ['org.opencontainers.image.title', '"demo app"', 'maintainer', 'teacher@example.com'],
        flags: [],
        line: 4,
      },
      { instruction: 'ENV', args: ['APP_HOME', '/app', 'PATH', '/app/bin:$PATH'], flags: [], line: 6 },
      { instruction: 'WORKDIR', args: ['$APP_HOME'], flags: [], line: 7 },
      { instruction: 'COPY', args: ['package.json', 'lock.json', './'], flags: ['--chown=1000:1000'], line: 8 },
      {
        instruction: 'RUN',
        args: ["set -e;     mkdir -p bin;     echo '#!/bin/sh' > bin/start   # comment inside the line"],
        flags: [],
        line: 9,
      },
      { instruction: 'EXPOSE', args: ['8080/tcp', '9000-9002'], flags: [], line: 12 },
      { instruction: 'VOLUME', args: ['/data'], flags: [], line: 13 },
      { instruction: 'USER', args: ['1000:1000'], flags: [], line: 14 },
      { instruction: 'STOPSIGNAL', args: ['SIGTERM'], flags: [], line: 15 },
      {
        instruction: 'HEALTHCHECK',
        args: ['CMD', 'wget -qO- localhost:8080 || exit 1'],
        flags: ['--interval=30s', '--timeout=3s', '--retries=2'],
        line: 16,
      },
      { instruction: 'ENTRYPOINT', args: ['/app/bin/start'], flags: [], line: 17 },
      { instruction: 'CMD', args: ['--port', '8080'], flags: [], line: 18 },
    ]);
  });

  it('marks the exec form and keeps the shell form as one string', () => {
    const [, run, cmd] = parseOrThrow('FROM busybox\nRUN ["sh", "-c", "echo \\"q\\""]\nCMD echo $HOME');
    expect(run).toMatchObject({ args: ['sh', '-c', 'echo "q"'], json: true });
    expect(cmd).toMatchObject({ args: ['echo $HOME'] });
    expect(cmd!.json).toBeUndefined();
    // Not valid JSON: Docker falls back to the shell form.
    expect(parseOrThrow("FROM x\nCMD ['single', 'quotes']")[1]!.args).toEqual(["['single', 'quotes']"]);
  });

  it('honours the escape directive and joins continuations', () => {
    const p = parseDockerfile(corpus('windows.Dockerfile'));
    expect(p.escape).toBe('`');
    expect(p.instructions.map((i) => [i.instruction, i.args])).toEqual([
      ['FROM', ['busybox']],
      ['RUN', ['echo one     two']],
      ['COPY', ['a.txt', 'c:\\dest\\']],
      ['SHELL', ['sh', '-c']],
      ['CMD', ['echo done']],
    ]);
  });

  it('reads ENV and LABEL pairs, both forms, and ONBUILD triggers', () => {
    const ins = parseOrThrow(corpus('multistage.Dockerfile'));
    expect(ins.map((i) => i.instruction)).toEqual(['FROM', 'RUN', 'FROM', 'COPY', 'ADD', 'ONBUILD', 'ENV', 'ENV']);
    expect(ins[6]!.args).toEqual(['A', '1', 'B', '"two words"', 'C', 'three\\ words']);
    expect(ins[7]!.args).toEqual(['LEGACY', 'value with spaces']);
    expect(ins[5]!.trigger).toMatchObject({ instruction: 'RUN', args: ['echo triggered'] });
    expect(ins[3]!.flags).toEqual(['--from=build']);
  });

  it('keeps line numbers across continuations and comments', () => {
    const ins = parseOrThrow('FROM busybox\n# a comment\nRUN a \\\n  b \\\n  c\n\nCMD x');
    expect(ins.map((i) => [i.instruction, i.line, i.endLine])).toEqual([
      ['FROM', 1, 1],
      ['RUN', 3, 5],
      ['CMD', 7, 7],
    ]);
  });

  it('reports errors with line and column', () => {
    const bad = (text: string) => {
      try {
        parseOrThrow(text);
      } catch (e) {
        if (e instanceof DockerfileError) return `${e.line}:${e.column}: ${e.detail}`;
        throw e;
      }
      return 'no error';
    };
    expect(bad('FROM busybox\nFRM x')).toBe('2:1: unknown instruction: FRM');
    expect(bad('FROM busybox\nRUN <<EOF\necho hi\nEOF')).toMatch(/^2:1: heredocs .* need BuildKit/);
    expect(bad('FROM busybox\nRUN --mount=type=cache,target=/c true')).toMatch(/^2:5: RUN --mount needs BuildKit/);
    expect(bad('FROM busybox\nCOPY --frm=x a b')).toMatch(/^2:6: /);
    expect(bad('FROM busybox\nWORKDIR')).toBe('2:1: Instruction has no arguments');
    expect(bad('FROM busybox\nSHELL sh -c')).toMatch(/^2:7: SHELL requires the arguments to be in JSON form/);
    expect(bad('RUN echo no base')).toMatch(/^1:1: /);
    expect(bad('# only a comment')).toMatch(/^1:1: No source image provided with `FROM`/);
  });

  it('parses fragments without FROM for commit --change', () => {
    expect(parseOrThrow('CMD ["sh"]', 'change', { fragment: true })[0]).toMatchObject({ args: ['sh'], json: true });
  });
});
