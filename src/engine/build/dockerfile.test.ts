import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerfileError, parseDockerfile, parseOrThrow, parseReport } from './dockerfile';

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
    expect(bad('# only a comment')).toBe('1:1: file with no instructions');
  });

  it('parses fragments without FROM for commit --change', () => {
    expect(parseOrThrow('CMD ["sh"]', 'change', { fragment: true })[0]).toMatchObject({ args: ['sh'], json: true });
  });
});

describe('lab parse: the syntax tree of what Docker’s parser accepts', () => {
  const report = (text: string, strict = false) => parseReport(text, 'Dockerfile', { strict });

  it('prints the tree of a file a build would refuse, with each reason as a warning at line:col', () => {
    for (const [text, reason] of [
      ['RUN echo no base', '1:1: warning: No source image provided with `FROM`'],
      ['FROM busybox\nCOPY --frm=x a b', '2:6: warning: unknown flag for COPY: --frm'],
      ['FROM busybox\nHEALTHCHECK', '2:1: warning: HEALTHCHECK requires at least one argument'],
      ['FROM busybox\nFRM x', '2:1: warning: unknown instruction: FRM'],
    ] as const) {
      const r = report(text);
      expect(r.status, text).toBe(0);
      expect(r.stderr, text).toContain(`Dockerfile:${reason} (a build refuses this; --strict fails on it)`);
      expect(JSON.parse(r.stdout).length, text).toBeGreaterThan(0);
      // --strict, and a build, refuse it.
      expect(report(text, true).status, text).toBe(1);
      expect(() => parseOrThrow(text), text).toThrow(DockerfileError);
    }
    expect(report('RUN echo no base', true).stderr).toBe('Dockerfile:1:1: No source image provided with `FROM`\n');
    // A bad ONBUILD trigger fails the build of a child image, as in Docker, not this one.
    const onbuild = report('FROM busybox\nONBUILD FRM x', true);
    expect(onbuild.status).toBe(0);
    expect(onbuild.stderr).toBe(
      'Dockerfile:2:1: warning: this trigger will fail the build of an image FROM this one: unknown instruction: FRM\n',
    );
  });

  it('fails only on what Docker’s parser itself refuses, with line:col', () => {
    expect(report('')).toEqual({ status: 1, stdout: '', stderr: 'Dockerfile:1:1: file with no instructions\n' });
    expect(report('# only a comment\n').stderr).toContain('file with no instructions');
    expect(report('FROM x\nENV A').stderr).toBe('Dockerfile:2:5: ENV must have two arguments\n');
    expect(report('FROM x\nLABEL a=b c').stderr).toMatch(/^Dockerfile:2:\d+: Syntax error - can't find = in "c"/);
    expect(report('FROM x\nCMD [1, 2]').stderr).toBe(
      'Dockerfile:2:1: when using JSON array syntax, arrays must be comprised of strings only\n',
    );
    expect(report('# escape=x\nFROM x').status).toBe(1);
  });

  it('parses an ONBUILD trigger into its own instruction, with the file’s escape character', () => {
    const [, onbuild] = JSON.parse(report('FROM busybox\nONBUILD COPY --from=build /a \\\n  /b').stdout);
    expect(onbuild).toEqual({
      instruction: 'ONBUILD',
      args: [],
      flags: [],
      line: 2,
      column: 1,
      trigger: { instruction: 'COPY', args: ['/a', '/b'], flags: ['--from=build'], line: 2, column: 1 },
    });
    const p = parseDockerfile('# escape=`\nFROM busybox\nONBUILD RUN echo "a  b" `\n  c');
    expect(p.instructions[1]!.trigger).toMatchObject({ instruction: 'RUN', args: ['echo "a  b"   c'] });
    expect(p.diagnostics).toEqual([]);
  });

  it('keeps the last instruction whole when a line continuation ends the file', () => {
    for (const text of [
      'FROM busybox\nRUN echo hi \\',
      'FROM busybox\nRUN echo hi \\ \t',
      'FROM busybox\nRUN echo hi\\\n\n',
    ]) {
      const p = parseDockerfile(text);
      expect(p.instructions[1], JSON.stringify(text)).toMatchObject({
        instruction: 'RUN',
        args: ['echo hi'],
        original: 'RUN echo hi',
      });
      expect(p.diagnostics, JSON.stringify(text)).toEqual([]);
    }
    expect(parseOrThrow('FROM busybox\nCMD ["sh"] \\')[1]).toMatchObject({
      args: ['sh'],
      json: true,
      original: 'CMD ["sh"]',
    });
  });
});
