#!/bin/sh
# bench-virtio.sh: virtio devices under vcpuctx-run and under QEMU (-accel kvm, virtio-blk-pci and virtio-net-pci,
# its defaults), side by side on the same kernel, initramfs and root: the guest writes and reads 64 MiB on a
# second virtio disk with direct I/O (busybox dd oflag=direct, iflag=direct), pings the host 10 times over a tap
# and sends it 16 MiB (busybox nc), timing each by /proc/uptime (scripts/linux-virtio-images.sh, vcpuctx-bench=).
#   scripts/bench-virtio.sh run [BUILD]    inside the AMD-V tier: one line per run, as each ends
#   scripts/bench-virtio.sh summary FILE   outside: the medians, and vcpuctx-run's over QEMU's as ratios (goal:
#                                          throughput at least 1.0, round-trip time at most 1.0)
set -u
case "${1:-}" in
run)
    b=${2:-build}
    rounds=${ROUNDS:-3}
    kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
    [ -n "$kernel" ] || { echo "bench-virtio: no /boot/vmlinuz-* here" >&2; exit 1; }
    command -v qemu-system-x86_64 >/dev/null || { echo "bench-virtio: skipped: no qemu-system-x86_64 here"; exit 0; }
    export b kernel rounds
    /usr/bin/unshare -n sh -c '
        ip=/usr/sbin/ip
        $ip tuntap add vtap0 mode tap && $ip addr add 10.0.2.2/24 dev vtap0 && $ip link set vtap0 up || exit 1
        rd=$b/linux/virtio-initramfs.cpio
        append="console=ttyS0 panic=-1 quiet vcpuctx-bench=10.0.2.15:10.0.2.2"
        # one WHO ROUND CMD...: a run with a server for the 16 MiB, its guest line (and, for vcpuctx-run, its
        # exit counts) in one result line.
        one() {
            who=$1 round=$2
            shift 2
            cp "$b/linux/virtio-root.img" /tmp/bench-root.img
            head -c $((64 << 20)) /dev/zero >/tmp/bench-vdb.img
            busybox nc -l -p 5001 >/dev/null &
            srv=$!
            echo "bench-virtio start $who round=$round"
            out=$(timeout 300 "$@" 2>&1)
            kill $srv 2>/dev/null
            g=$(printf "%s\n" "$out" | sed -n "s/^bench-virtio-guest //p" | tr -d "\r")
            io=$(printf "%s\n" "$out" | sed -n "s/^stats: *IO_INSTRUCTION *\([0-9]*\).*/\1/p")
            mmio=$(printf "%s\n" "$out" | sed -n "s/^stats: *EPT_VIOLATION *\([0-9]*\).*/\1/p")
            echo "bench-virtio $who round=$round ${g:-none} io_exits=${io:-0} mmio_exits=${mmio:-0}"
        }
        for i in $(seq "$rounds"); do
            one vcpuctx-run $i "$b/vcpuctx-run" --serial=stdio --debugcon=none --stats -m 256M --kernel="$kernel" \
                --initrd="$rd" --drive=file=/tmp/bench-root.img,if=virtio --drive=file=/tmp/bench-vdb.img,if=virtio \
                --nic=tap,ifname=vtap0 --append="$append"
        done
        for i in $(seq "$rounds"); do
            one qemu $i qemu-system-x86_64 -accel kvm -cpu host -m 256M -smp 1 -display none -monitor none \
                -serial stdio -no-reboot -kernel "$kernel" -initrd "$rd" -append "$append" \
                -drive file=/tmp/bench-root.img,if=virtio,format=raw -drive file=/tmp/bench-vdb.img,if=virtio,format=raw \
                -netdev tap,id=n0,ifname=vtap0,script=no,downscript=no -device virtio-net-pci,netdev=n0
        done
        rm -f /tmp/bench-root.img /tmp/bench-vdb.img
    '
    ;;
summary)
    awk '
    function median(a, n,    i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    /^bench-virtio start / { tried[$3]++ }
    /^bench-virtio (vcpuctx-run|qemu) round=/ {
        who = $2
        if ($4 == "none" || NF < 11) next
        split($9, r, "="); if (r[2] == "none") next
        k = ++n[who]
        w[who, k] = 64 / ($5 - $4); rd[who, k] = 64 / ($6 - $5); rtt[who, k] = r[2]; net[who, k] = 16 / ($8 - $7)
        split($10, x, "="); split($11, y, "="); ex[who, k] = x[2] + y[2]
    }
    END {
        split("vcpuctx-run qemu", names, " ")
        for (q = 1; q <= 2; q++) {
            who = names[q]
            if (!n[who]) { printf "bench-virtio %-11s no run finished (%d started)\n", who, tried[who]; fail = 1; continue }
            for (i = 1; i <= n[who]; i++) { a[i] = w[who, i]; b[i] = rd[who, i]; c[i] = rtt[who, i]; d[i] = net[who, i]; e[i] = ex[who, i] }
            W[who] = median(a, n[who]); R[who] = median(b, n[who]); T[who] = median(c, n[who]); N[who] = median(d, n[who])
            E = median(e, n[who])
            printf "bench-virtio %-11s disk write %6.1f MB/s  read %6.1f MB/s  ping %6.3f ms  net %6.1f MB/s", who, W[who], R[who], T[who], N[who]
            if (who == "vcpuctx-run") printf "  (%d exits)", E
            printf "  (median of %d; %d started)\n", n[who], tried[who]
        }
        if (!fail)
            printf "bench-virtio ratio vcpuctx-run / qemu: write %.2f  read %.2f  net %.2f (goal: at least 1.0)  ping %.2f (goal: at most 1.0)\n",
                W["vcpuctx-run"] / W["qemu"], R["vcpuctx-run"] / R["qemu"], N["vcpuctx-run"] / N["qemu"], T["vcpuctx-run"] / T["qemu"]
    }' "${2:?usage: bench-virtio.sh summary FILE}"
    ;;
*)
    echo "usage: bench-virtio.sh run [BUILD] | summary FILE" >&2
    exit 2
    ;;
esac
