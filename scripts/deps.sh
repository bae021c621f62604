# Sourced by scripts/test.sh and scripts/demo.sh: installs what booting a
# kernel with IPVS in QEMU needs, but only when something is missing.
#
#   ensure_vm_deps      install missing Debian packages and virtme-ng
#   find_vng            print the path of vng (PATH or /opt/vng/bin)
#   newest_kernel       print the newest /boot/vmlinuz-*-amd64
#   ensure_ldirectord_debs  download Debian's ldirectord and the Perl
#                       modules it needs into target/ldirectord-debs (the
#                       kernel suite's watch/ tests unpack them in the VM)
#   ensure_package_deps install what the package test needs (systemd's
#                       systemd-analyze, cargo-deb) when missing

VM_PACKAGES="qemu-system-x86 linux-image-amd64 ipvsadm busybox-static kmod iproute2 curl nftables tmux"

find_vng() {
    if command -v vng >/dev/null 2>&1; then
        command -v vng
    elif [ -x /opt/vng/bin/vng ]; then
        echo /opt/vng/bin/vng
    else
        return 1
    fi
}

newest_kernel() {
    local kernels
    kernels=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V) || true
    [ -n "$kernels" ] || return 1
    echo "$kernels" | tail -n 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "need root to run: $*" >&2
        return 1
    fi
}

ensure_vm_deps() {
    local missing=""
    command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu"
    newest_kernel >/dev/null || missing="$missing kernel"
    [ -x /usr/sbin/ipvsadm ] || missing="$missing ipvsadm"
    command -v busybox >/dev/null 2>&1 || missing="$missing busybox"
    command -v modprobe >/dev/null 2>&1 || [ -x /usr/sbin/modprobe ] \
        || missing="$missing kmod"
    command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] \
        || missing="$missing iproute2"
    command -v curl >/dev/null 2>&1 || missing="$missing curl"
    command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] \
        || missing="$missing nftables"
    command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
    if [ -n "$missing" ]; then
        echo "installing packages (missing:$missing)" >&2
        as_root apt-get update
        # shellcheck disable=SC2086
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends $VM_PACKAGES
    fi
    if ! find_vng >/dev/null; then
        echo "installing virtme-ng into /opt/vng" >&2
        as_root python3 -m venv /opt/vng
        as_root /opt/vng/bin/pip install virtme-ng
    fi
    # The kernel suite validates `--format json` output with jsonschema,
    # installed into virtme-ng's venv.
    local venv
    venv=$(dirname "$(find_vng)")
    if [ -x "$venv/pip" ] \
        && ! "$venv/python3" -c 'import jsonschema' 2>/dev/null; then
        echo "installing jsonschema into $venv" >&2
        as_root "$venv/pip" install jsonschema
    fi
    # ... and parses `--format prometheus` output with prometheus_client's
    # text parser (the one Prometheus' Python client ships).
    if [ -x "$venv/pip" ] \
        && ! "$venv/python3" -c 'import prometheus_client' 2>/dev/null; then
        echo "installing prometheus_client into $venv" >&2
        as_root "$venv/pip" install prometheus_client
    fi
    ensure_ldirectord_debs
}

# ldirectord is the reference of the kernel suite's watch/ tests. The VM
# shares this machine's files, so its .debs are fetched here and unpacked
# in the guest, whose overlays are writable.
ensure_ldirectord_debs() {
    local dir="${IPVSADM_LDIRECTORD_DEBS:-$PWD/target/ldirectord-debs}"
    if ls "$dir"/ldirectord_*.deb >/dev/null 2>&1; then
        return 0
    fi
    echo "downloading ldirectord's packages into $dir" >&2
    mkdir -p "$dir"
    # apt-get's sandbox user must be able to write there.
    chmod 777 "$dir"
    as_root apt-get install -y --download-only --no-install-recommends \
        -o Dir::Cache::archives="$dir" ldirectord >&2
    rm -rf "$dir/lock" "$dir/partial"
}

ensure_package_deps() {
    if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "installing systemd (for systemd-analyze)" >&2
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends systemd
    fi
    if ! cargo deb --version >/dev/null 2>&1; then
        echo "installing cargo-deb" >&2
        cargo install cargo-deb --locked --version '^3.8'
    fi
}
