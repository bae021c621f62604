#!/bin/sh
# Regenerate tools/hot-symbols.txt, the link order of the functions that
# ipvsadm's everyday commands execute (build.rs hands it to the linker for
# release builds). Functions laid out together are mapped together: the
# kernel maps a binary's pages 64 KiB at a time around each page touched,
# so scattered hot code made an empty listing map 576 KiB of our image.
#
# Boots Debian's IPVS kernel with virtme-ng, runs the release binary under
# valgrind's callgrind for each command below, and lists the functions of
# our image that ran, those used by the most commands first.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
if [ "$1" != "--guest" ]; then
    command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
    (cd "$root" && cargo build --release --locked)
    OUT=$(mktemp -d)
    KERNEL=${KERNEL:-$(ls /boot/vmlinuz-6.1.0-*-amd64 | head -n1)}
    export PATH=/opt/vng/bin:$PATH
    vng --run "$KERNEL" --user root --disable-kvm --cpus 2 --memory 2G \
        --rwdir "$OUT" -- "sh $here/hot-symbols.sh --guest $OUT"
    python3 "$here/hot_symbols.py" "$OUT" > "$here/hot-symbols.txt"
    echo "wrote $here/hot-symbols.txt ($(wc -l < "$here/hot-symbols.txt") functions)"
    exit 0
fi

# In the guest: $2 is the output directory.
out=$2
modprobe ip_vs
ip link set lo up
bin=/tmp/ipvsadm
cp "$root/target/release/ipvsadm" "$bin"
n=0
run() {
    n=$((n + 1))
    valgrind --tool=callgrind --demangle=no \
        --callgrind-out-file="$out/$n.out" "$bin" "$@" >/dev/null 2>&1 || true
}
run -Ln
run -Sn
{
    for i in 1 2 3 4 5 6 7 8; do
        echo "-A -t 10.0.0.$i:80 -s rr"
        echo "-a -t 10.0.0.$i:80 -r 172.16.0.$i:8080 -m -w 1"
        echo "-a -t 10.0.0.$i:80 -r 172.16.1.$i:8080 -m -w 1"
    done
    echo "-A -u 10.9.9.9:53 -s wlc -p 60"
    echo "-a -u 10.9.9.9:53 -r 10.1.1.1 -g -w 5"
    echo "-A -f 9 -s sh"
    echo "-A -t [2001:db8::1]:443 -s wrr"
    echo "-a -t [2001:db8::1]:443 -r [2001:db8::9]:443 -i"
} > /tmp/rules
run -R < /tmp/rules
run -Ln
run -Sn
run -L -n
run -Ln --stats
run -Ln --rate
run -Ln -t 10.0.0.1:80
run -A -t 10.3.3.3:80 -s rr
run -a -t 10.3.3.3:80 -r 10.4.4.4:80 -m
run -e -t 10.3.3.3:80 -r 10.4.4.4:80 -m -w 0
run -d -t 10.3.3.3:80 -r 10.4.4.4:80
run -D -t 10.3.3.3:80
run -a -t 10.3.3.3:80 -r 10.4.4.4:80
run -A -t 10.3.3.3:80 -s
run -Lnc
run -Z
run -Ln --format json
run -C
