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
echo "+ cargo metadata | python3 scripts/check-msrv.py" >&2
cargo metadata --format-version 1 --locked --filter-platform x86_64-unknown-linux-gnu \
    | python3 scripts/check-msrv.py
# The modules are private: their documentation is checked with them.
echo "+ RUSTDOCFLAGS=\"-D warnings\" cargo doc --no-deps --document-private-items" >&2
RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps --document-private-items
# Every suite prints its own closing line; the log is kept to add them up.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "+ cargo test --locked" >&2
cargo test --locked 2>&1 | tee "$log"
# Half a minute of fuzzing per target (scripts/fuzz-smoke.sh; FUZZ_SECONDS).
run bash scripts/fuzz-smoke.sh
# Release builds link with the default linker and with GNU ld (no
# LLD-only link options may creep back), and the Debian package is built
# from the first and tested in a VM of its own (scripts/package-test.sh).
run cargo build --release --locked
echo "+ RUSTFLAGS=\"-C linker-features=-lld\" cargo build --release" >&2
RUSTFLAGS="-C linker-features=-lld" cargo build --release --locked \
    --target-dir target/gnu-ld
if readelf -p .comment target/gnu-ld/release/ipvsadm | grep -q LLD; then
    echo "target/gnu-ld/release/ipvsadm was linked by LLD, not GNU ld" >&2
    exit 1
fi
echo "+ bash scripts/package-test.sh" >&2
bash scripts/package-test.sh 2>&1 | tee -a "$log"
# One closing line for the whole run: the sum of every test binary's
# `test result:` line and the kernel suite's `N passed, M failed`.
awk '
    /^test result:/ { p += $4; f += $6 }
    /^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
    END { printf "total: %d passed, %d failed\n", p, f }
' "$log"
