#!/bin/sh
# qemu-ref.sh: runs a guest image under QEMU with the devices vcpuctx-run models, for side-by-side comparison.
# Usage: scripts/qemu-ref.sh [--accel=tcg|kvm] [--debugcon=FILE] [--serial=FILE] [--append=CMDLINE] [-m SIZE] IMAGE
# ROMs (bios) boot with -bios, ELF32 multiboot images with -kernel; the exit status is QEMU's
# (isa-debug-exit: a write of V exits with (V << 1) | 1). Outputs default to /dev/stdout.
set -eu
accel=tcg debugcon=/dev/stdout serial=/dev/stdout append="" mem=64 format=""
while [ $# -gt 1 ]; do
    case "$1" in
    --accel=*) accel=${1#*=} ;;
    --debugcon=*) debugcon=${1#*=} ;;
    --serial=*) serial=${1#*=} ;;
    --append=*) append=${1#*=} ;;
    --format=*) format=${1#*=} ;;
    -m) shift; mem=$1 ;;
    *) echo "qemu-ref.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
image=${1:?usage: qemu-ref.sh [options] IMAGE}
if [ -z "$format" ]; then
    if [ "$(head -c 4 "$image" | od -An -c | tr -d ' ')" = '177ELF' ]; then format=multiboot; else format=bios; fi
fi
case "$format" in
bios) load="-bios $image" ;;
multiboot) load="-kernel $image" ;;
*) echo "qemu-ref.sh: QEMU runs bios and multiboot images" >&2; exit 2 ;;
esac
# -display none, not -nographic: -nographic would make SeaBIOS (run before a -kernel) mirror its screen to COM1.
exec qemu-system-x86_64 -accel "$accel" -display none -nodefaults -no-reboot -m "$mem" $load \
    ${append:+-append "$append"} \
    -chardev file,id=dbg,path="$debugcon" -device isa-debugcon,iobase=0xe9,chardev=dbg \
    -chardev file,id=ser,path="$serial" -serial chardev:ser \
    -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4
