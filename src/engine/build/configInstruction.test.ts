import { describe, expect, it } from 'vitest';
import { applyConfigInstruction, parseDuration, type RunConfig } from './configInstruction';
import { parseOrThrow } from './dockerfile';

function apply(lines: string, start: RunConfig = {}) {
  const config: RunConfig = structuredClone(start);
  const env = new Map<string, string>([['VERSION', '1.2']]);
  for (const ins of parseOrThrow(lines, 'Dockerfile', { fragment: true })) applyConfigInstruction(config, ins, env);
  return config;
}

describe('config instructions', () => {
  it('sets CMD and ENTRYPOINT in both forms, through SHELL', () => {
    expect(apply('CMD echo hi').Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(apply('CMD ["echo", "hi"]').Cmd).toEqual(['echo', 'hi']);
    expect(apply('SHELL ["/bin/ash", "-eo"]\nCMD echo hi').Cmd).toEqual(['/bin/ash', '-eo', 'echo hi']);
    expect(apply('ENTRYPOINT ["top", "-b"]').Entrypoint).toEqual(['top', '-b']);
  });

  it('expands variables in ENV, LABEL, WORKDIR, USER; ENV replaces an earlier value', () => {
    const c = apply(
      'ENV A=1 B="v $VERSION"\nENV A=2\nLABEL version=$VERSION\nWORKDIR /app\nWORKDIR sub/$A\nUSER 1000',
      {
        Env: ['PATH=/bin'],
      },
    );
    expect(c.Env).toEqual(['PATH=/bin', 'A=2', 'B=v 1.2']);
    expect(c.Labels).toEqual({ version: '1.2' });
    expect(c.WorkingDir).toBe('/app/sub/2');
    expect(c.User).toBe('1000');
  });

  it('records EXPOSE ranges, VOLUME, STOPSIGNAL, HEALTHCHECK and ONBUILD', () => {
    const c = apply(
      'EXPOSE 80 9000-9001/udp\nVOLUME /data /logs\nSTOPSIGNAL SIGINT\n' +
        'HEALTHCHECK --interval=1m30s --retries=3 CMD wget -q localhost\nONBUILD COPY . /app',
    );
    expect(Object.keys(c.ExposedPorts ?? {})).toEqual(['80/tcp', '9000/udp', '9001/udp']);
    expect(Object.keys(c.Volumes ?? {})).toEqual(['/data', '/logs']);
    expect(c.StopSignal).toBe('SIGINT');
    expect(c.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 90e9, Retries: 3 });
    expect(c.OnBuild).toEqual(['COPY . /app']);
  });

  it('refuses what Docker refuses', () => {
    // Past the parser (a variable), caught when the value is known.
    expect(() => apply('EXPOSE $VERSION')).toThrow(/invalid containerPort: 1.2/);
    expect(() => parseDuration('10 seconds')).toThrow(/invalid duration/);
  });
});
