#!/bin/sh
# Guest script: builds a table with Debian's ipvsadm 1.31 inside the project
# VM and records its listings, one file per command line, in /tmp/vmr/out.
# Run it as root in the VM with /tmp/vmr writable, e.g.
#   vng --run /boot/vmlinuz-6.1.0-*-amd64 --user root --rwdir /tmp/vmr \
#       -- sh tools/capture-listing-fixtures.sh
# The connection part reads /tmp/vmr/fakeconn (the text kept as
# src/render/tests/data/conn_input.txt) and /tmp/vmr/fakeconn2.
# The captures the render tests compare with are in src/render/tests/data/.
O=/tmp/vmr/out
mkdir -p $O
exec 2>$O/stderr.txt
A=/usr/sbin/ipvsadm
for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_wlc ip_vs_sh ip_vs_mh ip_vs_pe_sip ip_vs_ftp; do modprobe $m; done
ip link set lo up
echo "198.51.100.7 a-rather-long-host-name.with.many.labels.and.more.example.org" >> /etc/hosts
echo "2001:db8::77 a-rather-long-host-name.with.many.labels.and.more.example.org" >> /etc/hosts
echo "192.168.1.1 realone" >> /etc/hosts
echo "2001:db8::10 six.example" >> /etc/hosts
$A -A -t 10.0.0.1:80 -s rr
$A -a -t 10.0.0.1:80 -r 192.168.1.1:80 -g -w 1
$A -a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 3
$A -A -t 10.0.0.1:443 -s wlc -p
$A -A -u 10.0.0.2:514 -s wlc -o
$A -A -u [2001:db8::1]:53 -s sh -b sh-fallback,sh-port
$A -a -u [2001:db8::1]:53 -r [2001:db8::10]:5353 -m -w 1
$A -A -f 7 -6 -s wlc -p -M 64 --pe sip
$A -A -f 42 -s wrr -p 600 -M 255.255.255.0
$A -a -f 42 -r 10.1.1.1 -i -w 0 --tun-type gue --tun-port 6080 --tun-csum
$A -a -f 42 -r 10.1.1.2 -i -w 1 --tun-type gre --tun-csum
$A -a -f 42 -r 10.1.1.3 -i -w 1 --tun-type ipip
$A -a -f 42 -r 10.1.1.4 -i -w 1 --tun-type gue --tun-port 6081 --tun-remcsum
$A -a -f 42 -r 10.1.1.5 -i -w 1 --tun-type gue --tun-port 65535 --tun-nocsum
$A -A -t 200.0.0.1:80 -s rr
$A -A -t 100.0.0.1:80 -s rr
$A -A -t 10.0.0.1:8080 -s rr
$A -a -t 10.0.0.1:8080 -r 10.3.3.3:80 -m
$A -a -t 10.0.0.1:8080 -r 200.3.3.3:80 -m
$A -a -t 10.0.0.1:8080 -r 192.168.3.3:80 -m -x 100 -y 10
$A -a -t 10.0.0.1:8080 -r 192.168.3.3:81 -m -w 2147483647
$A -A -f 3000000000 -s rr
$A -a -f 3000000000 -r 10.2.2.2 -x 100 -y 10
$A -A -f 1 -s rr
$A -A -t 10.0.0.9:80 -s mh -b flag-3
$A -A -t 10.0.0.9:81 -s rr -b flag-1,flag-3
$A -A --sctp-service 10.0.0.3:9 -s rr -p 30 -o
$A -A -u 10.0.0.3:5060 -s rr --pe sip
$A -A -t 198.51.100.7:80 -s rr
$A -a -t 198.51.100.7:80 -r 198.51.100.7:8080 -m
$A -a -t 198.51.100.7:80 -r [2001:db8::77]:8080 -i
$A -A -t [2001:db8::77]:443 -s rr
$A -a -t [2001:db8::77]:443 -r [2001:db8::77]:443 -m
$A -a -t [2001:db8::77]:443 -r [::ffff:1.2.3.4]:443 -m
$A -A -t [::1.2.3.4]:443 -s rr
for o in "-Ln" "-L" "" "-Ln --stats" "-Ln --rate" "-Ln --thresholds" "-Ln --persistent-conn" "-Ln --tun-info" "-Ln --stats --exact" "-Ln --rate --exact" "-L --stats" "-Sn" "-S" "-L --timeout" "-L --daemon" "-Ln --nosort" "-Ln -t 10.0.0.1:8080" "-L -t 10.0.0.1:80 --stats" "-L -f 42 --tun-info" "-L -f 7 -6"; do
  f=$(echo "x$o" | tr ' -' '_m')
  echo "== ipvsadm $o" > $O/$f.txt
  $A $o >> $O/$f.txt 2>&1; echo "rc=$?" >> $O/$f.txt
done
ip link add d0 type dummy; ip link set d0 up multicast on
ip link add d1 type dummy; ip link set d1 up multicast on
ip -6 addr add fe80::1/64 dev d1
$A --start-daemon master --mcast-interface d0 --syncid 0 --mcast-group 224.0.0.81 --mcast-port 8848 --mcast-ttl 1 --sync-maxlen 1472
$A --start-daemon backup --mcast-interface d1 --syncid 7 --mcast-group ff02::1:81 --mcast-port 9000 --mcast-ttl 3 --sync-maxlen 1400
$A --set 901 121 301
for o in "-L --daemon" "-L --timeout"; do
  f=$(echo "y$o" | tr ' -' '_m')
  echo "== ipvsadm $o" > $O/$f.txt
  $A $o >> $O/$f.txt 2>&1; echo "rc=$?" >> $O/$f.txt
done
# connection table from a fake file
cp /tmp/vmr/fakeconn /tmp/fakeconn
mount --bind /tmp/fakeconn /proc/net/ip_vs_conn && echo bound >> $O/stderr.txt
for o in "-Lnc" "-Lc" "-Lnc --persistent-conn"; do
  f=$(echo "z$o" | tr ' -' '_m')
  echo "== ipvsadm $o" > $O/$f.txt
  $A $o >> $O/$f.txt 2>&1; echo "rc=$?" >> $O/$f.txt
done
cp /tmp/vmr/fakeconn2 /tmp/fakeconn2
mount --bind /tmp/fakeconn2 /proc/net/ip_vs_conn && echo bound2 >> $O/stderr.txt
$A -Lnc > $O/zz_conn2.txt 2>&1; echo "rc=$?" >> $O/zz_conn2.txt
: > /tmp/empty
mount --bind /tmp/empty /proc/net/ip_vs_conn
$A -Lnc > $O/zz_conn3.txt 2>&1; echo "rc=$?" >> $O/zz_conn3.txt
echo done >> $O/stderr.txt
