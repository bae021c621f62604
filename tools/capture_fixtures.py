#!/usr/bin/env python3
"""Capture the generic-netlink traffic between Debian's ipvsadm and a real
IPVS kernel, one labelled group of packets per ipvsadm command.

Runs INSIDE the VM as root (see tools/capture-fixtures.sh). Uses the nlmon
device and a plain AF_PACKET socket, so no tcpdump is needed. Output: a text
file with, per command, '# cmd:' / '# rc:' lines followed by one
'pkt <pkttype> <hex>' line per captured netlink datagram."""

import os
import select
import socket
import subprocess
import sys
import time

IPVSADM = "/usr/sbin/ipvsadm"

SETUP = [
    "modprobe ip_vs",
    "modprobe nlmon",
    "modprobe dummy",
    "ip link set lo up",
    "ip link add dummy0 type dummy",
    "ip link set dummy0 multicast on up",
    "ip addr add 10.0.0.1/24 dev dummy0",
    "ip addr add 2001:db8::1/64 dev dummy0 nodad",
    "ip link add nlmon0 type nlmon",
    "ip link set nlmon0 up",
]

# (label, ipvsadm arguments); None arguments = generate traffic instead.
COMMANDS = [
    ("flush_initial", "-C"),
    ("new_service_tcp", "-A -t 10.0.0.1:80 -s rr"),
    ("set_service_persistent", "-E -t 10.0.0.1:80 -s wlc -p 300 -M 255.255.255.0"),
    ("new_service_udp_sh_flags", "-A -u 10.0.0.1:53 -s sh -b sh-fallback,sh-port"),
    ("new_service_udp_ops", "-A -u 10.0.0.1:54 -s rr -o"),
    ("new_service_pe_sip", "-A -u 10.0.0.1:5060 -s rr -p 60 --pe sip"),
    ("new_service_fwmark", "-A -f 1 -s rr"),
    ("new_service_fwmark6", "-A -f 2 -6 -s rr"),
    ("new_service_ipv6", "-A -t [2001:db8::1]:443 -s lc -p"),
    ("new_dest_masq", "-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 3 -x 100 -y 10"),
    ("new_dest_route", "-a -t 10.0.0.1:80 -r 10.0.0.3 -g"),
    ("new_dest_gue", "-a -t 10.0.0.1:80 -r 10.0.0.4 -i --tun-type gue --tun-port 6080 --tun-remcsum"),
    ("new_dest_gre", "-a -t 10.0.0.1:80 -r 10.0.0.5 -i --tun-type gre --tun-csum"),
    ("new_dest_ipv6", "-a -t [2001:db8::1]:443 -r [2001:db8::2]:8443 -m"),
    ("new_dest_fwmark", "-a -f 1 -r 10.0.0.6:80 -g -w 0"),
    ("set_dest", "-e -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 5"),
    ("traffic", None),
    ("list_all", "-L -n"),
    ("list_one", "-L -n -t 10.0.0.1:80"),
    ("list_stats", "-L -n --stats"),
    ("zero_one", "-Z -t 10.0.0.1:80"),
    ("zero_all", "-Z"),
    ("set_config", "--set 900 120 300"),
    ("get_config", "-L --timeout"),
    ("start_daemon_master", "--start-daemon master --mcast-interface dummy0 --syncid 5 --sync-maxlen 1400 --mcast-group 239.1.1.1 --mcast-port 8849 --mcast-ttl 2"),
    ("start_daemon_backup", "--start-daemon backup --mcast-interface dummy0"),
    ("get_daemon", "-L --daemon"),
    ("stop_daemon_master", "--stop-daemon master"),
    ("stop_daemon_backup", "--stop-daemon backup"),
    ("start_daemon_backup6", "--start-daemon backup --mcast-interface dummy0 --syncid 7 --mcast-group ff15::1:2"),
    ("get_daemon6", "-L --daemon"),
    ("stop_daemon_backup6", "--stop-daemon backup"),
    ("del_dest", "-d -t 10.0.0.1:80 -r 10.0.0.3"),
    ("del_service", "-D -t 10.0.0.1:80"),
    ("del_service_fwmark", "-D -f 1"),
    ("flush", "-C"),
]


def sh(cmd):
    subprocess.run(cmd, shell=True, check=False)


def drain(sock, out, idle=0.5):
    while True:
        r, _, _ = select.select([sock], [], [], idle)
        if not r:
            return
        data, addr = sock.recvfrom(65535)
        out.write("pkt %d %s\n" % (addr[2], data.hex()))


def traffic():
    for _ in range(3):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(0.3)
        try:
            s.connect(("10.0.0.1", 80))
        except OSError:
            pass
        s.close()
    time.sleep(2.5)  # let the rate estimator run once


def main():
    outpath = sys.argv[1]
    for c in SETUP:
        sh(c)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind(("nlmon0", 0))
    with open(outpath, "w") as out:
        for label, args in COMMANDS:
            drain(sock, open(os.devnull, "w"), idle=0.2)
            if args is None:
                traffic()
                drain(sock, open(os.devnull, "w"))
                continue
            argv = [IPVSADM] + args.split()
            p = subprocess.run(argv, capture_output=True, text=True)
            out.write("# label: %s\n# cmd: ipvsadm %s\n# rc: %d\n"
                      % (label, args, p.returncode))
            for line in (p.stdout + p.stderr).splitlines():
                out.write("# out: %s\n" % line)
            drain(sock, out)
            out.flush()


main()
