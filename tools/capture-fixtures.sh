#!/bin/sh
# Boot Debian's IPVS-enabled kernel with virtme-ng and capture the netlink
# traffic of Debian's ipvsadm (see tools/capture_fixtures.py).
# Output: $OUT/captures.txt (default OUT=target/captures); decode it with
# tools/decode_captures.py.
set -e
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/target/captures}
KERNEL=${KERNEL:-$(ls /boot/vmlinuz-6.1.0-*-amd64 | head -n1)}
mkdir -p "$OUT"
export PATH=/opt/vng/bin:$PATH
vng --run "$KERNEL" --user root --disable-kvm --cpus 2 --memory 2G \
    --rwdir "$OUT" -- "/usr/bin/python3 $here/capture_fixtures.py $OUT/captures.txt"
echo "wrote $OUT/captures.txt"
