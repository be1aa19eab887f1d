#!/bin/bash
# fresh-check.sh: runs CI's command on a fresh machine: a new Debian 12 root made with debootstrap from this
# machine's own package source, the commit cloned into it, and `CI=true bash .ci/run` run inside with /dev/kvm bound
# in. Nothing installed on this machine can help the run: only what the project's own files install is there.
#
# Usage: scripts/fresh-check.sh [--keep] [--dir=DIR] [COMMIT]   (as root; COMMIT defaults to HEAD)
#   --dir   where the root is built (default: a new directory under /var/tmp); it must not exist yet
#   --keep  leaves the root in place afterwards (its path is printed)
# The root starts with Debian's minimal base and what a new machine of this kind has before the README's first
# command: git, make and the C compiler (BASE_PACKAGES). Everything else must come from `make test`'s installs.
# Its log is DIR.log beside the root. Exit statuses: .ci/run's; 2 bad usage or no root privileges; 3 the root could
# not be built.
set -euo pipefail

BASE_PACKAGES=git,make,gcc,libc6-dev,ca-certificates
SUITE=bookworm
keep="" dir="" commit=HEAD
for a in "$@"; do
    case "$a" in
    --keep) keep=1 ;;
    --dir=*) dir=${a#*=} ;;
    -*)
        echo "fresh-check: unknown option '$a'" >&2
        exit 2
        ;;
    *) commit=$a ;;
    esac
done
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-check: run it as root (debootstrap, chroot and mounts need it)" >&2; exit 2; }
rev=$(git -C "$repo" rev-parse --verify "$commit^{commit}") || { echo "fresh-check: no commit '$commit'" >&2; exit 2; }
[ -n "$dir" ] || dir=$(mktemp -u /var/tmp/fresh-check.XXXXXX)
[ ! -e "$dir" ] || { echo "fresh-check: $dir exists already" >&2; exit 2; }
log=$dir.log

# mirror: the first Debian archive this machine's apt is configured with (deb822 .sources or one-line .list).
mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v suite="$SUITE" '
            /^URIs:/ { uri = $2 } /^Suites:/ && uri && $0 ~ " " suite "( |$)" && uri !~ /security/ { print uri; exit }
            /^deb / && $3 == suite { print $2; exit } /^$/ { uri = "" }' "$f"
    done | head -1
}

# Mounts of the root: the kernel's file systems, and /dev whole (for /dev/kvm, /dev/shm, /dev/pts).
mount_root() {
    mount -t proc proc "$dir/proc"
    mount --rbind /sys "$dir/sys" && mount --make-rslave "$dir/sys"
    mount --rbind /dev "$dir/dev" && mount --make-rslave "$dir/dev"
}
cleanup() {
    local m
    for m in dev sys proc; do umount -R -l "$dir/$m" 2>/dev/null || true; done
    if [ -n "$keep" ]; then echo "fresh-check: the root stays at $dir"; else rm -rf --one-file-system "$dir"; fi
}

# build_root: debootstrap, this machine's apt sources and Acquire settings (the same archive, the same checks), DNS.
build_root() {
    local src f
    src=$(mirror)
    [ -n "$src" ] || { echo "fresh-check: no Debian $SUITE archive in /etc/apt's sources" >&2; return 3; }
    command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
    echo "fresh-check: debootstrap --variant=minbase --include=$BASE_PACKAGES $SUITE from $src"
    debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$dir" "$src" >>"$log" 2>&1 ||
        { echo "fresh-check: debootstrap failed; the end of $log:" >&2; tail -20 "$log" >&2; return 3; }
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && grep -q "$src" "$f" && cp "$f" "$dir/etc/apt/sources.list.d/" && : >"$dir/etc/apt/sources.list"
    done
    for f in /etc/apt/apt.conf.d/*; do grep -qs '^Acquire::' "$f" && cp "$f" "$dir/etc/apt/apt.conf.d/"; done
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
}

# The work tree as CI lays it: a fresh clone of the commit, and a read-only copy of shared/ beside it.
lay_tree() {
    mkdir -p "$dir/ci"
    git clone -q --no-local "$repo" "$dir/ci/main"
    git -C "$dir/ci/main" checkout -q --detach "$rev"
    if [ -d "$repo/../shared" ]; then cp -a "$repo/../shared" "$dir/ci/shared" && chmod -R a-w "$dir/ci/shared"; fi
}

trap cleanup EXIT
start=$(date +%s)
build_root
lay_tree
mount_root
echo "fresh-check: root ready in $(($(date +%s) - start)) s at $dir; running CI=true bash .ci/run on $rev (log: $log)"
t0=$(date +%s)
set +e
chroot "$dir" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 CI=true /bin/bash -c 'cd /ci/main && bash .ci/run' </dev/null 2>&1 | tee -a "$log"
st=${PIPESTATUS[0]}
set -e
echo "fresh-check: .ci/run ended with status $st after $(($(date +%s) - t0)) s ($(($(date +%s) - start)) s with the root)"
exit "$st"
