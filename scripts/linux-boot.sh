#!/bin/sh
# linux-boot.sh: Debian's stock kernel under vcpuctx-run, inside a hardware-virtualization tier: the initramfs
# of scripts/linux-initramfs.sh reports what the options gave it and powers off (status 0); a kernel panic with
# panic=-1 is a reboot, which --no-reboot turns into status 0. Usage: scripts/linux-boot.sh [BUILD]
set -u
b=${1:-build}
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || { echo "linux-boot: no /boot/vmlinuz-* in this tier" >&2; exit 1; }
failed=0
# run ARGS...: vcpuctx-run with its output on the console as it comes (the tier's watchdog counts silence) and in
# $out; its status in $st.
run() {
    { "$b/vcpuctx-run" --serial=stdio --debugcon=none -m 256M --timeout=300 "$@" 2>&1; echo $? >/tmp/linux-boot.st; } |
        tee /tmp/linux-boot.out
    out=$(cat /tmp/linux-boot.out)
    st=$(cat /tmp/linux-boot.st)
}
expect() { # expect WHAT TEXT: TEXT must be in $out
    if printf '%s\n' "$out" | grep -qF -- "$2"; then echo "linux-boot: ok: $1"; else
        echo "linux-boot: FAIL: $1 (no \"$2\")"
        failed=1
    fi
}

append="console=ttyS0 panic=-1 quiet vcpuctx-test=1"
run --append="$append" --initrd="$b/linux/initramfs.cpio" --kernel="$kernel"
[ "$st" -eq 0 ] && echo "linux-boot: ok: poweroff -f ends vcpuctx-run with status 0" ||
    { echo "linux-boot: FAIL: status $st, not 0"; failed=1; }
expect "userspace ran" "VCPUCTX-LINUX-MARKER"
expect "the command line is --append's" "cmdline: $append"
expect "one CPU" "nproc: 1"
expect "a userspace write to /dev/ttyS0 flows (COM1's IRQ 4)" "ttyS0 written by userspace"
kb=$(printf '%s\n' "$out" | sed -n 's/^MemTotal: *\([0-9]*\) kB.*/\1/p')
if [ -n "$kb" ] && [ "$kb" -gt $((128 * 1024)) ] && [ "$kb" -le $((256 * 1024)) ]; then
    echo "linux-boot: ok: MemTotal $kb kB, within the 256 MiB the e820 map gives"
else
    echo "linux-boot: FAIL: MemTotal '$kb' kB"
    failed=1
fi

run --no-reboot --append="console=ttyS0 panic=-1" --kernel="$kernel"
[ "$st" -eq 0 ] && echo "linux-boot: ok: a panic with panic=-1 reboots: status 0 under --no-reboot" ||
    { echo "linux-boot: FAIL: the panic case ended with status $st"; failed=1; }
expect "the kernel panicked (no root without an initrd)" "Kernel panic - not syncing"
exit $failed
