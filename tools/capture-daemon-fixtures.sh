#!/bin/sh
# Guest script: Debian's ipvsadm -L --daemon with sync daemons started on
# dummy interfaces, recorded in /tmp/vmr/out2. Run it as root in the VM
# like capture-listing-fixtures.sh (it also reads /tmp/vmr/fakeconn*).
O=/tmp/vmr/out2
mkdir -p $O
exec 2>$O/stderr.txt
A=/usr/sbin/ipvsadm
modprobe ip_vs
ip link set lo up
ip link add d0 type dummy; ip link set d0 multicast on; ip link set d0 up
ip addr add 192.0.2.1/24 dev d0
ip link add d1 type dummy; ip link set d1 multicast on; ip link set d1 up
ip -6 addr add 2001:db8:9::1/64 dev d1
sleep 1
ip link show >> $O/stderr.txt
$A --start-daemon master --mcast-interface d0 >> $O/stderr.txt 2>&1; echo "m1 $?" >> $O/stderr.txt
$A -L --daemon > $O/d1.txt 2>&1
$A --stop-daemon master
$A --start-daemon master --mcast-interface d0 --syncid 0 --mcast-group 224.0.0.81 --mcast-port 8848 --mcast-ttl 1 --sync-maxlen 1472 >> $O/stderr.txt 2>&1; echo "m2 $?" >> $O/stderr.txt
$A --start-daemon backup --mcast-interface d1 --syncid 7 --mcast-group ff02::1:81 --mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1400 >> $O/stderr.txt 2>&1; echo "b1 $?" >> $O/stderr.txt
$A -L --daemon > $O/d2.txt 2>&1; echo "rc=$?" >> $O/d2.txt
$A --start-daemon backup --mcast-interface d1 --syncid 300 >> $O/stderr.txt 2>&1; echo "b2 $?" >> $O/stderr.txt
$A -L --daemon > $O/d3.txt 2>&1; echo "rc=$?" >> $O/d3.txt
for n in 1 2 3; do
  cp /tmp/vmr/fakeconn$n /tmp/fc$n 2>/dev/null || cp /tmp/vmr/fakeconn /tmp/fc$n
done
cp /tmp/vmr/fakeconn /tmp/fc1; cp /tmp/vmr/fakeconn2 /tmp/fc2; : > /tmp/fc3
for n in 1 2 3; do
  for o in "-Lnc" "-Lc" "-Lnc --persistent-conn"; do
    f=$(echo "c$n$o" | tr ' -' '_m')
    echo "== ipvsadm $o < fc$n" > $O/$f.txt
    unshare -m sh -c "mount --bind /tmp/fc$n /proc/\$\$/net/ip_vs_conn && exec $A $o" >> $O/$f.txt 2>&1; echo "rc=$?" >> $O/$f.txt
  done
done
echo done >> $O/stderr.txt
