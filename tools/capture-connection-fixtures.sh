#!/bin/sh
# Guest script: Debian's ipvsadm -c listings of hand-made connection tables
# (a tmpfs mounted over /proc in a private mount namespace) recorded in
# /tmp/vmr/out3. Run it as root in the VM like capture-listing-fixtures.sh;
# it reads /tmp/vmr/fakeconn (src/render/tests/data/conn_input.txt) and
# /tmp/vmr/fakeconn2.
O=/tmp/vmr/out3
mkdir -p $O
exec 2>$O/stderr.txt
A=/usr/sbin/ipvsadm
modprobe ip_vs
ip link set lo up
echo "192.168.1.100 client.example" >> /etc/hosts
echo "2001:db8::99 v6client.example" >> /etc/hosts
cp /tmp/vmr/fakeconn /tmp/fc1; cp /tmp/vmr/fakeconn2 /tmp/fc2; : > /tmp/fc3
printf 'header\n\nTCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n' > /tmp/fc4
python3 -c "
import sys
h='x'*300+'\n'
row='TCP C0A80164 C350 0A000001 0050 0A010101 0050 ESTABLISHED     899\n'
open('/tmp/fc5','w').write(h+row+'A'*255+'\n'+row)
"
for n in 1 2 3 4 5; do
  for o in "-Lnc" "-Lc" "-Lnc --persistent-conn"; do
    f=$(echo "c$n$o" | tr ' -' '_m')
    echo "== ipvsadm $o < fc$n" > $O/$f.txt
    unshare -m sh -c "mount -t tmpfs none /proc && mkdir /proc/net && cp /tmp/fc$n /proc/net/ip_vs_conn && exec $A $o" >> $O/$f.txt 2>&1; echo "rc=$?" >> $O/$f.txt
  done
done
unshare -m sh -c "mount -t tmpfs none /proc && mkdir /proc/net && exec $A -Lnc" > $O/nofile.txt 2>&1; echo "rc=$?" >> $O/nofile.txt
echo done >> $O/stderr.txt
