#!/bin/bash
# hwtier.sh: runs commands inside Debian's kernel with a hardware-virtualization KVM, nested in an emulator:
# kvm_amd under QEMU TCG (-cpu max), kvm_intel under Bochs (VMX). Their output comes back over the serial console.
#
# Usage: scripts/hwtier.sh amd|intel [--timeout=SECONDS] [--with=PATH]... [--emu-arg=ARG]... [--keep] COMMAND
#   COMMAND runs under /bin/sh in the repository's directory, inside the tier; the script exits with its status.
#   --with adds a file or directory (at the same path) to the tier's initramfs, with the libraries it links.
#   --emu-arg adds ARG to the emulator's command line, after the tier's own: a QEMU option, or a bochsrc line for
#   Bochs (which reads configuration lines from its command line after the file).
#   --keep leaves the work directory (initramfs, ISO, console log, the emulator's own output) in place and names it.
#   HWTIER_SILENCE=SECONDS (default 420): a console silent that long means the emulator stalled; the tier is then
#   booted once more (never after it reported a status).
# Exit statuses: COMMAND's; 125 the tier did not boot, did not report or stalled twice; 124 timeout. In all three the
# console and the emulator's own last lines (its stdout, stderr and log, kept in the work directory) are shown.
# 0 with one line "hwtier: skipped: ..." when the emulator or the kernel package is missing.
set -euo pipefail

tier=${1:-}
shift || true
timeout=1800 with=() emuargs=() keep="" modargs=""
while [ $# -gt 1 ]; do
    case "$1" in
    --timeout=*) timeout=${1#*=} ;;
    --with=*) with+=("${1#*=}") ;;
    --emu-arg=*) emuargs+=("${1#*=}") ;;
    --keep) keep=1 ;;
    *) break ;;
    esac
    shift
done
cmd=${1:?usage: hwtier.sh amd|intel [--timeout=S] [--with=PATH]... COMMAND}
repo=$(cd "$(dirname "$0")/.." && pwd)

skip() {
    echo "hwtier: skipped: $*"
    exit 0
}

kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 || true)
[ -n "$kernel" ] || skip "no /boot/vmlinuz-* (package linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
moddir=/lib/modules/$kver/kernel
case "$tier" in
amd)
    command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64 (package qemu-system-x86)"
    # tun: the virtio network test's tap, and the Microkit network driver's.
    modules="virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko drivers/crypto/ccp/ccp.ko arch/x86/kvm/kvm-amd.ko drivers/net/tun.ko"
    # QEMU TCG's virtual GIF: with it, L1 stalled for good twice in eight runs (idle, its timers dead) while
    # vcpuctx-run rebooted SeaBIOS; KVM without vgif intercepts STGI/CLGI instead.
    modargs="vgif=0"
    ;;
intel)
    command -v bochs >/dev/null || skip "no bochs (package bochs)"
    [ -f /usr/lib/ISOLINUX/isolinux.bin ] || skip "no isolinux (package isolinux)"
    command -v genisoimage >/dev/null || skip "no genisoimage (package genisoimage)"
    # tun: the Microkit network driver's tap.
    modules="virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko drivers/net/tun.ko"
    ;;
*)
    echo "hwtier: the tier is amd or intel, not '$tier'" >&2
    exit 2
    ;;
esac
for m in $modules; do [ -f "$moddir/$m" ] || skip "no $moddir/$m"; done

work=$(mktemp -d /tmp/hwtier.XXXXXX)
if [ -n "$keep" ]; then echo "hwtier: work directory $work"; else trap 'rm -rf "$work"' EXIT; fi
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules,etc} "$root$repo"

# Files at their own paths, and every library an ELF among them needs (ldd), so the tests' absolute paths hold.
# (cp --parents from /, with relative names: coreutils 9.1 fails on absolute ones.)
copy() { (cd / && cp -a -L --parents "${1#/}" "$root"); }
add() {
    copy "$1"
    local f
    while IFS= read -r f; do
        ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}' | while IFS= read -r lib; do
            [ -e "$root$lib" ] || copy "$lib"
        done || true
    done < <(find -L "$1" -type f \( -perm -u+x -o -name '*.so*' \) 2>/dev/null) # -L: a symlink's target too
}

cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
for m in $modules; do cp "$moddir/$m" "$root/modules/"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
for p in "${with[@]}"; do add "$p"; done

printf '%s\n' "$cmd" >"$root/tier-cmd"
names=$(for m in $modules; do basename "$m" .ko; done | tr '\n' ' ')
cat >"$root/init" <<EOF
#!/bin/sh
# The tier's /init: mounts, KVM's modules, the command, its status on the console, power off.
export PATH=/bin:/usr/bin:/sbin:/usr/sbin HOME=/tmp TMPDIR=/tmp
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/shm /dev/pts; chmod 1777 /tmp; mount -t tmpfs shm /dev/shm # /tmp is the initramfs's own (the repository may live there)
ip link set lo up
for m in $names; do a=""; case \$m in kvm-amd|kvm-intel) a="$modargs" ;; esac; insmod /modules/\$m.ko \$a || echo "hwtier: insmod \$m failed"; done
echo "hwtier: \$(uname -r), \$(ls /dev/kvm 2>&1), \$(grep -o -m1 -w -e svm -e vmx /proc/cpuinfo)"
cd $repo && /bin/sh /tier-cmd; echo "hwtier: status \$?"
sync; poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initrd"

log=$work/console
# amd: idle=poll keeps the tier's kernel out of HLT. Twice (and once more with vgif=0) it went idle for good under
# QEMU TCG, its timers dead, while a guest of vcpuctx-run waited in HLT for its PIT.
append="console=ttyS0 panic=-1 quiet"
[ "$tier" = amd ] && append="$append idle=poll"
silence=${HWTIER_SILENCE:-420} # seconds without console output that mean the emulator stalled (boot included)

if [ "$tier" = intel ]; then # Bochs has no -kernel: an isolinux CD, and its configuration
    mkdir -p "$work/iso/isolinux"
    cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
    cp "$kernel" "$work/iso/vmlinuz"
    cp "$work/initrd" "$work/iso/initrd"
    printf 'default linux\nlabel linux\n  kernel /vmlinuz\n  append initrd=/initrd %s\n' "$append" \
        >"$work/iso/isolinux/isolinux.cfg"
    genisoimage -quiet -o "$work/tier.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
        -boot-load-size 4 -boot-info-table -J -R "$work/iso"
    # Every host-facing part is named, so nothing depends on what the machine has: sound to the dummy drivers (on
    # ALSA, Bochs 2.7's mixer thread aborts where there is no sound card), the PC speaker off, no parallel port, no
    # mouse, no network card, the display a VNC server in a network namespace of its own (see boot), COM1 a file.
    cat >"$work/bochsrc" <<EOF
cpu: model=corei7_skylake_x, count=1
memory: guest=1024, host=1024
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$work/tier.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$log
parport1: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
mouse: enabled=0
clock: sync=none, time0=local
log: $work/emulator.log
panic: action=fatal
error: action=ignore
info: action=ignore
debug: action=ignore
display_library: rfb, options="timeout=0"
EOF
    echo continue >"$work/bochs-cmds"
fi

# boot: start the emulator on the initramfs, its console into $log, its own output into $emuout; its pid in $emu.
emuout=$work/emulator.out
boot() {
    : >"$log"
    : >"$emuout"
    case "$tier" in
    amd)
        # -nodefaults: only the devices the tier uses (no VGA, network card, parallel port, floppy or CD-ROM);
        # -no-user-config: no host configuration files read.
        timeout "$timeout" qemu-system-x86_64 -nodefaults -no-user-config -accel tcg -cpu max -m 2048 -smp 1 \
            -display none -no-reboot -monitor none -serial "file:$log" -kernel "$kernel" -initrd "$work/initrd" \
            -append "$append" "${emuargs[@]}" </dev/null >"$emuout" 2>&1 &
        ;;
    intel)
        # Its display is a VNC server that does not wait for a client (Bochs has no headless display; its terminal
        # display blocked on the pty in 4 of 5 runs). A network namespace of its own keeps that port off the network.
        timeout "$timeout" unshare --net bochs -q -f "$work/bochsrc" -rc "$work/bochs-cmds" "${emuargs[@]}" \
            </dev/null >"$emuout" 2>&1 &
        ;;
    esac
    emu=$!
}

# emulator_said: the last lines of the emulator's own output and log, for a tier that ended without a status.
emulator_said() {
    local f said=""
    for f in "$emuout" "$work/emulator.log"; do
        [ -s "$f" ] || continue
        said=1
        echo "hwtier: $tier tier: the last lines of $(basename "$f") (the emulator's own output):"
        tail -n 20 "$f" | tr -d '\r' | sed 's/^/  | /'
    done
    [ -n "$said" ] || echo "hwtier: $tier tier: the emulator wrote nothing of its own"
}

# follow: until the tier reports its status (Bochs may not leave by itself after power-off), the emulator ends, or
# the console stays silent for $silence seconds (then the emulator is stopped). Sets status, rc and stalled.
follow() {
    status="" stalled="" last=0 quiet=0
    while kill -0 "$emu" 2>/dev/null; do
        status=$(grep -a -o 'hwtier: status [0-9]*' "$log" | head -1 | awk '{print $3}' || true)
        [ -n "$status" ] && break
        size=$(stat -c %s "$log")
        if [ "$size" != "$last" ]; then last=$size quiet=0; else quiet=$((quiet + 1)); fi
        if [ "$quiet" -ge "$silence" ]; then
            stalled=1
            kill "$emu" 2>/dev/null || true
            break
        fi
        sleep 1
    done
    [ -n "$status" ] && { sleep 2; kill "$emu" 2>/dev/null || true; }
    wait "$emu" 2>/dev/null && rc=0 || rc=$?
    if [ -z "$status" ]; then
        status=$(grep -a -o 'hwtier: status [0-9]*' "$log" | head -1 | awk '{print $3}' || true)
    fi
}

# One boot, and one more only when the emulator stalled (its console silent, no status): never after a status,
# so a failing test is never run again.
for attempt in 1 2; do
    start=$(date +%s)
    boot
    follow
    tr -d '\r' <"$log" | grep -a -v '^hwtier: status' || true
    echo "hwtier: $tier tier, $(($(date +%s) - start)) s"
    [ -z "$status" ] && [ -n "$stalled" ] && [ "$attempt" = 1 ] || break
    echo "hwtier: $tier tier: the console was silent for $silence s, the emulator stalled: booting it once more"
done
if [ -z "$status" ]; then
    emulator_said
    [ -n "$stalled" ] && { echo "hwtier: $tier tier: stalled twice (console silent for $silence s)"; exit 125; }
    [ "$rc" = 124 ] && { echo "hwtier: $tier tier: timed out after $timeout s"; exit 124; }
    echo "hwtier: $tier tier: no status reported (emulator status $rc)"
    exit 125
fi
exit "$status"
