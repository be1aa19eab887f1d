#!/bin/sh
# linux-initramfs.sh: the initramfs the Linux boot tests give Debian's kernel: busybox-static and an /init that
# prints a marker, its command line, nproc, MemTotal and a line of /proc/cpuinfo, writes to /dev/ttyS0, names
# the ACPI tables and the SCI's interrupt, and powers off (reboots with vcpuctx-end=reboot on the command line).
# Usage: scripts/linux-initramfs.sh OUT.cpio (newc, uncompressed).
set -eu
out=${1:?usage: linux-initramfs.sh OUT.cpio}
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q "statically linked" || bb=/bin/busybox
[ -x "$bb" ] || { echo "linux-initramfs: no busybox (package busybox-static)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/sys"
cp "$bb" "$root/bin/busybox"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t sysfs sys /sys
/bin/busybox echo "VCPUCTX-LINUX-MARKER"
/bin/busybox echo "cmdline: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox echo "nproc: $(/bin/busybox nproc)"
/bin/busybox grep MemTotal /proc/meminfo
/bin/busybox grep -m1 "model name" /proc/cpuinfo
/bin/busybox echo "ttyS0 written by userspace" >/dev/ttyS0
/bin/busybox echo "acpi tables: $(/bin/busybox ls /sys/firmware/acpi/tables | /bin/busybox tr '\n' ' ')"
/bin/busybox grep -E "IO-APIC .*acpi" /proc/interrupts | /bin/busybox sed 's/^/interrupts: /'
case " $(/bin/busybox cat /proc/cmdline) " in
*" vcpuctx-end=reboot "*) /bin/busybox reboot -f ;;
esac
/bin/busybox poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | "$bb" cpio -o -H newc 2>/dev/null) >"$out.tmp"
mv "$out.tmp" "$out"
