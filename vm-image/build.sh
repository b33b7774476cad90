#!/usr/bin/env bash
# Builds the guest the playground boots: an i386 Linux 6.1 kernel with a
# built-in initramfs (busybox + vmagent), plus the BIOS, into public/vm/,
# and writes public/vm/manifest.json. Run it with `npm run vm:build`.
#
# Every input comes from Debian's packages (fetched with apt-get download, so
# the host's own busybox is left alone) or from files in vm-image/.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
B="$HERE/.build"
OUT="$ROOT/public/vm"
KSRC="$B/linux-source-6.1"
JOBS="$(nproc)"
# Fixed so two builds of the same inputs produce the same bytes where the
# kernel build allows it.
export KBUILD_BUILD_TIMESTAMP="2024-01-01 00:00:00 UTC"
export KBUILD_BUILD_USER=playground KBUILD_BUILD_HOST=vm-image KBUILD_BUILD_VERSION=1
export SOURCE_DATE_EPOCH=1704067200

TOOLS=(build-essential bc flex bison libelf-dev gcc-multilib cpio lz4 xz-utils zstd)
PACKAGES=(linux-source-6.1 busybox-static:i386 seabios)

need_tools() {
  for c in gcc make bc flex bison cpio lz4 xz zstd dpkg-deb apt-get; do
    command -v "$c" >/dev/null || return 0
  done
  echo 'int main(void){return 0;}' | gcc -m32 -static -x c - -o /dev/null 2>/dev/null || return 0
  [ -e /usr/include/gelf.h ] || return 0
  return 1
}

log() { printf '\033[1m[vm-image]\033[0m %s\n' "$*"; }

if need_tools || ! dpkg --print-foreign-architectures | grep -qx i386; then
  if [ "$(id -u)" != 0 ]; then
    echo "vm-image: missing build tools. As root run:" >&2
    echo "  dpkg --add-architecture i386 && apt-get update && apt-get install -y ${TOOLS[*]}" >&2
    exit 1
  fi
  log "installing build tools: ${TOOLS[*]}"
  dpkg --add-architecture i386
  apt-get update -q || log "apt-get update reported errors; trying with the lists it has"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${TOOLS[@]}"
fi

mkdir -p "$B/debs" "$OUT"

log "fetching Debian packages: ${PACKAGES[*]}"
if ! (cd "$B/debs" && apt-get download "${PACKAGES[@]}" >/dev/null 2>&1); then
  apt-get update -q || true
  (cd "$B/debs" && apt-get download "${PACKAGES[@]}")
fi
deb_of() { ls -t "$B/debs/$1"_*.deb | head -n1; }
for p in linux-source-6.1 busybox-static seabios; do
  d="$(deb_of "$p")"
  rm -rf "$B/pkg-$p" && mkdir -p "$B/pkg-$p" && dpkg-deb -x "$d" "$B/pkg-$p"
done

KTAR="$B/pkg-linux-source-6.1/usr/src/linux-source-6.1.tar.xz"
KSTAMP="$(sha256sum "$KTAR" | cut -c1-16)"
if [ "$(cat "$B/linux.stamp" 2>/dev/null)" != "$KSTAMP" ]; then
  log "unpacking linux-source-6.1"
  rm -rf "$KSRC" && tar -xJf "$KTAR" -C "$B" && echo "$KSTAMP" > "$B/linux.stamp"
fi

# vmctr's seccomp filter names syscalls as Docker's profile does; their i386
# numbers come from this kernel's own table, sorted by name (in strcmp's
# order) so that vmctr looks each one up without sorting at every start.
awk '$1 ~ /^[0-9]+$/ && $2 == "i386" { printf "{\"%s\", %s},\n", $3, $1 }' \
  "$KSRC/arch/x86/entry/syscalls/syscall_32.tbl" | LC_ALL=C sort > "$B/syscalls_i386.h"

log "compiling vmtools: vmagent, vmctr, vmnet, docker, docker-api-relay, docker-proxy, docker-init, vmprobe (static i386)"
gcc -m32 -static -Os -s -Wall -Wextra -Wformat=2 -Werror -I"$B" -o "$B/vmtools" "$HERE"/guest/*.c "$HERE"/guest/docker/*.c

log "writing the initramfs list"
BUSYBOX="$B/pkg-busybox-static/bin/busybox"
LIST="$B/initramfs.list"
{
  echo "dir /dev 0755 0 0"
  echo "nod /dev/console 0600 0 0 c 5 1"
  for d in bin sbin usr usr/bin usr/sbin etc root proc sys tmp newroot mnt var; do echo "dir /$d 0755 0 0"; done
  echo "file /bin/busybox $BUSYBOX 0755 0 0"
  echo "file /sbin/vmtools $B/vmtools 0755 0 0"
  echo "slink /sbin/vmagent /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/vmctr /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/docker /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/docker-api-relay /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/docker-proxy /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/vmnet /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/docker-init /sbin/vmtools 0777 0 0"
  echo "slink /usr/bin/vmprobe /sbin/vmtools 0777 0 0"
  echo "file /init $HERE/rootfs/init 0755 0 0"
  (cd "$HERE/rootfs" && find etc -type f | LC_ALL=C sort) | while read -r f; do
    mode=0644; [ -x "$HERE/rootfs/$f" ] && mode=0755
    echo "file /$f $HERE/rootfs/$f $mode 0 0"
  done
  # The other applets are linked at boot by /init (busybox --install -s):
  # the i386 binary cannot be asked for its applet list on every build host.
  echo "slink /bin/sh /bin/busybox 0777 0 0"
} > "$LIST"

log "configuring the kernel (tinyconfig + vm-image/kernel.config)"
FRAG="$B/kernel.fragment"
sed 's/^\(CONFIG_[A-Z0-9_]*\)=n$/# \1 is not set/' "$HERE/kernel.config" > "$FRAG"
echo "CONFIG_INITRAMFS_SOURCE=\"$LIST\"" >> "$FRAG"
make -C "$KSRC" ARCH=i386 -s tinyconfig >/dev/null
(cd "$KSRC" && ARCH=i386 scripts/kconfig/merge_config.sh -m .config "$FRAG" >/dev/null)
make -C "$KSRC" ARCH=i386 -s olddefconfig >/dev/null
# Kconfig silently drops options whose dependencies are unmet: refuse that.
missing=0
while read -r line; do
  case "$line" in
    CONFIG_*=n) opt="${line%=n}"; ! grep -qE "^$opt=[ym]" "$KSRC/.config" || { echo "not applied: $line" >&2; missing=1; } ;;
    CONFIG_*) grep -qxF "$line" "$KSRC/.config" || { echo "not applied: $line" >&2; missing=1; } ;;
  esac
done < <(grep -E '^CONFIG_' "$HERE/kernel.config")
[ "$missing" = 0 ] || { echo "vm-image: kernel.config has options the kernel did not take" >&2; exit 1; }

log "building bzImage with $JOBS jobs"
make -C "$KSRC" ARCH=i386 -j"$JOBS" -s bzImage

cp "$KSRC/arch/x86/boot/bzImage" "$OUT/bzImage"
cp "$B/pkg-seabios/usr/share/seabios/bios.bin" "$OUT/seabios.bin"

log "writing the manifest"
node "$HERE/manifest.mjs" write \
  --deb "$(deb_of linux-source-6.1)" --deb "$(deb_of busybox-static)" --deb "$(deb_of seabios)"
log "booting the new image in Node to save its state"
(cd "$ROOT" && npx tsx scripts/vm-state.ts)
log "making the base images (busybox, scratch) in public/images"
(cd "$ROOT" && npx tsx scripts/base-images.ts)
log "done: $(ls -la "$OUT" | tail -n +2 | awk '{print $NF" "$5}' | tr '\n' ' ')"
