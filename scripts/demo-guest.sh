#!/bin/sh
# Run by scripts/demo.sh inside the VM: a load balancer built and changed
# with this ipvsadm (path in $1), every command and its output shown, with
# the answers a client gets.
#
#   client 10.0.1.2 --> lb, VIP 10.0.1.100 --NAT--> rs1 10.0.2.11
#                                          --NAT--> rs2 10.0.2.12
#
# The load balancer lives in the network namespace `lb`; every command
# reaches it with --netns lb. The desired table for --apply is written to
# /tmp, which is the VM's own.
set -eu
ours=$1
net="$(dirname "$0")/../tests/kernel/walkthrough-net.sh"
desired=/tmp/ipvsadm-demo.rules

modprobe ip_vs
sh "$net" up
trap 'sh "$net" down; rm -f "$desired"' EXIT

# Prints the command line, then runs it.
ipvsadm() {
    echo
    echo "# ipvsadm $*"
    "$ours" "$@"
}
ask() {
    echo
    for _ in $(seq "$1"); do
        answer=$(ip netns exec client curl -s --max-time 3 http://10.0.1.100/)
        echo "client\$ curl http://10.0.1.100/  ->  $answer"
    done
}

echo "== A round-robin web service with two NAT real servers"
ipvsadm --netns lb -A -t 10.0.1.100:80 -s rr
ipvsadm --netns lb -a -t 10.0.1.100:80 -r 10.0.2.11:80 -m
ipvsadm --netns lb -a -t 10.0.1.100:80 -r 10.0.2.12:80 -m
ipvsadm --netns lb -Ln
ask 4

echo
echo "== Draining rs1: weight 0 takes it out of new connections"
ipvsadm --netns lb -e -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 0
ask 2
ipvsadm --netns lb -Ln --format table

echo
echo "== A desired table, applied with the fewest changes"
cat > "$desired" <<'EOF'
-A -t 10.0.1.100:80 -s wrr
-a -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 1
-a -t 10.0.1.100:80 -r 10.0.2.12:80 -m -w 3
-A -t 10.0.1.100:8080 -s rr
-a -t 10.0.1.100:8080 -r 10.0.2.11:80 -m -w 1
EOF
echo
echo "# cat $desired"
cat "$desired"
ipvsadm --netns lb --apply "$desired" --dry-run
ipvsadm --netns lb --apply "$desired"
echo "(a second --dry-run prints nothing: the table is as desired)"
ipvsadm --netns lb --apply "$desired" --dry-run
ask 4
ipvsadm --netns lb -Ln --format table
