#!/bin/sh
# qemu-ref.sh: runs a guest image under QEMU with the devices vcpuctx-run models, for side-by-side comparison.
# Usage: scripts/qemu-ref.sh [--accel=tcg|kvm] [--debugcon=FILE] [--serial=FILE] [--append=CMDLINE]
#        [--initrd=FILES] [--smp=N] [--cpu=MODEL[,+FEAT,-FEAT]] [--device=pc-testdev] [--no-reboot] [-m SIZE] IMAGE
# vcpuctx-run's spellings of its options, in QEMU's: --initrd is -initrd (a multiboot kernel's modules, "FILE
# ARGS,FILE ARGS", or a Linux initrd), --smp -smp, --cpu -cpu (QEMU's own default, qemu64, when not given;
# vcpuctx-run's is host), --device=pc-testdev -device pc-testdev (which, as in
# vcpuctx-run, takes the debug console's place at 0xe9). ROMs (bios) boot with -bios, ELF32 multiboot images and
# bzImages with -kernel; the exit status is QEMU's (isa-debug-exit: a write of V exits with (V << 1) | 1).
# Outputs default to /dev/stdout.
set -eu
accel=tcg debugcon=/dev/stdout serial=/dev/stdout append="" mem=64 format="" initrd="" smp=1 testdev="" cpu=""
while [ $# -gt 1 ]; do
    case "$1" in
    --accel=*) accel=${1#*=} ;;
    --debugcon=*) debugcon=${1#*=} ;;
    --serial=*) serial=${1#*=} ;;
    --append=*) append=${1#*=} ;;
    --format=*) format=${1#*=} ;;
    --initrd=*) initrd=${1#*=} ;;
    --smp=*) smp=${1#*=} ;;
    --cpu=*) cpu=${1#*=} ;;
    --device=pc-testdev) testdev=1 ;;
    --no-reboot) ;; # QEMU always runs with -no-reboot here
    -m) shift; mem=$1 ;;
    *) echo "qemu-ref.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
image=${1:?usage: qemu-ref.sh [options] IMAGE}
if [ -z "$format" ]; then
    if [ "$(head -c 4 "$image" | od -An -c | tr -d ' ')" = '177ELF' ]; then format=multiboot
    elif [ "$(dd if="$image" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ]; then format=linux
    else format=bios; fi
fi
case "$format" in
bios) load="-bios $image" ;;
multiboot | linux) load="-kernel $image" ;;
*) echo "qemu-ref.sh: QEMU runs bios, multiboot and linux images" >&2; exit 2 ;;
esac
# -display none, not -nographic: -nographic would make SeaBIOS (run before a -kernel) mirror its screen to COM1.
if [ -n "$testdev" ]; then
    debug="-device pc-testdev"
else
    debug="-chardev file,id=dbg,path=$debugcon -device isa-debugcon,iobase=0xe9,chardev=dbg"
fi
exec qemu-system-x86_64 -accel "$accel" -display none -nodefaults -no-reboot -m "$mem" -smp "$smp" ${cpu:+-cpu "$cpu"} $load \
    ${append:+-append "$append"} ${initrd:+-initrd "$initrd"} $debug \
    -chardev file,id=ser,path="$serial" -serial chardev:ser \
    -monitor none -device isa-debug-exit,iobase=0xf4,iosize=4
