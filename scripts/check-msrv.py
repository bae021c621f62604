"""Fails when a dependency declares a newer rust-version than ours.

Run as `cargo metadata --format-version 1 --filter-platform TARGET |
python3 scripts/check-msrv.py`.
No older toolchain is installed here to build with, so this and clippy's
`incompatible_msrv` lint (newer standard-library calls) are what hold the
declared rust-version honest; language features are left to review.
"""
import json
import sys


def version(text):
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.load(sys.stdin)
root = next(p for p in meta["packages"] if p["id"] in meta["workspace_members"])
ours = version(root["rust_version"])
# The packages a build on the filtered platform uses (the package list
# also names those the lock file holds for other platforms).
used = {node["id"] for node in meta["resolve"]["nodes"]}
newer = [
    f"{p['name']} {p['version']} needs Rust {p['rust_version']}"
    for p in meta["packages"]
    if p["id"] in used
    and p.get("rust_version")
    and version(p["rust_version"]) > ours
]
if newer:
    print(f"rust-version {root['rust_version']} is too old:", file=sys.stderr)
    for line in newer:
        print(f"    {line}", file=sys.stderr)
    sys.exit(1)
print(f"rust-version {root['rust_version']}: no dependency needs a newer Rust")
