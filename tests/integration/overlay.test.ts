import { describe, expect, it } from 'vitest';
import { useVm } from './vm';

describe('overlayfs in the guest', () => {
  const ctx = useVm();

  it('merges two lower dirs with a tmpfs upper, copies up on write and leaves a whiteout on delete', async () => {
    const r = await ctx.sh(`
      set -e
      d=$(mktemp -d /tmp/ovl.XXXXXX)
      mkdir -p $d/l1 $d/l2 $d/up $d/work $d/merged
      echo base > $d/l1/a; echo base > $d/l1/b; echo top > $d/l2/b; echo only2 > $d/l2/c
      mount -t overlay overlay -o lowerdir=$d/l2:$d/l1,upperdir=$d/up,workdir=$d/work $d/merged
      echo "files: $(ls $d/merged | tr '\\n' ' ')"
      echo "b: $(cat $d/merged/b)"
      echo changed >> $d/merged/a
      rm $d/merged/c
      echo "upper: $(ls $d/up | tr '\\n' ' ')"
      echo "lower a: $(cat $d/l1/a)"
      echo "whiteout: $(stat -c '%F %t,%T' $d/up/c)"
      echo "merged has c: $([ -e $d/merged/c ] && echo yes || echo no)"
      grep -c " $d/merged overlay " /proc/mounts
      umount $d/merged
    `);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = r.out;
    expect(out).toContain('files: a b c ');
    // The upper lower dir (l2) wins.
    expect(out).toContain('b: top');
    // Writing copied a up; deleting c left a whiteout; the lower dirs are untouched.
    expect(out).toContain('upper: a c ');
    expect(out).toContain('lower a: base');
    expect(out).toContain('whiteout: character special file 0,0');
    expect(out).toContain('merged has c: no');
  });

  it('marks a directory deleted and re-created as opaque', async () => {
    const r = await ctx.sh(`
      set -e
      d=$(mktemp -d /tmp/ovl.XXXXXX)
      mkdir -p $d/l/dir $d/up $d/work $d/m; echo x > $d/l/dir/f
      mount -t overlay overlay -o lowerdir=$d/l,upperdir=$d/up,workdir=$d/work $d/m
      rm -r $d/m/dir; mkdir $d/m/dir
      ls -A $d/m/dir | wc -l
      getfattr 2>/dev/null || true
      cat /proc/mounts | grep -c "$d/m"
      umount $d/m
    `);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')[0]).toBe('0');
  });
});
