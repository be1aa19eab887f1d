#!/bin/sh
# bench-linux.sh: inside the AMD-V tier, Debian's kernel with the test initramfs under vcpuctx-run and under
# QEMU (-accel kvm -kernel -initrd -append), alternately, ROUNDS rounds each: the time from start to the
# initramfs's marker and to the end (its power-off), and the peak RSS, timed the same way by bench-boot; the
# medians, and vcpuctx-run's over QEMU's as ratios (goal: at most 1.0). Usage: scripts/bench-linux.sh [BUILD]
set -u
b=${1:-build}
rounds=${ROUNDS:-3}
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || { echo "bench-linux: no /boot/vmlinuz-* here" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "bench-linux: skipped: no qemu-system-x86_64 here"; exit 0; }
rd=$b/linux/initramfs.cpio
append="console=ttyS0 panic=-1 quiet"
marker=VCPUCTX-LINUX-MARKER
res=/tmp/bench-linux.txt
: >"$res"
for i in $(seq "$rounds"); do
    l=$("$b/bench-boot" "$marker" "$b/vcpuctx-run" --serial=stdio --debugcon=none -m 256M --timeout=600 \
        --kernel="$kernel" --initrd="$rd" --append="$append" 2>/dev/null)
    echo "bench-linux vcpuctx-run round=$i $l" | tee -a "$res"
    l=$("$b/bench-boot" "$marker" timeout 300 qemu-system-x86_64 -accel kvm -cpu host -m 256M -smp 1 -display none \
        -monitor none -serial stdio -no-reboot -nic none -kernel "$kernel" -initrd "$rd" -append "$append" 2>/dev/null)
    echo "bench-linux qemu round=$i $l" | tee -a "$res"
done
awk '
function median(a, n,    i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    who = $2
    for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    if (v["status"] != 0 || v["marker_s"] < 0) { bad[who]++; next }
    n[who]++; m[who, n[who]] = v["marker_s"]; e[who, n[who]] = v["end_s"]; r[who, n[who]] = v["rss_kb"]
}
END {
    split("vcpuctx-run qemu", names, " ")
    for (w = 1; w <= 2; w++) {
        who = names[w]
        if (!n[who]) { printf "bench-linux %s: no successful run\n", who; fail = 1; continue }
        for (i = 1; i <= n[who]; i++) { a[i] = m[who, i]; b[i] = e[who, i]; c[i] = r[who, i] }
        mm[who] = median(a, n[who]); ee[who] = median(b, n[who]); rr[who] = median(c, n[who])
        printf "bench-linux %-11s marker %7.2f s  end %7.2f s  peak RSS %7d KiB  (%d runs, %d failed)\n", who,
            mm[who], ee[who], rr[who], n[who], bad[who]
    }
    if (!fail)
        printf "bench-linux ratio (vcpuctx-run / qemu): marker %.2f  end %.2f  peak RSS %.2f\n",
            mm["vcpuctx-run"] / mm["qemu"], ee["vcpuctx-run"] / ee["qemu"], rr["vcpuctx-run"] / rr["qemu"]
    exit fail
}' "$res"
