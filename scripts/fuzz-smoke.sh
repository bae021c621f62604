#!/usr/bin/env bash
# A short fuzz run for CI: every cargo-fuzz target of fuzz/ for
# FUZZ_SECONDS seconds (default 30), starting from the committed seeds and
# past findings, in a scratch corpus so that nothing in the tree changes.
# Fails on any crash, panic, hang (10 s per input) or allocation beyond
# 2 GiB. Installs cargo-fuzz when it is missing. cargo-fuzz needs nightly
# compiler flags; RUSTC_BOOTSTRAP=1 allows them on the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${FUZZ_SECONDS:-30}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "+ cargo fuzz build" >&2
cargo fuzz build
# Host names in the inputs reach the C library's resolver; without a
# network (a fresh network namespace) a lookup fails at once instead of
# waiting for a DNS server that may drop queries.
isolate=()
if unshare -n true 2>/dev/null; then
    isolate=(unshare -n)
fi
for target in $(cargo fuzz list); do
    inputs=("seeds/$target")
    if [ -d "regressions/$target" ]; then inputs+=("regressions/$target"); fi
    mkdir -p "$scratch/$target"
    echo "+ cargo fuzz run $target (${seconds} s)" >&2
    log="$scratch/$target.log"
    if ! "${isolate[@]}" cargo fuzz run "$target" "$scratch/$target" "${inputs[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$scratch/$target-" -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -n 80 "$log" >&2
        echo "fuzz target $target failed; the input, base64:" >&2
        for found in "$scratch/$target"-*; do
            if [ -e "$found" ]; then base64 "$found" >&2; fi
        done
        exit 1
    fi
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" >&2
done
