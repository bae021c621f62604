#!/bin/sh
# Run by scripts/package-test.sh inside the VM (root, writable overlays on
# /etc /usr /var): installs ipvsadm-rs over Debian's ipvsadm package, first
# with `dpkg -i`, then (after removing and purging ours and reinstalling
# Debian's) with `apt-get install ./FILE.deb`, and checks the package's
# promises: Debian's package stays installed with its files diverted aside,
# and the live table is never flushed. Prints one line per check and a
# closing `N passed, M failed`.
#
#   guest.sh OURS_DEB DEBIAN_DEB LDIRECTORD_DIR BINARY REPO
#
# OURS_DEB: the ipvsadm-rs package; DEBIAN_DEB: Debian's ipvsadm package;
# LDIRECTORD_DIR: ldirectord's and keepalived's .debs and the .debs they need; BINARY: the
# ipvsadm inside OURS_DEB, extracted (also used to read the table when no
# package provides one); REPO: the source tree (for the unit and scripts).
set -u
ours_deb=$1
debian_deb=$2
ldirectord_dir=$3
binary=$4
repo=$5

export DEBIAN_FRONTEND=noninteractive
passed=0
failed=0
# Every command's output, kept on the host (PACKAGE_TEST_LOG).
log=${PACKAGE_TEST_LOG:-/tmp/package-test.log}

check() {
    name=$1
    shift
    echo "== $(date +%T) $name" >>"$log"
    if "$@" >>"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        tail -n 20 "$log" | sed 's/^/    /'
    fi
}

# The table, numeric and sorted (kernel order is hash order), read with
# the binary under test, which exists whichever package is installed.
table() {
    "$binary" -Sn | sort
}

same_text() {
    if [ "$1" != "$2" ]; then
        echo "expected:"
        echo "$1"
        echo "got:"
        echo "$2"
        return 1
    fi
}

table_is() {
    same_text "$1" "$(table)"
}

# Whether the rules file $1 (comments stripped, as ipvsadm-service does:
# `--apply` takes no comment lines) plans no change.
nothing_to_apply() {
    plan=$(grep -v '^[[:space:]]*#' "$1" | "$binary" --apply - --dry-run) \
        || return 1
    same_text "" "$plan"
}

# The value of KEY= in the installed unit, run through sh as systemd would
# run it (the lines hold no systemd specifiers or quoting).
unit=/usr/lib/systemd/system/ipvsadm.service
unit_line() {
    sed -n "s/^$1=//p" "$unit"
}
run_unit() {
    command=$(unit_line "$1")
    [ -n "$command" ] || {
        echo "no $1= in $unit"
        return 1
    }
    echo "+ $command"
    sh -c "$command"
}

debian_installed() {
    same_text "installed" \
        "$(dpkg-query -f '${db:Status-Status}' -W ipvsadm 2>&1)"
}

no_diversions() {
    diversions=$(dpkg-divert --list | grep ipvsadm)
    same_text "" "$diversions"
}

# Debian's files where dpkg expects them (diverted or not) and unchanged;
# conffiles (lines ` c `) may hold the test's edits.
debian_files_intact() {
    changed=$(dpkg --verify ipvsadm | grep -v '^.\{9\} c ')
    same_text "" "$changed"
}

# Debian's binary, moved aside to /sbin/ipvsadm.distrib while ours is
# installed.
debian_diverted() {
    same_text "/sbin/ipvsadm.distrib" "$(dpkg-divert --truename /sbin/ipvsadm)" \
        && cmp "$debian_root/sbin/ipvsadm" /sbin/ipvsadm.distrib \
        && cmp "$debian_root/usr/share/man/man8/ipvsadm.8.gz" \
            /usr/share/man/man8/ipvsadm.distrib.8.gz
}

# Debian's own binary at /usr/sbin/ipvsadm, working.
debian_binary_back() {
    cmp "$debian_root/sbin/ipvsadm" /usr/sbin/ipvsadm \
        && same_text "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)" \
            "$(/usr/sbin/ipvsadm -v)" \
        && cmp "$debian_root/usr/share/man/man8/ipvsadm.8.gz" \
            /usr/share/man/man8/ipvsadm.8.gz
}

# Whether the log $1 shows that Debian's init script ran: its flush
# ("Clearing the current IPVS table") or its load.
init_script_silent() {
    if grep -E 'Clearing the current IPVS table|Loading IPVS configuration' "$1"; then
        return 1
    fi
}

# The service added by hand after the rules were saved: in the table,
# not in /etc/ipvsadm.rules, so a flush and reload would lose it.
hand_service_kept() {
    ! grep -q '10.0.0.99:8080' /etc/ipvsadm.rules \
        && table | grep -qx -- '-A -t 10.0.0.99:8080 -s sh'
}

files_are_ours() {
    cmp "$binary" /usr/sbin/ipvsadm \
        && cmp "$repo/debian/ipvsadm-save" /usr/sbin/ipvsadm-save \
        && cmp "$repo/debian/ipvsadm-restore" /usr/sbin/ipvsadm-restore \
        && cmp "$binary" /sbin/ipvsadm \
        && dpkg -S /usr/sbin/ipvsadm | grep -q '^ipvsadm-rs:'
}

# Debian's ipvsadm with AUTO="true" and its table saved to
# /etc/ipvsadm.rules by Debian's init script, as a director runs it.
debian_setup() {
    if grep -q '^AUTO=' /etc/default/ipvsadm 2>/dev/null; then
        sed -i 's/^AUTO=.*/AUTO="true"/' /etc/default/ipvsadm
    else
        echo 'AUTO="true"' >>/etc/default/ipvsadm
    fi
    /sbin/ipvsadm -C
    /sbin/ipvsadm -A -t 10.0.0.1:80 -s wrr
    /sbin/ipvsadm -a -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 3
    /sbin/ipvsadm -a -t 10.0.0.1:80 -r 10.0.2.12:80 -m
    /sbin/ipvsadm -A -u 10.0.0.1:53 -s rr
    /sbin/ipvsadm -A -t 10.0.0.9:443 -s lc -p 300
    /etc/init.d/ipvsadm save
    /sbin/ipvsadm -A -t 10.0.0.99:8080 -s sh
}

# dpkg -i of ours, its output also kept in $log.dpkg.
dpkg_install() {
    dpkg -i "$ours_deb" >"$log.dpkg" 2>&1
    status=$?
    cat "$log.dpkg"
    return $status
}

# apt-get install of the local .deb (no --no-download: with it, apt 2.6
# fails with "Pathname to install is not absolute"), its output also kept
# in $log.apt.
apt_install() {
    apt-get install -y "$ours_deb" >"$log.apt" 2>&1
    status=$?
    cat "$log.apt"
    return $status
}

save_usage() {
    note=$(ipvsadm-save -x 2>&1 >/dev/null)
    status=$?
    [ "$status" -eq 1 ] && echo "$note" | grep -q 'Script to save the IPVS table'
}

# Swap checks shared by both install paths; $1 names the path.
after_swap() {
    check "$1: /usr/sbin/ipvsadm and the save/restore scripts are ours" \
        files_are_ours
    check "$1: the table is as before the swap" table_is "$before"
    check "$1: the service added by hand is kept (no flush and reload)" \
        hand_service_kept
    check "$1: Debian's package stays installed" debian_installed
    check "$1: Debian's files are diverted aside" debian_diverted
    check "$1: dpkg --verify ipvsadm (Debian's files intact)" \
        debian_files_intact
    check "$1: dpkg --verify ipvsadm-rs" \
        sh -c '[ -z "$(dpkg --verify ipvsadm-rs)" ]'
    check "$1: the edited /etc/default/ipvsadm is kept" \
        grep -qx 'AUTO="true"' /etc/default/ipvsadm
    check "$1: /etc/ipvsadm.rules is kept" \
        grep -q -- '-A -t 10.0.0.1:80 -s wrr' /etc/ipvsadm.rules
    check "$1: ipvsadm.service is enabled for boot" \
        test -L /etc/systemd/system/multi-user.target.wants/ipvsadm.service
}

# Installs with service starts refused, as in a chroot.
without_service_starts() {
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    "$@"
    status=$?
    rm -f /usr/sbin/policy-rc.d
    return $status
}

modprobe ip_vs || exit 1
# Debian's package as shipped, to compare its files with.
debian_root=$(mktemp -d)
dpkg-deb -x "$debian_deb" "$debian_root"
: >"$log"
# This throw-away guest skips man-db's index rebuild and dpkg's fsyncs, both
# very slow under emulation and over the shared root filesystem.
rm -f /var/lib/man-db/auto-update
echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/package-test
# A container's policy-rc.d (exit 101) would keep Debian's init script
# (its stop flushes the table with AUTO="true") from running even if a
# maintainer script called it: the swap is tested without one.
rm -f /usr/sbin/policy-rc.d

# 1. dpkg -i over Debian's package.
check "Debian's ipvsadm is installed in the guest" \
    dpkg-query -W -f '${Status}' ipvsadm
check "rules loaded with Debian's ipvsadm" debian_setup
before=$(table)
check "dpkg -i" dpkg_install
check "dpkg -i: Debian's init script did not run (no flush, no load)" \
    init_script_silent "$log.dpkg"
after_swap "dpkg -i"

# 2. ldirectord, which depends on ipvsadm, and keepalived, which
# recommends it, install beside ours.
check "ldirectord and keepalived install" \
    without_service_starts dpkg -i "$ldirectord_dir"/*.deb
check "keepalived is installed" sh -c \
    "[ \"\$(dpkg-query -f '\${db:Status-Status}' -W keepalived)\" = installed ]"
check "ldirectord, keepalived: the table is unchanged" table_is "$before"

# 3. The unit's commands, run as the unit runs them.
check "the installed unit is the repository's" \
    cmp "$repo/debian/ipvsadm.service" "$unit"
cat >/etc/ipvsadm.rules <<'EOF'
# rules of the package test
-A -t 10.0.0.1:80 -s wrr
-a -t 10.0.0.1:80 -r 10.0.2.11:80 -m -w 5
-A -t 10.0.0.2:80 -s rr
-a -t 10.0.0.2:80 -r 10.0.2.21:80 -g -w 1
EOF
wanted=$(grep -v '^#' /etc/ipvsadm.rules | sort)
check "start: the table is the rules file" run_unit ExecStart
check "start: the table is the rules file (read back)" table_is "$wanted"
check "start: nothing left to apply" \
    nothing_to_apply /etc/ipvsadm.rules
check "start again: exits 0" run_unit ExecStart
check "start again: the table is unchanged" table_is "$wanted"
echo '-a -t 10.0.0.2:80 -r 10.0.2.22:80 -g -w 2' >>/etc/ipvsadm.rules
wanted=$(grep -v '^#' /etc/ipvsadm.rules | sort)
check "reload: exits 0" run_unit ExecReload
check "reload: the table is the edited rules file" table_is "$wanted"
check "reload again: nothing left to apply" \
    nothing_to_apply /etc/ipvsadm.rules
check "reload again: exits 0" run_unit ExecReload
check "reload again: the table is unchanged" table_is "$wanted"
sed -i 's/^AUTO=.*/AUTO="false"/' /etc/default/ipvsadm
echo '-A -t 10.0.0.3:80' >>/etc/ipvsadm.rules
check "AUTO=false: start leaves the table alone" run_unit ExecStart
check "AUTO=false: the table is unchanged" table_is "$wanted"
sed -i 's/^AUTO=.*/AUTO="true"/' /etc/default/ipvsadm
printf '# no rules yet\n\n' >/etc/ipvsadm.rules
check "rules without a rule: start exits 0" run_unit ExecStart
check "rules without a rule: the table is unchanged" table_is "$wanted"
rm /etc/ipvsadm.rules
check "no rules file: reload exits 0" run_unit ExecReload
check "no rules file: the table is unchanged" table_is "$wanted"

sed -i -e 's/^DAEMON=.*/DAEMON="master"/' -e 's/^IFACE=.*/IFACE="lo"/' \
    /etc/default/ipvsadm
check "DAEMON=master: start starts the sync daemon" run_unit ExecStart
check "DAEMON=master: the daemon runs on lo" sh -c \
    "'$binary' -L --daemon | grep -q '^master sync daemon (mcast=lo, syncid=0'"
check "DAEMON=master: start again exits 0" run_unit ExecStart
check "DAEMON=master: stop stops the sync daemon" run_unit ExecStop
check "DAEMON=master: no daemon runs after stop" sh -c \
    "[ -z \"\$('$binary' -L --daemon)\" ]"
check "stop: the table is unchanged" table_is "$wanted"
sed -i 's/^DAEMON=.*/DAEMON="none"/' /etc/default/ipvsadm

# 4. ipvsadm-save | ipvsadm-restore.
saved=$(ipvsadm-save -n)
"$binary" -A -t 10.0.0.7:25
"$binary" -d -t 10.0.0.1:80 -r 10.0.2.11:80
check "ipvsadm-restore of a saved table exits 0" \
    sh -c "printf '# saved\n%s\n' \"\$1\" | ipvsadm-restore" - "$saved"
check "ipvsadm-save | ipvsadm-restore round-trips" \
    same_text "$saved" "$(ipvsadm-save -n)"
check "ipvsadm-save -x fails with a usage note" save_usage

# 5. Removing, then purging ours leaves the table and gives Debian's
# files back.
# (ldirectord stays: Debian's package satisfies its dependency.)
before=$(table)
check "dpkg -r ipvsadm-rs" dpkg -r ipvsadm-rs
check "remove: the table is unchanged" table_is "$before"
check "remove: Debian's /usr/sbin/ipvsadm is back and works" \
    debian_binary_back
check "remove: no diversion is left" no_diversions
check "remove: dpkg --verify ipvsadm (Debian's files intact)" \
    debian_files_intact
echo '# rules kept by the purge' >/etc/ipvsadm.rules
check "dpkg --purge ipvsadm-rs" dpkg --purge ipvsadm-rs
check "purge: the table is unchanged" table_is "$before"
check "purge: Debian's conffiles are kept" sh -c \
    "grep -qx 'AUTO=\"true\"' /etc/default/ipvsadm \
        && grep -qx '# rules kept by the purge' /etc/ipvsadm.rules"
check "purge: Debian's /usr/sbin/ipvsadm still works" debian_binary_back

# 6. apt-get install ./FILE.deb over Debian's package, reinstalled.
check "Debian's ipvsadm reinstalls" dpkg -i "$debian_deb"
check "rules loaded with Debian's ipvsadm (again)" debian_setup
before=$(table)
check "apt-get install ./ipvsadm-rs.deb" apt_install
check "apt: Debian's init script did not run (no flush, no load)" \
    init_script_silent "$log.apt"
after_swap "apt"

# 7. Debian's package removed while ours stays: ldirectord's dependency on
# ipvsadm is then met by ours (Provides), and our files stay.
before=$(table)
check "Debian's ipvsadm removes under ldirectord (ours provides ipvsadm)" \
    without_service_starts dpkg -r ipvsadm
check "Debian's removed: ldirectord stays installed" sh -c \
    "[ \"\$(dpkg-query -f '\${db:Status-Status}' -W ldirectord)\" = installed ]"
check "Debian's removed: /usr/sbin/ipvsadm and the scripts are ours" \
    files_are_ours
check "Debian's removed: dpkg --verify ipvsadm-rs" \
    sh -c '[ -z "$(dpkg --verify ipvsadm-rs)" ]'
check "Debian's removed: the table is unchanged" table_is "$before"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
