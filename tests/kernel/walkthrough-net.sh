#!/bin/sh
# The network of the seed walk-through, for the kernel test suite and for
# scripts/demo.sh. Run as root inside the test VM (never on a real host: it
# creates namespaces named client, lb, rs1 and rs2).
#
#   walkthrough-net.sh up     build it and start the web servers
#   walkthrough-net.sh down   stop the servers and remove the namespaces
#
#   client 10.0.1.2 --veth-- 10.0.1.1 lb (VIP 10.0.1.100 on the same link)
#   lb br0 10.0.2.1 --veth-- rs1 10.0.2.11
#                   --veth-- rs2 10.0.2.12
#
# lb forwards (net.ipv4.ip_forward=1) and is the real servers' default
# gateway, as IPVS masquerading (-m) needs. rs1 and rs2 run busybox httpd on
# port 80 serving a page that holds their own name. All addresses exist only
# inside the VM.
set -eu

WWW=${IPVSADM_WALKTHROUGH_WWW:-/tmp/ipvsadm-walkthrough}
NAMESPACES="client lb rs1 rs2"

up() {
    # `ip -batch` per namespace: every process start is expensive in the VM.
    for ns in $NAMESPACES; do
        ip netns add "$ns"
    done
    ip -batch - <<EOF
link add c0 netns client type veth peer name l0 netns lb
link add r0 netns rs1 type veth peer name l1 netns lb
link add r0 netns rs2 type veth peer name l2 netns lb
EOF
    ip -n client -batch - <<EOF
link set lo up
addr add 10.0.1.2/24 dev c0
link set c0 up
EOF
    ip -n lb -batch - <<EOF
link set lo up
addr add 10.0.1.1/24 dev l0
addr add 10.0.1.100/24 dev l0
link set l0 up
link add br0 type bridge
addr add 10.0.2.1/24 dev br0
link set br0 up
link set l1 master br0
link set l1 up
link set l2 master br0
link set l2 up
EOF
    for i in 1 2; do
        ip -n "rs$i" -batch - <<EOF
link set lo up
addr add 10.0.2.1$i/24 dev r0
link set r0 up
route add default via 10.0.2.1
EOF
    done
    ip netns exec lb sysctl -qw net.ipv4.ip_forward=1

    for i in 1 2; do
        mkdir -p "$WWW/rs$i"
        echo "rs$i" > "$WWW/rs$i/index.html"
        # Without -f busybox httpd puts itself in the background.
        ip netns exec "rs$i" busybox httpd -p 80 -h "$WWW/rs$i"
    done
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
    rm -rf "$WWW"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
