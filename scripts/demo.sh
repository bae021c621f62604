#!/usr/bin/env bash
# The main job, shown: our ipvsadm managing a real IPVS table.
#
# If the running kernel has IPVS, print its table (`ipvsadm -Ln`) with our
# binary. Otherwise (this project's machines have no IPVS) boot Debian's
# kernel in QEMU and run the seed walk-through there with our binary: a
# round-robin service with two NAT real servers, the table it built, and the
# alternating answers a client gets.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

# IPVSADM_OURS runs another ipvsadm instead (e.g. /usr/sbin/ipvsadm, to
# check the demo itself).
if [ -n "${IPVSADM_OURS:-}" ]; then
    ours=$IPVSADM_OURS
else
    cargo build --release --locked
    ours="$PWD/target/release/ipvsadm"
fi

if [ -e /proc/net/ip_vs ] || modprobe ip_vs 2>/dev/null; then
    exec "$ours" -Ln
fi

echo "This kernel has no IPVS: running the walk-through in a VM." >&2
ensure_vm_deps
vng=$(find_vng)
# vng runs its helpers (virtme-run, ...) from its own directory.
PATH="$(dirname "$vng"):$PATH"
kernel=$(newest_kernel)
shared="$PWD/target/tmp/demo"
mkdir -p "$shared"
exec "$vng" --run "$kernel" --user root --disable-kvm --cpus 2 --memory 2G \
    --rwdir "$shared" -- "sh '$PWD/scripts/demo-guest.sh' '$ours'"
