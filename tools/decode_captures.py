#!/usr/bin/env python3
"""Print the IPVS generic-netlink messages of a captures.txt written by
tools/capture_fixtures.py, one line per netlink message:
'<label> <REQ|RPL> type=.. flags=.. <genl payload hex>' where the payload is
everything after the 16-byte nlmsghdr (genl header + attributes), i.e. what
the src/ipvs/tests fixtures hold. nlctrl (family lookup) traffic is skipped
unless --all is given. Usage: decode_captures.py captures.txt [--all]"""

import struct
import sys


def messages(data):
    off = 0
    while off + 16 <= len(data):
        ln, typ, flags, seq, pid = struct.unpack_from("<IHHII", data, off)
        if ln < 16 or off + ln > len(data):
            break
        yield typ, flags, seq, data[off + 16:off + ln]
        off += (ln + 3) & ~3


def main():
    path = sys.argv[1]
    show_all = "--all" in sys.argv
    label = "?"
    for line in open(path):
        if line.startswith("# label: "):
            label = line.split(": ", 1)[1].strip()
            continue
        if not line.startswith("pkt "):
            continue
        _, _, hexdata = line.split()
        for typ, flags, seq, payload in messages(bytes.fromhex(hexdata)):
            if typ == 0x10 and not show_all:
                continue
            kind = "REQ" if flags & 1 else "RPL"
            print("%s %s type=%d flags=0x%x seq=%d %s"
                  % (label, kind, typ, flags, seq, payload.hex()))


main()
