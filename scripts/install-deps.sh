#!/bin/sh
# install-deps.sh: installs what the build and tests need (Criterion, binutils, QEMU as the reference,
# valgrind, clang with libFuzzer, gdb for the debugger tests; for the hardware-virtualization tiers Debian's
# kernel, busybox-static, Bochs with its BIOSes and terminal display, isolinux and genisoimage, e2fsprogs for
# the virtio disk's ext4 image; ACPICA's iasl, which reads back the DSDT's AML; libexpat, which reads Microkit
# system descriptions),
# with apt-get as root, or prints the exact command.
set -eu

missing=""
[ -f /usr/include/criterion/criterion.h ] || missing="$missing libcriterion-dev"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v as >/dev/null 2>&1 || missing="$missing binutils"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -f /usr/include/linux/kvm.h ] || missing="$missing linux-libc-dev"
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
[ -f /usr/share/seabios/bios.bin ] || missing="$missing seabios"
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || missing="$missing libclang-rt-14-dev"
command -v setpriv >/dev/null 2>&1 || missing="$missing util-linux"
[ -x /usr/bin/gdb ] || missing="$missing gdb"
ls /boot/vmlinuz-* >/dev/null 2>&1 || missing="$missing linux-image-amd64"
ldd /bin/busybox 2>&1 | grep -q "not a dynamic" || missing="$missing busybox-static"
command -v cpio >/dev/null 2>&1 || missing="$missing cpio"
command -v bochs >/dev/null 2>&1 || missing="$missing bochs"
[ -f /usr/share/bochs/BIOS-bochs-latest ] || missing="$missing bochsbios"
[ -f /usr/share/vgabios/vgabios.bin ] || missing="$missing vgabios"
[ -f /usr/lib/ISOLINUX/isolinux.bin ] || missing="$missing isolinux"
[ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ] || missing="$missing syslinux-common"
command -v genisoimage >/dev/null 2>&1 || missing="$missing genisoimage"
command -v unshare >/dev/null 2>&1 || missing="$missing util-linux"
command -v iasl >/dev/null 2>&1 || missing="$missing acpica-tools"
command -v mke2fs >/dev/null 2>&1 || missing="$missing e2fsprogs"
[ -x /bin/ip ] || missing="$missing iproute2"
[ -f /usr/include/expat.h ] || missing="$missing libexpat1-dev"

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    $cmd >/dev/null
else
    echo "install-deps: missing:$missing" >&2
    echo "install-deps: run as root: apt-get update && $cmd" >&2
    exit 1
fi
