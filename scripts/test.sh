#!/usr/bin/env bash
# The project's test command. Installs what the real-kernel suite needs (only
# if something is missing), then: format check, lints, build, and every test,
# including tests/kernel (one QEMU VM running Debian's kernel, which has IPVS;
# the host kernel has none), then a short fuzz run of each fuzz target. Fails
# on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

ensure_vm_deps

run() {
    echo "+ $*" >&2
    "$@"
}
run cargo fmt --check
run cargo clippy --locked --all-targets -- -D warnings
run cargo build --locked
run cargo test --locked
# A minute of fuzzing per target (scripts/fuzz-smoke.sh; FUZZ_SECONDS).
run bash scripts/fuzz-smoke.sh
