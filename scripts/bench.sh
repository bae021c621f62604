#!/bin/bash
# The benchmark against Debian's ipvsadm (benches/compare): builds ours with
# the release profile, boots one VM and prints a markdown table of medians.
# It keeps the table and the same results as JSON in target/bench/
# (table.md, results.json); `python3 tools/bench_chart.py
# target/bench/results.json docs/bench-ratios.svg` draws the chart.
# Environment: IPVSADM_BENCH_ROUNDS (default 3), IPVSADM_BENCH_ONLY (a
# scenario name filter: IPVSADM_BENCH_ONLY=--apply runs the two --apply
# rows, IPVSADM_BENCH_ONLY=supervisor the --watch rows against ldirectord).
# See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh
# The supervisor rows run Debian's ldirectord in the guest.
ensure_ldirectord_debs
export PATH="/opt/vng/bin:$PATH"
# Linked as scripts/test.sh links the release build the package holds.
RUSTFLAGS="-C linker-features=-lld" exec cargo bench --locked --bench compare
