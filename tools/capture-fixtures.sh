#!/bin/sh
# Boot Debian's IPVS-enabled kernel with virtme-ng and capture the netlink
# traffic of Debian's ipvsadm (see tools/capture_fixtures.py).
# Output: $OUT/captures.txt (default OUT=target/captures). Then:
#   tools/decode_captures.py target/captures/captures.txt > msgs.txt
#   tools/fixture_hex.py msgs.txt new_service_tcp:REQ:0:NEW_SERVICE_TCP ...
# prints annotated constants like those in src/ipvs/tests/*.rs (labels are
# the ones in tools/capture_fixtures.py; reply counters differ per run).
set -e
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$PWD/target/captures}
KERNEL=${KERNEL:-$(ls /boot/vmlinuz-6.1.0-*-amd64 | head -n1)}
mkdir -p "$OUT"
export PATH=/opt/vng/bin:$PATH
vng --run "$KERNEL" --user root --disable-kvm --cpus 2 --memory 2G \
    --rwdir "$OUT" -- "/usr/bin/python3 $here/capture_fixtures.py $OUT/captures.txt"
echo "wrote $OUT/captures.txt"
