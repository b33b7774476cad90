import { describe, expect, it } from 'vitest';
import { useVm } from './vm';

/**
 * vmctr is the runtime the engine drives (vm-image/guest/vmctr.c). These tests
 * give it what the engine's plan will: an overlay rootfs over a busybox lower
 * dir and a cgroup with limits, then check what the container really gets.
 */
const prepare = (id: string) => `
  set -e
  b=/var/lib/docker/test/${id}
  mkdir -p $b/lower/bin $b/lower/etc $b/lower/tmp $b/lower/root $b/upper $b/work $b/merged
  cp /bin/busybox $b/lower/bin/
  for a in sh ls cat echo hostname id ps sleep readlink grep pwd env; do ln -s busybox $b/lower/bin/$a; done
  echo 'root:x:0:0:root:/root:/bin/sh' > $b/lower/etc/passwd
  mount -t overlay overlay -o lowerdir=$b/lower,upperdir=$b/upper,workdir=$b/work $b/merged
  mkdir -p /sys/fs/cgroup/docker
  echo '+memory +pids +cpu' > /sys/fs/cgroup/docker/cgroup.subtree_control
  mkdir -p /sys/fs/cgroup/docker/${id}
  echo 32M > /sys/fs/cgroup/docker/${id}/memory.max
  echo 20 > /sys/fs/cgroup/docker/${id}/pids.max
  set +e
`;
const run = (id: string, flags: string, cmd: string) =>
  `vmctr run --rootfs /var/lib/docker/test/${id}/merged --cgroup /sys/fs/cgroup/docker/${id} --log /var/lib/docker/test/${id}/json.log ${flags} -- ${cmd}`;

interface LogLine {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}
const parseLog = (text: string): LogLine[] =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);

describe('vmctr: the runtime under the engine', () => {
  const ctx = useVm();

  it('runs a process as pid 1 in its own namespaces, pivoted into the overlay rootfs, with its own cgroup view', async () => {
    const script = `
      echo "host-mnt=$(readlink /proc/self/ns/mnt)"
      ${run('c1', '--hostname box1 --env FOO=bar --workdir /work', `sh -c 'echo pid=$$; hostname; echo foo=$FOO; pwd; cat /sys/fs/cgroup/memory.max; cat /proc/self/cgroup; ls -a /; readlink /proc/1/ns/mnt; echo oops >&2; exit 3'`)}
      echo "exit=$?"
      echo "log:"; cat /var/lib/docker/test/c1/json.log`;
    const r = await ctx.sh(prepare('c1') + script);
    expect(r.out).toMatch(/^begin \d+\.\d{6}\npid \d+ \d+\.\d{6}$/m);
    expect(r.out).toContain('exit=3');
    const lines = parseLog(r.out.split('log:\n')[1]!);
    const out = lines.filter((l) => l.stream === 'stdout').map((l) => l.log);
    expect(out).toContain('pid=1\n');
    expect(out).toContain('box1\n');
    expect(out).toContain('foo=bar\n');
    expect(out).toContain('/work\n');
    // The cgroup namespace: the container sees its own cgroup as / and its own limit.
    expect(out).toContain(`${32 * 1024 * 1024}\n`);
    expect(out).toContain('0::/\n');
    // pivot_root left no trace of the old root.
    expect(out.join('')).not.toContain('.pivot_root');
    const hostMnt = /host-mnt=(\S+)/.exec(r.out)![1];
    expect(out.some((l) => l.startsWith('mnt:[') && l.trim() !== hostMnt)).toBe(true);
    expect(lines.find((l) => l.stream === 'stderr')?.log).toBe('oops\n');
    expect(lines[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('writes into the upper dir only; the lower dir (the image) is untouched', async () => {
    const r = await ctx.sh(
      prepare('c2') +
        `${run('c2', '', `sh -c 'echo new > /root/file; rm /etc/passwd'`)}
         echo "exit=$?"; ls /var/lib/docker/test/c2/upper/root /var/lib/docker/test/c2/upper/etc
         stat -c '%F %t,%T' /var/lib/docker/test/c2/upper/etc/passwd; cat /var/lib/docker/test/c2/lower/etc/passwd`,
    );
    expect(r.out).toContain('exit=0');
    expect(r.out).toContain('file');
    expect(r.out).toContain('character special file 0,0');
    expect(r.out).toContain('root:x:0:0');
  });

  it('exec enters the running container: same namespaces, its pid 1, its cgroup', async () => {
    const r = await ctx.sh(
      prepare('c3') +
        `${run('c3', '--hostname box3', 'sleep 30')} > /tmp/c3.out & rp=$!
         for i in $(seq 50); do grep -q pid /tmp/c3.out 2>/dev/null && break; sleep 0.1; done
         pid=$(sed -n 's/^pid \\([0-9]*\\).*/\\1/p' /tmp/c3.out)
         for k in pid mnt uts ipc net cgroup; do echo "host-$k=$(readlink /proc/$pid/ns/$k)"; done
         vmctr exec --pid $pid -- sh -c 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; for k in pid mnt uts ipc net cgroup; do echo "in-$k=$(readlink /proc/1/ns/$k)"; done; cat /proc/self/cgroup'
         echo "exec-exit=$?"
         kill -9 $pid; wait $rp; echo "run-exit=$?"`,
    );
    expect(r.out).toContain('box3\n');
    expect(r.out).toContain('sleep 30');
    for (const k of ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup']) {
      const host = new RegExp(`host-${k}=(\\S+)`).exec(r.out)?.[1];
      const inside = new RegExp(`in-${k}=(\\S+)`).exec(r.out)?.[1];
      expect(inside, k).toBe(host);
    }
    expect(r.out).toContain('0::/\n');
    expect(r.out).toContain('exec-exit=0');
    expect(r.out).toContain('run-exit=137');
  });

  it('--userns maps the container root to an unprivileged host uid', async () => {
    const r = await ctx.sh(
      prepare('c4') +
        `${run('c4', '--userns', `sh -c 'id -u; cat /proc/self/uid_map'`)} > /tmp/c4.out
         echo "exit=$?"; cat /var/lib/docker/test/c4/json.log`,
    );
    expect(r.out).toContain('exit=0');
    const out = parseLog(r.out.slice(r.out.indexOf('{'))).map((l) => l.log);
    expect(out[0]).toBe('0\n');
    expect(out[1]!.trim().split(/\s+/)).toEqual(['0', '100000', '65536']);
  });

  it('reports a missing command the way Docker does, with status 127', async () => {
    const r = await ctx.sh(
      prepare('c5') + `${run('c5', '', 'no-such-cmd')}; echo "exit=$?"; cat /var/lib/docker/test/c5/json.log`,
    );
    expect(r.out).toContain('exit=127');
    expect(r.out).toContain('executable file not found in $PATH');
  });

  it('--net none leaves only loopback, up', async () => {
    const r = await ctx.sh(
      prepare('c6') +
        `${run('c6', '--net none', `sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate'`)} >/dev/null; cat /var/lib/docker/test/c6/json.log`,
    );
    const out = parseLog(r.out.slice(r.out.indexOf('{'))).map((l) => l.log);
    expect(out).toEqual(['lo\n', 'unknown\n']);
  });

  it("carries out the plan's steps itself: each step reported with the guest's time, a failure named before anything starts", async () => {
    const b = '/var/lib/docker/test/c7';
    const ok = await ctx.sh(
      prepare('c7') +
        `${run(
          'c7',
          `--do mkdir:${b}/made/deep --do ok --do "write:${b}/made/deep/f=one two
three" --do write:/sys/fs/cgroup/docker/c7/pids.max=7 --do ok --teardown rm-rf:${b}/made`,
          `cat /proc/self/cgroup`,
        )}
         echo "exit=$?"; ls ${b}/made 2>&1; cat /sys/fs/cgroup/docker/c7/pids.max`,
    );
    expect(ok.out).toMatch(/^begin (\d+\.\d{6})\nok 0 (\d+\.\d{6})\nok 1 (\d+\.\d{6})\npid \d+ \d+\.\d{6}$/m);
    expect(ok.out).toMatch(/^oom_kill 0\nexit 0\ntorn-down\nexit=0$/m);
    expect(ok.out).toContain(`ls: ${b}/made: No such file or directory`);
    expect(ok.out).toMatch(/^7$/m);
    const failed = await ctx.sh(
      `${run('c7', `--do mkdir:${b}/x --do ok --do overlay:${b}/nowhere=lowerdir=/nope,upperdir=/nope2,workdir=/nope3 --do ok`, 'true')}; echo "exit=$?"`,
    );
    expect(failed.out).toMatch(/^begin \S+\nok 0 \S+\nexit=125$/m);
    expect(failed.err).toMatch(
      new RegExp(`^vmctr: overlay:${b}/nowhere=lowerdir=/nope,\\S+: No such file or directory$`, 'm'),
    );
    expect(failed.out).not.toMatch(/^pid /m);
  });

  it('vmctr do: a removal in one process, whatever is already gone', async () => {
    const r = await ctx.sh(
      `mkdir -p /tmp/rm-me/a/b && echo x > /tmp/rm-me/a/b/f && mkdir -p /sys/fs/cgroup/docker/c8
       vmctr do kill-pids:/tmp/no-pids netns-down:/var/run/netns/none umount:/tmp/rm-me rmdir-wait:/sys/fs/cgroup/docker/c8 rm-rf:/tmp/rm-me rm-rf:/tmp/never-was; echo "exit=$?"
       ls /tmp/rm-me /sys/fs/cgroup/docker/c8 2>&1 | wc -l
       vmctr do mkdir:/proc/nope/x; echo "exit=$?"`,
    );
    expect(r.out).toBe('exit=0\n2\nexit=1\n');
    expect(r.err).toContain('vmctr: mkdir:/proc/nope/x: No such file or directory');
  });
});
