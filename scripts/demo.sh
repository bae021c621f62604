#!/usr/bin/env bash
# A demonstration: this ipvsadm managing a real IPVS table.
#
# If the running kernel has IPVS, print its table (`ipvsadm -Ln`) with this
# binary. Otherwise boot Debian's kernel in QEMU and run
# scripts/demo-guest.sh there: a round-robin service with two NAT real
# servers in their own network namespace (reached with --netns), the
# answers a client gets, a drained server, the --format table view, and a
# desired table brought in with --apply (its --dry-run plan first).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

# IPVSADM_OURS runs another build of this ipvsadm instead (for example
# target/debug/ipvsadm, which spares the release build).
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
# QEMU writes the guest's output to the files behind our stdout and stderr
# from offset 0: redirected to a file, the output lost its first lines and
# gained NUL bytes. Through pipes (vng's stdout to fd 3 and on to one `cat`,
# its stderr to another) it arrives whole and in order.
{
    "$vng" --run "$kernel" --user root --disable-kvm --cpus 2 --memory 2G \
        -- "sh '$PWD/scripts/demo-guest.sh' '$ours'" 2>&1 1>&3 | cat >&2
} 3>&1 | cat
