#!/usr/bin/env bash
# The Debian package's test: builds ipvsadm-rs_*.deb with cargo-deb
# (installing cargo-deb when missing), checks ipvsadm.service with
# `systemd-analyze verify`, then boots ONE VM of its own (the guest changes
# /usr, /etc and /var inside its writable overlays) and runs
# tests/package/guest.sh there: the install over Debian's ipvsadm with
# `dpkg -i` and with `apt-get install ./FILE.deb` (no flush, Debian's files
# diverted aside), ldirectord beside it, the unit's commands,
# ipvsadm-save/-restore, and a removal and purge that give Debian's files
# back. Debian's ipvsadm .deb
# and ldirectord's .debs are downloaded on the host first (the guest has no
# network). Ends with a line `N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
source scripts/deps.sh

ensure_vm_deps
ensure_package_deps

work="${PACKAGE_TEST_DIR:-$PWD/target/package-test}"
debs="$work/debs"
rm -rf "$work"
mkdir -p "$debs/ldirectord"
passed=0
failed=0

echo "+ cargo deb --locked" >&2
cargo deb --locked >&2
deb=$(ls -t target/debian/ipvsadm-rs_*_amd64.deb | head -n 1)
# The binary as packaged (cargo-deb strips it): what /usr/sbin/ipvsadm must
# be after the swap.
dpkg-deb -x "$deb" "$work/deb-root"

# systemd-analyze verify needs the programs the unit runs, so it checks a
# copy of the unit whose paths point into the source tree.
unit_dir="$work/unit"
mkdir -p "$unit_dir"
sed "s#/usr/libexec/ipvsadm-rs/ipvsadm-service#$PWD/debian/ipvsadm-service#" \
    debian/ipvsadm.service >"$unit_dir/ipvsadm.service"
if out=$(systemd-analyze verify "$unit_dir/ipvsadm.service" 2>&1) \
    && [ -z "$out" ]; then
    echo "ok systemd-analyze verify ipvsadm.service"
    passed=$((passed + 1))
else
    echo "FAIL systemd-analyze verify ipvsadm.service"
    echo "$out" | sed 's/^/    /'
    failed=$((failed + 1))
fi

# Debian's ipvsadm (reinstalled in the guest for the apt path) and
# ldirectord and keepalived with whatever they need that this machine lacks. apt-get runs
# as root; its sandbox user cannot write into target/, hence the chmod.
chmod 777 "$debs" "$debs/ldirectord"
(cd "$debs" && as_root apt-get download ipvsadm >&2)
as_root apt-get install -y --download-only --no-install-recommends \
    -o Dir::Cache::archives="$debs/ldirectord" ldirectord keepalived >&2
debian_deb=$(ls "$debs"/ipvsadm_*.deb)
rm -f "$debs/ldirectord/lock"
rm -rf "$debs/ldirectord/partial"

vng=$(find_vng)
# vng runs its helpers (virtme-run, ...) from its own directory.
PATH="$(dirname "$vng"):$PATH"
kernel=$(newest_kernel)
result="$work/guest.out"
# The guest runs a copy, so editing the script meanwhile cannot change a run.
cp tests/package/guest.sh "$work/guest.sh"
status=0
"$vng" --run "$kernel" --user root --disable-kvm --cpus 2 --memory 2G \
    --rwdir "$work" -- \
    "PACKAGE_TEST_LOG='$work/guest.log' \
        sh '$work/guest.sh' '$PWD/$deb' '$debian_deb' \
        '$debs/ldirectord' '$work/deb-root/usr/sbin/ipvsadm' '$PWD' \
        > '$result' 2>&1" || status=$?
cat "$result"
guest=$(tail -n 1 "$result")
if [[ "$guest" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
else
    echo "FAIL the package test's VM did not finish (status $status)"
    tail -n 30 "$work/guest.log" 2>/dev/null | sed 's/^/    /'
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
