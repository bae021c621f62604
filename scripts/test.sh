#!/usr/bin/env bash
# The project's test command. Installs what the real-kernel suite needs (only
# if something is missing), then: format check, lints, build, the release
# build, and every test, including tests/kernel (one QEMU VM running Debian's
# kernel, which has IPVS; the host kernel has none) run against the release
# binary, then the Debian package's test. Fails on the first failure.
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
# The release build is linked with GNU ld, not the toolchain's default
# rust-lld (which every debug build above uses): no LLD-only link option may
# creep back. It is what the kernel suite runs and what the package holds.
release_flags="-C linker-features=-lld"
echo "+ RUSTFLAGS=\"$release_flags\" cargo build --release --locked" >&2
RUSTFLAGS="$release_flags" cargo build --release --locked
if readelf -p .comment target/release/ipvsadm | grep -q LLD; then
    echo "target/release/ipvsadm was linked by LLD, not GNU ld" >&2
    exit 1
fi
# The link layout (link/hot-text.ld) names functions: it is generated again
# (tools/hot-text/run.sh) when too many of them are gone.
run python3 tools/hot-text/layout.py --check target/release/ipvsadm
# Every suite prints its own closing line; the log is kept to add them up.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The kernel suite runs the release binary: under the VM's emulation a
# command of the debug build (73 MB with its debug information) took 1.13 s,
# one of the release build 0.26 s (medians, 7 December), and the suite
# starts it thousands of times.
echo "+ IPVSADM_OURS=target/release/ipvsadm cargo test --locked" >&2
IPVSADM_OURS="$PWD/target/release/ipvsadm" cargo test --locked 2>&1 | tee "$log"
echo "+ bash scripts/package-test.sh" >&2
RUSTFLAGS="$release_flags" bash scripts/package-test.sh 2>&1 | tee -a "$log"
# One closing line for the whole run: the sum of every test binary's
# `test result:` line and the kernel suite's `N passed, M failed`.
awk '
    /^test result:/ { p += $4; f += $6 }
    /^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
    END { printf "total: %d passed, %d failed\n", p, f }
' "$log"
