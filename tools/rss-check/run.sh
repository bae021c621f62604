#!/usr/bin/env bash
# A quick peak-RSS check of release builds against Debian's ipvsadm in the
# benchmark's VM (a few minutes, where scripts/bench.sh takes an hour):
#   bash tools/rss-check/run.sh target/release/ipvsadm [OTHER-BUILD...]
# prints one line per row: its name, then the median peak RSS in KiB of
# Debian's ipvsadm and of each build given. Needs what scripts/deps.sh
# installs, and gcc for the measuring parent (peak.c).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh
ensure_vm_deps
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -static -o "$work/peak" "$here/peak.c"
# The guest's command is one string: each path quoted for its shell.
binaries=""
for b in "$@"; do binaries+=" $(printf '%q' "$(realpath "$b")")"; done
vng=$(find_vng)
PATH="$(dirname "$vng"):$PATH"
"$vng" --run "$(newest_kernel)" --user root --disable-kvm --cpus 2 \
    --memory 2G --rwdir "$work" -- \
    "python3 '$here/guest.py' '$work'$binaries > '$work/out' 2>&1" || true
cat "$work/out"
# The header and four rows, or the guest failed.
[ "$(grep -c '^[0-9a-z]' "$work/out")" -eq 5 ]
