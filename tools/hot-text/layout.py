#!/usr/bin/env python3
"""Writes the release binary's link layout (link/hot-text.ld).

Usage: layout.py BINARY MAP PAGES PROFILE... > link/hot-text.ld
       layout.py --check BINARY [LAYOUT]

BINARY is the release build that tools/hot-text/run.sh profiled, MAP its
GNU ld link map, PAGES the "PERMS OFFSET" lines of the pages of BINARY
that the commands touched (tools/hot-text/touched-pages.c), PROFILE the
callgrind profiles of the same commands (--demangle=no).

The layout puts first, in the text, the functions the profiles executed,
and first, in the read-only data, the input sections on the data pages
the commands touched. A function's pattern replaces the hash of the
legacy mangling with a wildcard, so that a rebuild that changes a hash
still matches.

With --check it fails when fewer than MATCHING of the layout's function
patterns match a function of BINARY: the code has moved on, and the
layout should be generated again.
"""
import fnmatch
import re
import subprocess
import sys

MATCHING = 0.8
PAGE = 4096


def functions(binary):
    names = set()
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tT":
            names.add(fields[2])
    return names


def check(binary, layout):
    text = open(layout, encoding="utf-8").read()
    patterns = re.findall(r"\*\(\.text\.(\S+) ", text)
    defined = functions(binary)
    matched = 0
    for pattern in patterns:
        if "*" not in pattern:
            matched += pattern in defined
        else:
            stem = pattern.split("*")[0]
            matched += any(n.startswith(stem) and fnmatch.fnmatchcase(n, pattern)
                           for n in defined)
    print(f"{layout}: {matched} of {len(patterns)} functions found in {binary}")
    if matched < MATCHING * len(patterns):
        sys.exit(f"fewer than {MATCHING:.0%}: run tools/hot-text/run.sh to lay out again")


def executed(profiles):
    names = set()
    for profile in profiles:
        for line in open(profile, encoding="utf-8", errors="replace"):
            match = re.match(r"^c?fn=\(\d+\) (\S+)", line)
            if match:
                names.add(re.sub(r"'\d+$", "", match.group(1)))
    return names


def input_sections(map_file, output_sections):
    """(address, size, name) of the input sections placed in
    `output_sections`, from a GNU ld map."""
    sections, current, pending = [], None, None
    for line in open(map_file, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line and not line[0].isspace():
            current = line.split()[0]
            pending = None
            continue
        fields = line.split()
        if current not in output_sections or not fields:
            continue
        if line.startswith(" .") and len(fields) == 1:
            pending = fields[0]  # a long name: address and size follow
        elif line.startswith(" .") and len(fields) >= 3 and fields[1].startswith("0x"):
            sections.append((int(fields[1], 16), int(fields[2], 16), fields[0]))
        elif pending and fields[0].startswith("0x") and len(fields) >= 2:
            sections.append((int(fields[0], 16), int(fields[1], 16), pending))
            pending = None
    return [s for s in sections if s[1] > 0]


def touched_data(map_file, pages_file):
    """Names of the read-only data input sections on touched pages (file
    offset and address are equal in this binary's read-only segments)."""
    pages = set()
    for line in open(pages_file, encoding="utf-8"):
        _perms, offset = line.split()
        pages.add(int(offset, 16) // PAGE)
    names = set()
    for address, size, name in input_sections(map_file, {".rodata", ".rodata.hot"}):
        span = set(range(address // PAGE, (address + size - 1) // PAGE + 1))
        # A plain .rodata is a C object's whole table. Merged strings and
        # constants (.rodata.str1.1, .rodata.cst16, ...) go by their
        # kind, from every object.
        if span & pages and name.startswith(".rodata."):
            names.add(name)
    return names


def unhashed(name):
    return re.sub(r"17h[0-9a-f]{16}E$", "17h*", name)


def main():
    if sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "link/hot-text.ld")
        return
    binary, map_file, pages_file, profiles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    ran = {unhashed(n) for n in executed(profiles)}
    hot = {unhashed(n) for n in functions(binary)
           if n.startswith(("_ZN", "_R")) or n == "main"} & ran
    data = {unhashed(n) for n in touched_data(map_file, pages_file)}
    print("/* The release binary's link layout: what the everyday commands use,")
    print("   kept together, so that a command maps fewer pages of the binary")
    print("   (peak RSS: docs/performance.md, \"Peak RSS and the link layout\").")
    print("   Generated by tools/hot-text/run.sh; do not edit. */")
    print("SECTIONS {")
    print("  .text.hot : {")
    # The C start-up and shut-down code that every run goes through
    # (_start, frame_dummy, ...), which callgrind names but which has no
    # section of its own.
    print("    *crt1.o(.text) *crti.o(.text) *crtbegin*.o(.text) *crtend*.o(.text)")
    for pattern in sorted(hot):
        # LLVM puts a function it knows to be cold in .text.unlikely.NAME.
        print(f"    *(.text.{pattern} .text.unlikely.{pattern})")
    print("  }")
    print("} INSERT BEFORE .text;")
    print("SECTIONS {")
    print("  .rodata.hot : {")
    for name in sorted(data):
        print(f"    *({name})")
    print("  }")
    print("} INSERT AFTER .rodata;")


main()
