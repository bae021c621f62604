#!/bin/bash
# Runs each line of $1 (a shell snippet using `ipvsadm`) against the real
# Debian binary, recording status, stdout, stderr and the resulting table.
cases=$1; out=$2
modprobe ip_vs
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
: > "$out"
while IFS= read -r line; do
  [ -z "$line" ] && continue
  ipvsadm -C >/dev/null 2>&1
  ipvsadm --stop-daemon master >/dev/null 2>&1
  ipvsadm --stop-daemon backup >/dev/null 2>&1
  ( eval "$line" ) >/tmp/o 2>/tmp/e </dev/null; rc=$?
  {
    printf '=== %s\nrc=%s\n--stdout\n' "$line" "$rc"
    cat /tmp/o
    printf -- '--stderr\n'; cat -A /tmp/e
    printf -- '--state\n'; ipvsadm -Sn; ipvsadm -L --daemon
  } >> "$out"
done < "$cases"
