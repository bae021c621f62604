#!/bin/sh
# Run by scripts/demo.sh inside the VM: the seed walk-through, every step
# done by our ipvsadm (path in $1), with the client's answers shown.
set -eu
ours=$1
net="$(dirname "$0")/../tests/kernel/walkthrough-net.sh"

modprobe ip_vs
sh "$net" up
trap 'sh "$net" down' EXIT

lb() {
    echo "lb# ipvsadm $*"
    ip netns exec lb "$ours" "$@"
}
ask() {
    for _ in $(seq "$1"); do
        answer=$(ip netns exec client curl -s --max-time 3 http://10.0.1.100/)
        echo "client# curl http://10.0.1.100/  ->  $answer"
    done
}

lb -A -t 10.0.1.100:80 -s rr
lb -a -t 10.0.1.100:80 -r 10.0.2.11:80 -m
lb -a -t 10.0.1.100:80 -r 10.0.2.12:80 -m
lb -Ln
ask 6
lb -e -t 10.0.1.100:80 -r 10.0.2.11:80 -m -w 0
lb -Ln
ask 2
lb -C
lb -Ln
