#!/bin/bash
# The benchmark against Debian's ipvsadm (benches/compare): builds ours with
# the release profile, boots one VM and prints a markdown table of medians.
# Environment: IPVSADM_BENCH_ROUNDS (default 3), IPVSADM_BENCH_ONLY (a
# scenario name filter).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/vng/bin:$PATH"
exec cargo bench --locked --bench compare
