#!/bin/sh
# The network of the traffic suite: the walk-through network
# (walkthrough-net.sh) plus what the other forwarding methods and address
# families need. Run as root inside the test VM only.
#
#   traffic-net.sh up | down
#
# Added to the walk-through network:
# * lb: 10.0.1.101 on l0, packets to 10.0.1.101:80 marked 1 by nftables
#   (for a fwmark service);
# * IPv6: client fd00:1::2, lb fd00:1::1 and VIP fd00:1::100 on the client
#   link, lb fd00:2::1 on br0, rs1 fd00:2::11 and rs2 fd00:2::12 routing
#   through lb;
# * direct routing and tunnelling: rs1 holds the VIP 10.0.1.100 on lo
#   (arp_ignore/arp_announce so it never answers ARP for it), rs2 on the
#   ipip device tunl0 (rp_filter off, as decapsulated packets arrive there).
#   Their replies from the VIP go straight to the client over a link of
#   their own (d0 in rsN, dN in client), chosen by a policy rule for the
#   source 10.0.1.100, as in a direct-routing setup where the real servers
#   reach clients without the balancer.
set -eu

WALK="$(dirname "$0")/walkthrough-net.sh"

up() {
    sh "$WALK" up
    modprobe ipip
    ip -n lb -batch - <<EOF
addr add 10.0.1.101/24 dev l0
addr add fd00:1::1/64 dev l0 nodad
addr add fd00:1::100/64 dev l0 nodad
addr add fd00:2::1/64 dev br0 nodad
EOF
    ip netns exec lb sysctl -qw net.ipv6.conf.all.forwarding=1
    ip netns exec lb nft -f - <<EOF
table ip ipvsadm_test {
    chain prerouting {
        type filter hook prerouting priority mangle;
        ip daddr 10.0.1.101 tcp dport 80 meta mark set 1
    }
}
EOF
    ip link add d1 netns client type veth peer name d0 netns rs1
    ip link add d2 netns client type veth peer name d0 netns rs2
    ip -n client -batch - <<EOF
addr add fd00:1::2/64 dev c0 nodad
link set d1 up
link set d2 up
EOF
    ip netns exec client sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
    for i in 1 2; do
        ip -n "rs$i" -batch - <<EOF
addr add fd00:2::1$i/64 dev r0 nodad
route add default via fd00:2::1
link set d0 up
rule add from 10.0.1.100 table 100
route add 10.0.1.0/24 dev d0 table 100
EOF
    done
    ip -n rs1 addr add 10.0.1.100/32 dev lo
    ip netns exec rs1 sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
        net.ipv4.conf.all.arp_announce=2
    ip -n rs2 -batch - <<EOF
link set tunl0 up
addr add 10.0.1.100/32 dev tunl0
EOF
    ip netns exec rs2 sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
}

case "${1:-}" in
    up) up ;;
    down) sh "$WALK" down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
