#!/bin/sh
# linux-virtio-images.sh: what the virtio tests boot Debian's kernel with. An initramfs that loads the kernel's
# own virtio and ext4 modules (Debian builds them as modules), mounts /dev/vda and switches to it; and the ext4
# root it finds there (mke2fs -d, package e2fsprogs): busybox-static, /hello.txt, and an /init that prints the
# file, writes a login-style line to /dev/hvc0 when there is a virtio console, writes /written.txt with the
# token from the command line (vcpuctx-token=), with vcpuctx-net= moves a file each way over eth0, syncs, and then powers off, or with vcpuctx-end=wait waits to be
# killed.
# Usage: scripts/linux-virtio-images.sh KERNEL OUT.cpio OUT.img
set -eu
kernel=${1:?usage: linux-virtio-images.sh KERNEL OUT.cpio OUT.img}
cpio_out=${2:?} img_out=${3:?}
release=$(basename "$kernel" | sed 's/^vmlinuz-//')
mods=/lib/modules/$release/kernel
[ -d "$mods" ] || { echo "linux-virtio-images: no modules for $release in /lib/modules" >&2; exit 1; }
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q "statically linked" || bb=/bin/busybox
command -v mke2fs >/dev/null || { echo "linux-virtio-images: no mke2fs (package e2fsprogs)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The initramfs: the modules in load order (each after those it needs).
rd=$work/rd
mkdir -p "$rd/bin" "$rd/proc" "$rd/dev" "$rd/sys" "$rd/newroot" "$rd/lib/modules"
cp "$bb" "$rd/bin/busybox"
order="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci drivers/block/virtio_blk lib/crc16 fs/mbcache
fs/jbd2/jbd2 crypto/crc32c_generic fs/ext4/ext4 drivers/char/virtio_console net/core/failover
drivers/net/net_failover drivers/net/virtio_net"
names=""
for m in $order; do
    cp "$mods/$m.ko" "$rd/lib/modules/"
    names="$names $(basename "$m")"
done
cat >"$rd/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t sysfs sys /sys
# Each module with its parameters from the command line (MODULE.PARAM=VALUE), as modprobe would give them.
for m in$names; do
    args=""
    for w in \$(/bin/busybox cat /proc/cmdline); do
        case \$w in \$m.*) args="\$args \${w#\$m.}" ;; esac
    done
    /bin/busybox insmod /lib/modules/\$m.ko \$args || /bin/busybox echo "initramfs: insmod \$m failed"
done
for d in /sys/bus/pci/devices/*; do pci="\${pci:-} \$(/bin/busybox cat \$d/vendor):\$(/bin/busybox cat \$d/device)"; done
/bin/busybox echo "initramfs: pci:\$pci"
i=0
while [ ! -b /dev/vda ] && [ \$i -lt 100 ]; do /bin/busybox sleep 0.1; i=\$((i + 1)); done
/bin/busybox echo "initramfs: VIRTIO_F_VERSION_1=\$(/bin/busybox cut -c33 /sys/block/vda/device/features 2>/dev/null) irq: \$(/bin/busybox grep -m1 virtio /proc/interrupts)"
/bin/busybox mount -t ext4 /dev/vda /newroot || { /bin/busybox echo "initramfs: cannot mount /dev/vda"; /bin/busybox poweroff -f; }
/bin/busybox mount --move /dev /newroot/dev
/bin/busybox umount /proc /sys
exec /bin/busybox switch_root /newroot /init
INIT
chmod +x "$rd/init"
(cd "$rd" && find . | "$bb" cpio -o -H newc 2>/dev/null) >"$cpio_out.tmp"
mv "$cpio_out.tmp" "$cpio_out"

# The root file system.
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/sys" "$root/tmp"
cp "$bb" "$root/bin/busybox"
echo "hello from the virtio disk" >"$root/hello.txt"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox echo "VCPUCTX-VIRTIO-ROOT: $(/bin/busybox cat /hello.txt)"
/bin/busybox echo "root: $(/bin/busybox grep ' / ' /proc/mounts)"
# With a virtio console: a login-style line on hvc0, its first port.
i=0
while [ ! -c /dev/hvc0 ] && [ -e /sys/bus/virtio/drivers/virtio_console ] && [ $i -lt 50 ]; do
    /bin/busybox sleep 0.1
    i=$((i + 1))
done
[ -c /dev/hvc0 ] && /bin/busybox echo "vcpuctx login: VCPUCTX-HVC0 $(/bin/busybox uname -r)" >/dev/hvc0
for w in $(/bin/busybox cat /proc/cmdline); do
    case $w in
    vcpuctx-token=*) token=${w#vcpuctx-token=} ;;
    vcpuctx-end=*) end=${w#vcpuctx-end=} ;;
    vcpuctx-net=*) net=${w#vcpuctx-net=} ;;
    vcpuctx-bench=*) bench=${w#vcpuctx-bench=} ;;
    esac
done
# With vcpuctx-bench=GUEST:HOST (scripts/bench-virtio.sh): 64 MiB written to and read from /dev/vdb with direct
# I/O, 10 pings of HOST and 16 MiB sent to its port 5001, each timed by /proc/uptime; one line of results.
now() { /bin/busybox cut -d' ' -f1 /proc/uptime; }
if [ -n "${bench:-}" ]; then
    /bin/busybox ip addr add "${bench%%:*}/24" dev eth0
    /bin/busybox ip link set eth0 up
    t0=$(now)
    /bin/busybox dd if=/dev/zero of=/dev/vdb bs=1M count=64 oflag=direct 2>/dev/null
    t1=$(now)
    /bin/busybox dd if=/dev/vdb of=/dev/null bs=1M count=64 iflag=direct 2>/dev/null
    t2=$(now)
    rtt=$(/bin/busybox ping -c 10 "${bench#*:}" | /bin/busybox sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p')
    t3=$(now)
    /bin/busybox nc "${bench#*:}" 5001 -e /bin/busybox dd if=/dev/zero bs=65536 count=256 2>/dev/null
    t4=$(now)
    /bin/busybox echo "bench-virtio-guest $t0 $t1 $t2 $t3 $t4 rtt_ms=${rtt:-none}"
    /bin/busybox poweroff -f
fi
# With vcpuctx-net=GUEST:HOST: the feature bits eth0's driver took, eth0 at GUEST/24, a file of random bytes to
# HOST's port 5001, one from its port 5002, the checksums of both printed.
if [ -n "${net:-}" ]; then
    /bin/busybox echo "net-features: $(/bin/busybox cat /sys/class/net/eth0/device/features)"
    /bin/busybox mount -t tmpfs tmp /tmp
    /bin/busybox ip addr add "${net%%:*}/24" dev eth0
    /bin/busybox ip link set eth0 up
    /bin/busybox head -c 4194304 /dev/urandom >/tmp/up.bin
    /bin/busybox echo "guest-up-md5: $(/bin/busybox md5sum </tmp/up.bin)"
    /bin/busybox nc "${net#*:}" 5001 -e /bin/busybox cat /tmp/up.bin
    /bin/busybox nc "${net#*:}" 5002 -e /bin/busybox sh -c '/bin/busybox cat >/tmp/down.bin'
    /bin/busybox echo "guest-down-md5: $(/bin/busybox md5sum </tmp/down.bin)"
fi
/bin/busybox echo "written by the guest: ${token:-none}" >/written.txt
/bin/busybox sync
/bin/busybox echo "VCPUCTX-SYNCED"
if [ "${end:-}" = wait ]; then
    while :; do /bin/busybox sleep 60; done
fi
/bin/busybox mount -o remount,ro /
/bin/busybox poweroff -f
INIT
chmod +x "$root/init"
rm -f "$img_out.tmp"
mke2fs -q -t ext4 -d "$root" -L vcpuctx-root "$img_out.tmp" 16M >/dev/null
mv "$img_out.tmp" "$img_out"
