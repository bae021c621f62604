#!/bin/sh
# The network of the watch/ tests (issue 14's classic ldirectord example).
# Run as root inside the test VM only: it creates namespaces wclient, wlb,
# wrs1 and wrs2. The tests start and stop the web servers themselves.
#
#   watch-net.sh up | down
#
#   wclient 10.2.0.2 --veth-- 10.2.0.1 wlb (VIP 10.2.0.240 on the same link)
#   wlb br0 10.2.1.1 --veth-- wrs1 10.2.1.242
#                    --veth-- wrs2 10.2.1.243
set -eu

NAMESPACES="wclient wlb wrs1 wrs2"

up() {
    for ns in $NAMESPACES; do
        ip netns add "$ns"
    done
    ip -batch - <<EOF
link add c0 netns wclient type veth peer name l0 netns wlb
link add r0 netns wrs1 type veth peer name l1 netns wlb
link add r0 netns wrs2 type veth peer name l2 netns wlb
EOF
    ip -n wclient -batch - <<EOF
link set lo up
addr add 10.2.0.2/24 dev c0
link set c0 up
EOF
    ip -n wlb -batch - <<EOF
link set lo up
addr add 10.2.0.1/24 dev l0
addr add 10.2.0.240/24 dev l0
link set l0 up
link add br0 type bridge
addr add 10.2.1.1/24 dev br0
link set br0 up
link set l1 master br0
link set l1 up
link set l2 master br0
link set l2 up
EOF
    for i in 2 3; do
        ip -n "wrs$((i - 1))" -batch - <<EOF
link set lo up
addr add 10.2.1.24$i/24 dev r0
link set r0 up
route add default via 10.2.1.1
EOF
    done
    ip netns exec wlb sysctl -qw net.ipv4.ip_forward=1
}

down() {
    for ns in $NAMESPACES; do
        if [ -e "/run/netns/$ns" ]; then
            for pid in $(ip netns pids "$ns"); do
                kill "$pid" 2>/dev/null || true
            done
            ip netns del "$ns"
        fi
    done
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
