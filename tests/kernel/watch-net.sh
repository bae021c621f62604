#!/bin/sh
# The network of the watch/ tests (issue 14's classic ldirectord example).
# Run as root inside the test VM only: it creates namespaces wclient, wlb,
# wrs1, wrs2 and, for the test of 200 real servers, wrs3 and wrs4. The
# tests start and stop the servers themselves.
#
#   watch-net.sh up | down
#
#   wclient 10.2.0.2 --veth-- 10.2.0.1 wlb (VIP 10.2.0.240 on the same link)
#   wlb br0 10.2.1.1 --veth-- wrs1 10.2.1.242
#                    --veth-- wrs2 10.2.1.243
#                    --veth-- wrs3 10.2.1.10 to 10.2.1.189 (180 addresses)
#                    --veth-- wrs4 10.2.1.200 to 10.2.1.219 (20 addresses)
set -eu

NAMESPACES="wclient wlb wrs1 wrs2 wrs3 wrs4"

# addresses NS FIRST LAST: 10.2.1.FIRST to 10.2.1.LAST on NS's r0, which
# is brought up with lo and a default route through the load balancer.
addresses() {
    {
        echo "link set lo up"
        i=$2
        while [ "$i" -le "$3" ]; do
            echo "addr add 10.2.1.$i/24 dev r0"
            i=$((i + 1))
        done
        echo "link set r0 up"
        echo "route add default via 10.2.1.1"
    } | ip -n "$1" -batch -
}

up() {
    for ns in $NAMESPACES; do
        ip netns add "$ns"
    done
    ip -batch - <<EOF
link add c0 netns wclient type veth peer name l0 netns wlb
link add r0 netns wrs1 type veth peer name l1 netns wlb
link add r0 netns wrs2 type veth peer name l2 netns wlb
link add r0 netns wrs3 type veth peer name l3 netns wlb
link add r0 netns wrs4 type veth peer name l4 netns wlb
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
link set l3 master br0
link set l3 up
link set l4 master br0
link set l4 up
EOF
    addresses wrs1 242 242
    addresses wrs2 243 243
    addresses wrs3 10 189
    addresses wrs4 200 219
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
