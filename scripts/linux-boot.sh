#!/bin/sh
# linux-boot.sh: Debian's stock kernel under vcpuctx-run, inside a hardware-virtualization tier: the initramfs
# of scripts/linux-initramfs.sh reports what the options gave it and powers off through ACPI (status 0), on one
# vCPU and on four; a reboot and a panic with panic=-1 end with status 0 under --no-reboot; bad kernels and
# initrds are refused with status 2 and one line. Usage: scripts/linux-boot.sh [BUILD]
set -u
b=${1:-build}
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || { echo "linux-boot: no /boot/vmlinuz-* in this tier" >&2; exit 1; }
rd="$b/linux/initramfs.cpio"
failed=0
# run ARGS...: vcpuctx-run with its output on the console as it comes (the tier's watchdog counts silence) and in
# $out; its status in $st.
run() {
    { "$b/vcpuctx-run" --serial=stdio --debugcon=none -m 256M --timeout=300 --stats "$@" 2>&1; echo $? >/tmp/linux-boot.st; } |
        tee /tmp/linux-boot.out
    out=$(cat /tmp/linux-boot.out)
    st=$(cat /tmp/linux-boot.st)
}
ok() { echo "linux-boot: ok: $1"; }
fail() {
    echo "linux-boot: FAIL: $1"
    failed=1
}
expect() { # expect WHAT TEXT: TEXT must be in $out
    if printf '%s\n' "$out" | grep -qF -- "$2"; then ok "$1"; else fail "$1 (no \"$2\")"; fi
}
status() { # status WANT WHAT
    if [ "$st" -eq "$1" ]; then ok "$2: status $1"; else fail "$2: status $st, not $1"; fi
}

# boot N: the initramfs on N vCPUs, to its power-off.
boot() {
    append="console=ttyS0 panic=-1 quiet vcpuctx-test=$1"
    run --smp="$1" --append="$append" --initrd="$rd" --kernel="$kernel"
    status 0 "$1 vCPU(s): poweroff -f"
    expect "$1 vCPU(s): userspace ran" "VCPUCTX-LINUX-MARKER"
    expect "$1 vCPU(s): the command line is --append's" "cmdline: $append"
    expect "$1 vCPU(s): the kernel sees $1 CPU(s)" "nproc: $1"
    expect "$1 vCPU(s): a userspace write to /dev/ttyS0 flows (COM1's IRQ 4)" "ttyS0 written by userspace"
    expect "$1 vCPU(s): the kernel found the ACPI tables" "acpi tables: APIC DSDT FACP FACS"
    expect "$1 vCPU(s): the SCI is on the IOAPIC" "interrupts: "
    expect "$1 vCPU(s): the power-off went through ACPI's sleep control" "stats: the guest powered off (ACPI"
    kb=$(printf '%s\n' "$out" | sed -n 's/^MemTotal: *\([0-9]*\) kB.*/\1/p')
    if [ -n "$kb" ] && [ "$kb" -gt $((128 * 1024)) ] && [ "$kb" -le $((256 * 1024)) ]; then
        ok "$1 vCPU(s): MemTotal $kb kB, within the 256 MiB the e820 map gives"
    else
        fail "$1 vCPU(s): MemTotal '$kb' kB"
    fi
}
boot 1
boot 4

run --no-reboot --smp=2 --append="console=ttyS0 quiet vcpuctx-end=reboot" --initrd="$rd" --kernel="$kernel"
status 0 "reboot -f under --no-reboot"
expect "the reboot reset the machine" "stats: the guest reset the machine"

run --no-reboot --append="console=ttyS0 panic=-1" --kernel="$kernel"
status 0 "a panic with panic=-1 reboots, under --no-reboot"
expect "the kernel panicked (no root without an initrd)" "Kernel panic - not syncing"

# Bad input: status 2 and one line, before the guest runs.
head -c 65536 "$kernel" >/tmp/linux-boot.truncated
head -c 4096 /dev/urandom >/tmp/linux-boot.junk
head -c $((40 << 20)) /dev/zero | { printf 070701; cat; } >/tmp/linux-boot.bigrd
bad() { # bad WHAT TEXT ARGS...: status 2, one line on stderr containing TEXT
    what=$1 says=$2
    shift 2
    err=$("$b/vcpuctx-run" --serial=none "$@" 2>&1 >/dev/null)
    s=$?
    if [ "$s" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s' "$err" | grep -qF -- "$says"; then
        ok "$what: status 2, one line"
    else
        fail "$what: status $s, stderr: $err"
    fi
}
bad "a missing kernel" "No such file" --kernel=/nonexistent/vmlinuz
bad "a truncated kernel" "truncated" --kernel=/tmp/linux-boot.truncated
bad "too little RAM for the kernel's init_size" "no room for the kernel" -m 32M --kernel="$kernel"
bad "a missing initrd" "/nonexistent/initrd" -m 256M --initrd=/nonexistent/initrd --kernel="$kernel"
bad "a corrupt initrd" "not an initramfs" -m 256M --initrd=/tmp/linux-boot.junk --kernel="$kernel"
# Debian's kernel takes 16 MiB to 16 MiB + init_size (about 64 MiB): 40 MiB fits neither below nor above it.
bad "an initrd too large for RAM" "no room for it" -m 96M --initrd=/tmp/linux-boot.bigrd --kernel="$kernel"
rm -f /tmp/linux-boot.truncated /tmp/linux-boot.junk /tmp/linux-boot.bigrd
exit $failed
