#!/usr/bin/env python3
"""Reads the callgrind profiles of tools/hot-symbols.sh and prints the
mangled names of the functions of our image that ran: those of the first
command (`-Ln` of an empty table, the most common run, whose pages then
fill as few 64 KiB windows as they can) first, then those run by the most
commands (then in order of first appearance)."""
import collections
import glob
import re
import sys

uses = collections.Counter()
first = {}
first_command = set()
for path in sorted(glob.glob(sys.argv[1] + "/*.out"), key=lambda p: int(re.sub(r"\D", "", p.rsplit("/", 1)[1]))):
    objects, names, current, seen = {}, {}, None, set()
    for line in open(path, errors="replace"):
        m = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?", line)
        if m:
            if m.group(3):
                objects[m.group(2)] = m.group(3).strip()
            if m.group(1) == "ob":
                current = objects.get(m.group(2), "")
            continue
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?", line)
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3).strip()
            if m.group(1) == "fn" and current.endswith("/ipvsadm"):
                name = re.sub(r"'\d+$", "", names[m.group(2)])
                # Rust's mangled names, and the C start-up code's plain
                # ones (`_start`, `main`, ...), which sit apart otherwise.
                if re.match(r"^(_ZN|_R|[A-Za-z_][A-Za-z0-9_]*$)", name):
                    seen.add(name)
                    first.setdefault(name, len(first))
    uses.update(seen)
    if not first_command:
        first_command = seen
# The entry point and the C runtime's start-up code run before anything
# else, unnamed in the profiles (`frame_dummy` stands for crtbegin.o's
# text).
print("_start")
print("frame_dummy")
for name in sorted(uses, key=lambda n: (n not in first_command, -uses[n], first[n])):
    print(name)
