#!/usr/bin/env python3
"""Runs Debian's ipvsadm on many command lines (inside the IPVS VM) and
writes the fixture src/cli/tests/ipvsadm-1.31-cases.txt: for each line the
arguments, the exit status and stderr, as records of three lines:
    "arg" "arg" ...      (C-style escapes inside the quotes)
    <status>
    <stderr with \\n escapes>
"""
import json
import subprocess
import sys


def esc(s):
    return (s.replace('\\', '\\\\').replace('"', '\\"')
             .replace('\n', '\\n').replace('\t', '\\t'))


def main():
    cases = json.load(open(sys.argv[1]))
    out = open(sys.argv[2], 'w')
    subprocess.run(['modprobe', 'ip_vs'])
    for args in cases:
        subprocess.run(['/usr/sbin/ipvsadm', '-C'], capture_output=True)
        if any('daemon' in a for a in args):
            for s in ('master', 'backup'):
                subprocess.run(['/usr/sbin/ipvsadm', '--stop-daemon', s],
                               capture_output=True)
        try:
            r = subprocess.run(['ipvsadm'] + args,
                               executable='/usr/sbin/ipvsadm',
                               capture_output=True, timeout=10,
                               stdin=subprocess.DEVNULL,
                               env={'PATH': '/usr/sbin:/usr/bin:/sbin:/bin'})
            rc, err = r.returncode, r.stderr.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired:
            rc, err = 'timeout', ''
        out.write(' '.join('"%s"' % esc(a) for a in args) + '\n')
        out.write('%s\n%s\n' % (rc, esc(err)))
    out.close()


main()
