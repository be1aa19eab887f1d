#!/bin/sh
# bench-linux.sh: Debian's kernel with the test initramfs under vcpuctx-run and under QEMU (-accel kvm -kernel
# -initrd -append), ROUNDS runs each, timed the same way by bench-boot: from start to the initramfs's marker and
# to the end (its power-off), and the peak RSS.
#   scripts/bench-linux.sh run [BUILD]    inside the AMD-V tier: one line per run, as each ends
#   scripts/bench-linux.sh summary FILE   outside: the medians of the runs FILE holds, and vcpuctx-run's over
#                                         QEMU's as ratios (goal: at most 1.0)
# vcpuctx-run's runs come first: QEMU's SeaBIOS has frozen the tier's emulator itself (its timers dead, so no
# timeout inside can end it), and the summary, made outside, counts whatever runs finished.
set -u
case "${1:-}" in
run)
    b=${2:-build}
    rounds=${ROUNDS:-3}
    kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
    [ -n "$kernel" ] || { echo "bench-linux: no /boot/vmlinuz-* here" >&2; exit 1; }
    command -v qemu-system-x86_64 >/dev/null || { echo "bench-linux: skipped: no qemu-system-x86_64 here"; exit 0; }
    rd=$b/linux/initramfs.cpio
    append="console=ttyS0 panic=-1 quiet"
    for i in $(seq "$rounds"); do
        echo "bench-linux start vcpuctx-run round=$i"
        echo "bench-linux vcpuctx-run round=$i $("$b/bench-boot" VCPUCTX-LINUX-MARKER timeout 300 "$b/vcpuctx-run" \
            --serial=stdio --debugcon=none -m 256M --kernel="$kernel" --initrd="$rd" --append="$append" 2>/dev/null)"
    done
    for i in $(seq "$rounds"); do
        echo "bench-linux start qemu round=$i"
        echo "bench-linux qemu round=$i $("$b/bench-boot" VCPUCTX-LINUX-MARKER timeout 300 qemu-system-x86_64 \
            -accel kvm -cpu host -m 256M -smp 1 -display none -monitor none -serial stdio -no-reboot -nic none \
            -kernel "$kernel" -initrd "$rd" -append "$append" 2>/dev/null)"
    done
    ;;
summary)
    awk '
    function median(a, n,    i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    /^bench-linux start / { tried[$3]++ }
    /^bench-linux (vcpuctx-run|qemu) round=/ {
        who = $2
        delete v
        for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        if (v["status"] != "0" || v["marker_s"] + 0 < 0) next
        k = ++n[who]; m[who, k] = v["marker_s"]; e[who, k] = v["end_s"]; r[who, k] = v["rss_kb"]
    }
    END {
        split("vcpuctx-run qemu", names, " ")
        for (w = 1; w <= 2; w++) {
            who = names[w]
            if (!n[who]) { printf "bench-linux %-11s no run finished (%d started)\n", who, tried[who]; fail = 1; continue }
            for (i = 1; i <= n[who]; i++) { a[i] = m[who, i]; b[i] = e[who, i]; c[i] = r[who, i] }
            mm[who] = median(a, n[who]); ee[who] = median(b, n[who]); rr[who] = median(c, n[who])
            printf "bench-linux %-11s marker %6.2f s  end %6.2f s  peak RSS %7d KiB  (median of %d; %d started)\n",
                who, mm[who], ee[who], rr[who], n[who], tried[who]
        }
        if (!fail)
            printf "bench-linux ratio vcpuctx-run / qemu: marker %.2f  end %.2f  peak RSS %.2f  (goal: at most 1.0)\n",
                mm["vcpuctx-run"] / mm["qemu"], ee["vcpuctx-run"] / ee["qemu"], rr["vcpuctx-run"] / rr["qemu"]
    }' "${2:?usage: bench-linux.sh summary FILE}"
    ;;
*)
    echo "usage: bench-linux.sh run [BUILD] | summary FILE" >&2
    exit 2
    ;;
esac
