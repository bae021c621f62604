#!/usr/bin/env python3
"""Generates the command lines for differential.py (deterministic)."""
import json
import random

BASES = [
    ['-A', '-u', '1.2.3.4:80'], ['-E', '-u', '1.2.3.4:80'],
    ['-D', '-u', '1.2.3.4:80'], ['-C'], ['-L'],
    ['-a', '-u', '1.2.3.4:80', '-r', '2.2.2.2'],
    ['-d', '-u', '1.2.3.4:80', '-r', '2.2.2.2'],
    ['-e', '-u', '1.2.3.4:80', '-r', '2.2.2.2'],
    ['--set', '1', '2', '3'], ['--start-daemon', 'master'],
    ['--stop-daemon', 'backup'], ['-S'], ['-Z'],
]
SAMPLES = [
    ['-n'], ['-c'], ['-t', '1.2.3.4:80'], ['-s', 'rr'], ['-p'],
    ['-M', '255.255.255.0'], ['-r', '2.2.2.2'], ['-i'], ['-w', '2'],
    ['-x', '1'], ['-y', '1'], ['--mcast-interface', 'lo'], ['--timeout'],
    ['--daemon'], ['--stats'], ['--rate'], ['--thresholds'],
    ['--persistent-conn'], ['--nosort'], ['--syncid', '1'], ['--exact'],
    ['-o'], ['--pe', 'sip'], ['-b', 'flag-1'],
    ['--mcast-group', '224.0.0.1'], ['--mcast-port', '9'],
    ['--mcast-ttl', '2'], ['--sync-maxlen', '100'], ['--tun-info'],
    ['--tun-type', 'gue'], ['--tun-port', '9'], ['--tun-nocsum'],
    ['--tun-csum'], ['--tun-remcsum'], ['-6'], ['--sort'], ['-f', '1'],
    ['-m'], ['-g'], ['-X'],
]
BAD = [
    ['-w', 'x'], ['-x', '-1'], ['-y', ''], ['-p', '0'], ['-f', '0'],
    ['-t', '1234'], ['-r', ':80'], ['-M', 'zz'], ['--syncid', '300'],
    ['--mcast-port', '0'], ['--mcast-ttl', '0'], ['--sync-maxlen', '0'],
    ['--mcast-group', '1.1.1.1'], ['--tun-type', 'x'], ['--tun-port', 'x'],
    ['-b', 'x'], ['-b', 'mh-port'], ['--bogus'], ['-Q'], ['-6'],
    ['-A'], ['-h'], ['extra'], ['--'], ['-'],
]

cases = []
for base in BASES:
    cases.append(base)
    for s in SAMPLES:
        cases.append(base + s)

manual = '''
-A -t 1.2.3.4:80 -s r!#:+ r
-A -t 1.2.3.4:80 -s r!#:+
-A -s r!#:+ -t 1.2.3.4:80
-L -h
-L --start-daemon master
-L --start-daemon=master
-AE
-A -Et 1.2.3.4:80
-A -t 1.2.3.4:80 -p -s rr
-A -t 1.2.3.4:80 -pn
-A -t 1.2.3.4:80 -p=
-A -t 1.2.3.4:80 -p -
-A -t 1.2.3.4:80 -s=rr
-A -t 1.2.3.4:80 -s=
-A -t 1.2.3.4:80 -s= -b sh-port
-L --numeric=1
-L -- -t
-L -n=1
-Ln=1
-L -nn
-n -L
--bogus
-L --bogus
-Lz
-list
-L -list
-h --bogus
-v -x
-L -x 5
-a -w 5
-R -n
-S -n -c
-L - -n
-L --
-Lt
-L -t
-A -t 1.2.3.4:80 --pe
--start-daemon
--start-daemon=
--start-daemon foo
--stop-daemon foo
--set 1 2
--set 1 2 x
--set 1 2 3 4
--set 1 x y z
10 --set 20 30
-L -b foo
-L -b sh-port
-D -b
-A -t 1.2.3.4:80 -6
-A -f 1 -6 -M 129
-A -f 1 -6 -M 4294967297
-A -t [2001:db8::1]:80 -p -M 255.255.255.0
-A -t 1.2.3.4:80 -o
-e -t 1.2.3.4:80 -r 2.2.2.2 --tun-csum
-a -t 1.2.3.4:80 -r 2.2.2.2 -i --tun-csum
-a -t 1.2.3.4:80 -r 2.2.2.2 -i --tun-type gue
-a -t 1.2.3.4:80 -r 2.2.2.2 -i --tun-type gue --tun-port 6000 --tun-csum --tun-nocsum
-a -t 1.2.3.4:80 -r 2.2.2.2 -i --tun-type gre --tun-remcsum
-a -t 1.2.3.4:80 -r 2.2.2.2 -i --tun-type gre --tun-port 1
-a -f 1 -6 -r 1.2.3.4 -m
-A -t 1.2.3.4:65536
-A -t 1.2.3.4:
-A -u 1.2.3.4:http
-A -t [1.2.3.4]:80
-A -t [2001:db8::1]
-A -t 1.2.3
-A -t 1234
-A -t :80
-A -t 0x01020304:80
-A -f 0x10
-A -f 4294967296
-A -f -1
-Lc --stats
-L --timeout --persistent-conn
-L --daemon --thresholds
-L -c -t 1.2.3.4:80
-L --daemon --timeout
-A -w 1 -n -t 1.2.3.4:80
-A -w x -t bad
-A -t bad -w x
-L -w x --bogus
-C -w 70000x
-a -r 2.2.2.2:http -t 1.2.3.4:80
-L -p -5
-A -t 1.2.3.4:80 -p -5
-A -t 1.2.3.4:80 -p-5
-A -t 1.2.3.4:80 -M -t
-L=
--list=1
-hL
-A -t 1.2.3.4:80 -b ,,flag-1,,
-e -f 1
-d -t 1.2.3.4:80
-E -s rr
'''
for line in manual.strip().split('\n'):
    cases.append(line.split(' '))
cases += [[''], ['-L', ''], ['-A', '-t', '1.2.3.4:80', '-p', ''],
          ['-A', '-t', '1.2.3.4 x:80'], ['-A', '-t', '1.2.3.4: 80'],
          ['-A', '-f', ' +16'],
          ['-A', '-t', '1.2.3.4:80', '-M', '255.255.255.0 junk', '-p'],
          ['-A', '-f', '1', '-6', '-M', ' 64x'],
          ['-a', '-t', '1.2.3.4:80', '-r', '2.2.2.2', '-w', ' +5']]

rnd = random.Random(131)
cmds = ['-A', '-E', '-D', '-C', '-L', '-a', '-d', '-e', '-S', '-Z', '-R',
        '--start-daemon master', '--stop-daemon backup', '--set']
for _ in range(500):
    line = rnd.choice(cmds).split(' ')
    for _ in range(rnd.randint(0, 5)):
        pool = rnd.choice([SAMPLES, SAMPLES, SAMPLES, BAD])
        line += rnd.choice(pool)
    if line[0] == '--set':
        for _ in range(rnd.randint(2, 4)):
            line.insert(rnd.randint(1, len(line)), str(rnd.randint(0, 9)))
    # Sometimes cluster two short flag options.
    cases.append(line)

json.dump(cases, open('cases.json', 'w'))
print(len(cases))
