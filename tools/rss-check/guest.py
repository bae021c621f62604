"""Runs inside the VM (run.sh): the median peak RSS (KiB, 7 runs) of
Debian's ipvsadm and of each binary given, for the benchmark's RSS rows:
-Ln and -Sn of an empty table and of 2,000 services x 4 real servers."""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEAK = os.path.join(sys.argv[1], "peak")
REFERENCE = "/usr/sbin/ipvsadm"
BINARIES = [REFERENCE] + sys.argv[2:]


def peak(argv):
    out = subprocess.run([PEAK] + argv, capture_output=True, check=True)
    return int(out.stdout)


def row(name, args):
    medians = [
        str(int(statistics.median(peak([b] + args) for _ in range(7))))
        for b in BINARIES
    ]
    print(name, *medians, flush=True)


subprocess.run(["modprobe", "ip_vs"], check=True)
print("row", *BINARIES)
row("empty-Ln", ["-Ln"])
row("empty-Sn", ["-Sn"])
rules = []
for i in range(2000):
    vip = f"10.{i // 250}.{i % 250}.1:80"
    rules.append(f"-A -t {vip} -s rr\n")
    rules += [f"-a -t {vip} -r 192.168.{i % 250}.{j + 1}:80 -m -w 1\n"
              for j in range(4)]
subprocess.run([REFERENCE, "-R"], input="".join(rules).encode(), check=True)
row("2000x4-Ln", ["-Ln"])
row("2000x4-Sn", ["-Sn"])
