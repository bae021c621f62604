#!/bin/bash
# Regenerates link/hot-text.ld, the release binary's link layout: the
# functions and read-only data that the benchmark's peak-RSS rows use (an
# empty `-Ln`; `-R`, `-Ln` and `-Sn` of 2,000 services × 4 real servers),
# kept together. The functions come from callgrind, the data from the pages
# each command touches with the kernel's fault-around off, both in the
# project VM. See docs/performance.md, "Peak RSS and the link layout".
# Run it after a change that renames or adds functions on those paths;
# scripts/test.sh fails when too few of the layout's functions still exist
# (`python3 tools/hot-text/layout.py --check BINARY`).
#   bash tools/hot-text/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = --guest ]; then
    out=$2
    modprobe ip_vs
    mount -t debugfs none /sys/kernel/debug 2> /dev/null || true
    cp target/release/ipvsadm /tmp/ipvsadm
    python3 - > /tmp/rules << 'PY'
for s in range(2000):
    a = f"10.{s // 250}.{s % 250}.1"
    print(f"-A -t {a}:80 -s wlc")
    for d in range(4):
        print(f"-a -t {a}:80 -r 192.168.{s % 250}.{d + 1}:80 -m -w 1")
PY
    commands=("empty -Ln" "full -Ln" "full -Sn" "restore -R")
    for ns in empty full restore; do
        ip netns add $ns
        ip -n $ns link set lo up
    done
    ip netns exec full /tmp/ipvsadm -R < /tmp/rules
    echo 4096 > /sys/kernel/debug/fault_around_bytes
    for c in "${commands[@]}"; do
        set -- $c
        ip netns exec "$1" env TOUCHED_OUT="$out/pages" TOUCHED_FILE=/tmp/ipvsadm \
            LD_PRELOAD="$out/touched-pages.so" /tmp/ipvsadm "$2" < /tmp/rules > /dev/null
        if [ "$1" = restore ]; then ip netns exec restore /tmp/ipvsadm -C; fi
    done
    echo 65536 > /sys/kernel/debug/fault_around_bytes
    for c in "${commands[@]}"; do
        set -- $c
        ip netns exec "$1" valgrind --tool=callgrind --demangle=no \
            --callgrind-out-file="$out/callgrind.$1$2" /tmp/ipvsadm "$2" \
            < /tmp/rules > /dev/null 2>&1
    done
    exit 0
fi
source scripts/deps.sh
ensure_vm_deps
command -v valgrind > /dev/null || apt-get install -y --no-install-recommends valgrind
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The build the profiles are taken of, with its link map (which input
# section lies where) for layout.py.
RUSTFLAGS="-C linker-features=-lld -C link-arg=-Wl,-Map,$out/map" \
    cargo build --release --locked
gcc -O2 -shared -fPIC -o "$out/touched-pages.so" tools/hot-text/touched-pages.c
PATH="/opt/vng/bin:$PATH" vng --run /boot/vmlinuz-6.1.0-*-amd64 --user root --disable-kvm \
    --cpus 2 --memory 2G --rwdir "$out" -- "bash tools/hot-text/run.sh --guest $out"
python3 tools/hot-text/layout.py target/release/ipvsadm "$out/map" "$out/pages" \
    "$out"/callgrind.* > link/hot-text.ld
echo "link/hot-text.ld: $(grep -c '^    \*' link/hot-text.ld) input sections" >&2
