import { describe, expect, it } from 'vitest';
import { useEngine, useVm } from './vm';

describe('docker cp and docker events', () => {
  const ctx = useVm();
  const env = useEngine(ctx);

  it('copies a file and a directory out of a container, and into it', async () => {
    const r = await ctx.sh(
      `docker run --name c busybox sh -c 'mkdir -p /app/conf && echo v1 > /app/conf/a && echo note > /note'
       mkdir -p /tmp/out && docker cp c:/note /tmp/out/ && docker cp c:/app /tmp/out/app-copy
       cat /tmp/out/note /tmp/out/app-copy/conf/a
       echo from-host > /tmp/in.txt && docker cp /tmp/in.txt c:/app/conf/
       docker cp c:/app/conf/in.txt /tmp/out/back.txt && cat /tmp/out/back.txt
       docker cp c:/nothing /tmp/out/ 2>&1; echo "missing=$?"
       docker rm c >/dev/null`,
    );
    expect(r.out).toBe(
      'note\nv1\nfrom-host\nError response from daemon: Could not find the file /nothing in container c\nmissing=1\n',
    );
  });

  it('events streams what the daemon does as it happens', async () => {
    const seen: string[] = [];
    const stream = ctx.vm.channel.sh('docker events', { onStdout: (b) => seen.push(new TextDecoder().decode(b)) });
    await ctx.sh('sleep 0.3; docker run --rm --name ev busybox true');
    await new Promise((r) => setTimeout(r, 500));
    const text = seen.join('');
    for (const action of ['create', 'start', 'die', 'destroy']) {
      expect(text).toMatch(
        new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z container ${action} [0-9a-f]{64} \\(.*name=ev`, 'm'),
      );
    }
    await ctx.sh('pkill -f "docker events" || kill $(pidof docker) 2>/dev/null; true');
    await stream.catch(() => {});
    expect(env.engine.events.recent.some((e) => e.Action === 'destroy')).toBe(true);
  });
});
