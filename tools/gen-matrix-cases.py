#!/usr/bin/env python3
"""Writes tests/kernel/cases/matrix-full.cases: the whole command/option
compatibility matrix of ipvsadm 1.31 as differential cases.

For each of the 14 commands, one case holding, for each of the 34 matrix
options plus the untracked -6 and --sort, one command line that uses that
option with a valid value next to the command's otherwise valid required
options; so an illegal cell shows its matrix message and a legal one shows
what the command does with it. Each case also drops every compulsory
option once, and the list case tries every pair of its mutually exclusive
options. Usage: python3 tools/gen-matrix-cases.py [OUTPUT]."""
import os
import sys

# Option columns in ipvsadm's index order: (name, arguments).
COLUMNS = [
    ("numeric", "-n"),
    ("connection", "-c"),
    ("service-address", "-t 192.0.2.1:80"),
    ("scheduler", "-s rr"),
    ("persistent", "-p 60"),
    ("netmask", "-M 255.255.255.0"),
    ("real-server", "-r 198.51.100.1"),
    ("forwarding-method", "-m"),
    ("weight", "-w 2"),
    ("u-threshold", "-x 10"),
    ("l-threshold", "-y 0"),
    ("mcast-interface", "--mcast-interface dummy0"),
    ("timeout", "--timeout"),
    ("daemon", "--daemon"),
    ("stats", "--stats"),
    ("rate", "--rate"),
    ("thresholds", "--thresholds"),
    ("persistent-conn", "--persistent-conn"),
    ("nosort", "--nosort"),
    ("syncid", "--syncid 5"),
    ("exact", "--exact"),
    ("ops", "-o"),
    ("pe", "--pe sip"),
    ("sched-flags", "-b flag-1"),
    ("mcast-group", "--mcast-group 224.0.0.90"),
    ("mcast-port", "--mcast-port 9000"),
    ("mcast-ttl", "--mcast-ttl 2"),
    ("sync-maxlen", "--sync-maxlen 1400"),
    ("tun-info", "--tun-info"),
    ("tun-type", "--tun-type ipip"),
    ("tun-port", "--tun-port 6080"),
    ("tun-nocsum", "--tun-nocsum"),
    ("tun-csum", "--tun-csum"),
    ("tun-remcsum", "--tun-remcsum"),
]
UNTRACKED = [("ipv6", "-6"), ("sort", "--sort")]

# Extra arguments that make a tunnel option valid on -a/-e (the tunnel
# checks come after the matrix, so only legal cells get them).
TUNNEL_VALID = {
    "tun-type": "-i",
    "tun-port": "-i --tun-type gue",
    "tun-nocsum": "-i --tun-type gre",
    "tun-csum": "-i --tun-type gre",
    "tun-remcsum": "-i --tun-type gue --tun-port 6080",
}

# The compatibility matrix, one row per command (ipvsadm's order of
# columns): + compulsory, x illegal, 1 mutually exclusive, . optional.
MATRIX = {
    "-A": "xx+...xxxxxxxxxxxxxxx...xxxxxxxxxx",
    "-E": "xx+...xxxxxxxxxxxxxxx...xxxxxxxxxx",
    "-D": "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "-C": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "-L": ".11xxxxxxxxx11.......xxxxxxx.xxxxx",
    "-a": "xx+xxx+....xxxxxxxxxxxxxxxxxx.....",
    "-d": "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "-e": "xx+xxx+....xxxxxxxxxxxxxxxxxx.....",
    "--set": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "--start-daemon": "xxxxxxxxxxx.xxxxxxx.xxxx....xxxxxx",
    "--stop-daemon": "xxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxx",
    "-R": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "-S": ".xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "-Z": "xx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
}

SERVICE = "-t 192.0.2.1:80"
SERVER = "-r 198.51.100.1"


class Command:
    """How to write one command's lines: its words, the compulsory
    options it always carries, setup lines before and a line after each
    (to undo what a successful line changed)."""

    def __init__(self, name, words, setup=(), after=None):
        self.name = name
        self.words = words
        self.setup = list(setup)
        self.after = after


COMMANDS = [
    Command("add-service", "-A"),
    Command("edit-service", "-E", setup=["ipvsadm -A " + SERVICE]),
    Command("delete-service", "-D", after="ipvsadm -A " + SERVICE),
    Command("flush", "-C"),
    Command(
        "list",
        "-L",
        setup=[
            "ipvsadm -A " + SERVICE + " -s rr",
            "ipvsadm -a " + SERVICE + " " + SERVER + " -m -w 3 -x 9",
        ],
    ),
    Command("add-server", "-a", setup=["ipvsadm -A " + SERVICE]),
    Command(
        "delete-server",
        "-d",
        setup=["ipvsadm -A " + SERVICE, "ipvsadm -a " + SERVICE + " " + SERVER],
        after="ipvsadm -a " + SERVICE + " " + SERVER,
    ),
    Command(
        "edit-server",
        "-e",
        setup=["ipvsadm -A " + SERVICE, "ipvsadm -a " + SERVICE + " " + SERVER],
    ),
    Command("set", "--set 100 20 30"),
    Command(
        "start-daemon",
        "--start-daemon master",
        setup=["sh: ip link add dummy0 type dummy && "
               "ip link set dummy0 multicast on up"],
        after="ipvsadm --stop-daemon master",
    ),
    Command("stop-daemon", "--stop-daemon master"),
    Command("restore", "-R"),
    Command("save", "-S", setup=["ipvsadm -A " + SERVICE]),
    Command("zero", "-Z", setup=["ipvsadm -A " + SERVICE]),
]


def option_args(command, column, index):
    """The arguments for `column` on `command`'s line."""
    name, args = column
    row = MATRIX[command.words.split()[0]]
    legal = index is None or row[index] != "x"
    if command.words in ("-a", "-e") and legal and name in TUNNEL_VALID:
        args = TUNNEL_VALID[name] + " " + args
    if command.words in ("-A", "-E") and legal and name in ("ops", "pe"):
        return args, "-u 192.0.2.2:5060"
    return args, None


def base(command, skip=None, service=None):
    """The command words and its compulsory options, minus `skip`."""
    parts = [command.words]
    row = MATRIX[command.words.split()[0]]
    if row[2] == "+" and skip != "service-address":
        parts.append(service or SERVICE)
    if row[6] == "+" and skip != "real-server":
        parts.append(SERVER)
    return parts


def lines_for(command):
    out = list(command.setup)
    row = MATRIX[command.words.split()[0]]
    numbered = list(enumerate(COLUMNS)) + [(None, c) for c in UNTRACKED]
    for index, column in numbered:
        name = column[0]
        cell = row[index] if index is not None else "."
        if cell == "+":
            # The option is part of every line; show it missing instead.
            out.append("ipvsadm " + " ".join(base(command, skip=name)))
            continue
        args, service = option_args(command, column, index)
        if service and command.words == "-E":
            out.append("ipvsadm -A " + service)
        if name == "ipv6":
            # -6 is valid only after -f.
            words = [command.words, "-f 7", args]
            if row[2] == "+":
                words = [command.words, "-f 7 -6"]
                if row[6] == "+":
                    words.append(SERVER)
        else:
            words = base(command, service=service) + [args]
        if command.name == "start-daemon" and name != "mcast-interface":
            # A daemon needs an interface that exists (not eth0).
            words.insert(1, "--mcast-interface dummy0")
        out.append("ipvsadm " + " ".join(words))
        if command.after and cell != "x":
            out.append(command.after)
    if "1" in row:
        exclusive = [c for i, c in enumerate(COLUMNS) if row[i] == "1"]
        for i, first in enumerate(exclusive):
            for second in exclusive[i + 1:]:
                out.append("ipvsadm %s %s %s" % (command.words, first[1],
                                                 second[1]))
                out.append("ipvsadm %s %s %s" % (command.words, second[1],
                                                 first[1]))
    out.append("ipvsadm -Sn")
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "tests", "kernel", "cases", "matrix-full.cases")
    text = [
        "# Generated by tools/gen-matrix-cases.py; do not edit by hand.",
        "# Every command of ipvsadm with every option of its command/option",
        "# matrix (and the untracked -6 and --sort): one line per option.",
    ]
    for command in COMMANDS:
        text.append("")
        text.append("### %s with every option" % command.name)
        text.extend(lines_for(command))
    with open(target, "w") as f:
        f.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
