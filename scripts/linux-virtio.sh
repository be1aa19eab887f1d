#!/bin/sh
# linux-virtio.sh: Debian's kernel with its root file system on a virtio disk under vcpuctx-run, inside the amd
# tier: it loads its own virtio and ext4 modules from the initramfs, switches root to /dev/vda, reads the file the
# image was made with, writes one and powers off, and the host (e2fsck, debugfs) finds the written file in the
# image; 4 MiB go each way over virtio-net and a tap with matching checksums; a virtio console carries the kernel's messages and a login line on hvc0; killed with SIGKILL right after the guest's sync, nothing the guest synced is lost; a read-only disk is
# never written; bad images are refused with status 2 and one line. Images: scripts/linux-virtio-images.sh, made
# by make as build/linux/virtio-initramfs.cpio and build/linux/virtio-root.img.
# Usage: scripts/linux-virtio.sh [BUILD]
set -u
b=${1:-build}
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || { echo "linux-virtio: no /boot/vmlinuz-* in this tier" >&2; exit 1; }
rd=build/linux/virtio-initramfs.cpio img=build/linux/virtio-root.img
disk=/tmp/linux-virtio.img
failed=0
ok() { echo "linux-virtio: ok: $1"; }
fail() {
    echo "linux-virtio: FAIL: $1"
    failed=1
}
expect() { # expect WHAT TEXT: TEXT in the last run's output
    if grep -qF -- "$2" /tmp/linux-virtio.out; then ok "$1"; else fail "$1 (no \"$2\")"; fi
}
# run ARGS...: the kernel on a copy of the root image; output on the console (the tier counts silence) and in
# /tmp/linux-virtio.out; status in $st.
run() {
    { "$b/vcpuctx-run" --serial=stdio --debugcon=none -m 256M --timeout=300 --stats --kernel="$kernel" \
        --initrd="$rd" "$@" 2>&1; echo $? >/tmp/linux-virtio.st; } | tee /tmp/linux-virtio.out
    st=$(cat /tmp/linux-virtio.st)
}
# found WHAT TOKEN: after a journal replay, /written.txt in the image holds TOKEN.
found() {
    /usr/sbin/e2fsck -fy "$disk" >/dev/null 2>&1
    got=$(/usr/sbin/debugfs -R "cat /written.txt" "$disk" 2>/dev/null)
    if [ "$got" = "written by the guest: $2" ]; then ok "$1"; else fail "$1 (written.txt: '$got')"; fi
}

# boot WHAT APPEND...: the root on the virtio disk, to its power-off; $dev: more devices; $irq: how the disk
# interrupts (/proc/interrupts' first virtio line): MSI-X, per queue, or INTx.
msix="PCI-MSI" intx="IO-APIC  17-fasteoi   virtio0"
boot() {
    what=$1
    shift
    cp "$img" "$disk"
    run --drive=file="$disk",if=virtio $dev --append="console=ttyS0 panic=-1 quiet $*"
    [ "$st" -eq 0 ] && ok "$what: status 0" || fail "$what: status $st"
    expect "$what: virtio-blk on the PCI bus" "initramfs: pci: 0x8086:0x1237 0x1af4:0x1001"
    if [ "$irq" = "$msix" ]; then
        expect "$what: MSI-X, a vector for the configuration" "$msix"
        expect "$what: and one for each queue" "virtio0-config"
    else
        expect "$what: INTx on the IOAPIC, level-triggered" "$intx"
    fi
    expect "$what: the root is the virtio disk" "root: /dev/vda / ext4 rw"
    expect "$what: the image's file read" "VCPUCTX-VIRTIO-ROOT: hello from the virtio disk"
    expect "$what: the power-off went through ACPI" "stats: the guest powered off (ACPI"
}
hvc=/tmp/linux-virtio.hvc
dev="--device=virtio-console,out=file:$hvc"
irq=$msix
boot "virtio root" console=hvc0 loglevel=7 vcpuctx-token=t1
expect "virtio root: the driver took the virtio 1.x interface" "initramfs: VIRTIO_F_VERSION_1=1"
found "virtio root: the file the guest wrote is in the image" t1
expect "virtio console: on the PCI bus" "0x1af4:0x1003"
expect "virtio console: the kernel's console on hvc0" "printk: console [hvc0] enabled"
if grep -q "^vcpuctx login: VCPUCTX-HVC0 " "$hvc" && grep -q "EXT4-fs (vda)" "$hvc"; then
    ok "virtio console: hvc0 carries the kernel's messages and a login line"
else
    fail "virtio console: hvc0 carried: $(tail -c 300 "$hvc")"
fi
dev=""
boot "virtio root, the legacy interface forced" virtio_pci.force_legacy=1 vcpuctx-token=t2
expect "virtio root, legacy: the driver took the legacy interface" "initramfs: VIRTIO_F_VERSION_1=0"
found "virtio root, legacy: the file the guest wrote is in the image" t2
irq=$intx
boot "virtio root, no MSI" pci=nomsi vcpuctx-token=t6
found "virtio root, no MSI: the file the guest wrote is in the image" t6

# SIGKILL right after the guest's sync: what it synced is on the host file.
cp "$img" "$disk"
rm -f /tmp/linux-virtio.out # the last run's, which has the marker too
{ "$b/vcpuctx-run" --serial=stdio --debugcon=none -m 256M --timeout=300 --kernel="$kernel" --initrd="$rd" \
    --drive=file="$disk",if=virtio --append="console=ttyS0 panic=-1 quiet vcpuctx-token=t3 vcpuctx-end=wait" \
    >/tmp/linux-virtio.out 2>&1 & }
pid=$!
i=0
while ! grep -q VCPUCTX-SYNCED /tmp/linux-virtio.out 2>/dev/null && kill -0 $pid 2>/dev/null && [ $i -lt 3000 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid
expect "kill -9: the guest synced first" "VCPUCTX-SYNCED"
found "kill -9 after the guest's sync: nothing lost" t3

# Read-only: the guest sees a write-protected disk, and the image never changes.
cp "$img" "$disk"
sum0=$(md5sum <"$disk")
run --drive=file="$disk",if=virtio,readonly=on --append="console=ttyS0 panic=-1 vcpuctx-token=t4"
expect "readonly=on: the root is mounted read-only" "root: /dev/vda / ext4 ro"
expect "readonly=on: the guest's write is refused" "Read-only file system"
[ "$(md5sum <"$disk")" = "$sum0" ] && ok "readonly=on: the image is unchanged" || fail "readonly=on: the image changed"

# Network: a tap in a network namespace of the test's own (iproute2's ip, util-linux's unshare: the tier's busybox
# has neither tuntap nor these paths), busybox nc on its side; 4 MiB each way,
# checked by their MD5 sums.
cp "$img" "$disk"
head -c 4194304 /dev/urandom >/tmp/linux-virtio.down
rm -f /tmp/linux-virtio.st
export b kernel rd disk
/usr/bin/unshare -n sh -c '
    ip=/usr/sbin/ip
    $ip tuntap add vtap0 mode tap && $ip addr add 10.0.2.2/24 dev vtap0 && $ip link set vtap0 up || exit 1
    busybox nc -l -p 5001 >/tmp/linux-virtio.up &
    up=$!
    busybox nc -l -p 5002 -e busybox cat /tmp/linux-virtio.down &
    down=$!
    "$b/vcpuctx-run" --serial=stdio --debugcon=none -m 256M --timeout=300 --stats --kernel="$kernel" --initrd="$rd" \
        --drive=file="$disk",if=virtio --nic=tap,ifname=vtap0 \
        --append="console=ttyS0 panic=-1 quiet vcpuctx-token=t5 vcpuctx-net=10.0.2.15:10.0.2.2"
    echo $? >/tmp/linux-virtio.st
    kill $up $down 2>/dev/null # done with, or never reached: not waited for
' 2>&1 | tee /tmp/linux-virtio.out
st=$(cat /tmp/linux-virtio.st 2>/dev/null || echo none)
[ "$st" = 0 ] && ok "network: status 0" || fail "network: status $st"
up=$(md5sum </tmp/linux-virtio.up 2>/dev/null)
down=$(md5sum </tmp/linux-virtio.down)
expect "network: the guest's 4 MiB reached the host whole" "guest-up-md5: $up"
expect "network: the host's 4 MiB reached the guest whole" "guest-down-md5: $down"
rm -f /tmp/linux-virtio.up /tmp/linux-virtio.down
# The offloads Linux took (sysfs's features: one character per bit, from bit 0): CSUM, GUEST_CSUM, GUEST_TSO4,
# HOST_TSO4, so it sent and took 64 KiB segments in the transfers above.
f=$(sed -n "s/^net-features: *\([01]*\).*/\1/p" /tmp/linux-virtio.out | tr -d "\r" | head -1)
took() { [ "$(printf "%s" "$f" | cut -c"$(($1 + 1))")" = 1 ]; }
took 0 && took 1 && took 7 && took 11 && ok "network: checksum and TSO offloads taken ($f)" ||
    fail "network: offloads not taken (features ${f:-none})"

# Bad images: status 2, one line, before the guest runs.
bad() { # bad WHAT TEXT ARGS...
    what=$1 says=$2
    shift 2
    err=$("$b/vcpuctx-run" --serial=none -m 256M --kernel="$kernel" "$@" 2>&1 >/dev/null)
    s=$?
    if [ "$s" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s' "$err" | grep -qF -- "$says"; then
        ok "$what: status 2, one line"
    else
        fail "$what: status $s, stderr: $err"
    fi
}
bad "a missing image" "No such file" --drive=file=/nonexistent.img,if=virtio
head -c 1000 /dev/zero >/tmp/linux-virtio.short
bad "an image of part of a sector" "whole number of 512-byte sectors" --drive=file=/tmp/linux-virtio.short,if=virtio
bad "an unknown drive option" "bad --drive" --drive=file="$disk",if=virtio,cache=none
bad "a tap that does not exist" "no such network interface" --nic=tap,ifname=vcpuctx-none
bad "an interface that is not a tap" "not a tap device" --nic=tap,ifname=lo
bad "a multicast MAC" "bad --nic" --nic=tap,ifname=lo,mac=01:00:5e:00:00:01
"$b/vcpuctx-run" --serial=none --debugcon=none -m 256M --timeout=60 --kernel="$kernel" --initrd="$rd" \
    --drive=file="$disk",if=virtio --append="console=ttyS0 vcpuctx-end=wait" >/dev/null 2>&1 &
holder=$!
sleep 1
bad "an image another VMM has open" "locked by another process" --drive=file="$disk",if=virtio
kill -9 $holder 2>/dev/null
wait $holder 2>/dev/null
rm -f "$disk" "$hvc" /tmp/linux-virtio.short /tmp/linux-virtio.out /tmp/linux-virtio.st
exit $failed
