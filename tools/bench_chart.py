#!/usr/bin/env python3
"""Draws the benchmark's ratios (Debian's ipvsadm / ours) as an SVG bar chart,
with each row's target marked.

Reads the JSON that `scripts/bench.sh` writes (one object per scenario) and
needs nothing beyond the Python standard library:

    python3 tools/bench_chart.py [RESULTS.json [CHART.svg]]

Defaults: docs/bench-results.json and docs/bench-ratios.svg.
"""

import json
import sys
from html import escape

ROW = 26
LABEL = 230
PLOT = 420
PAD = 14


def panel(rows, top, title, value, target, scale_max):
    """One panel of horizontal bars; returns its SVG parts and height."""
    parts = [
        f'<text x="{PAD}" y="{top + 16}" font-weight="bold">{escape(title)}</text>'
    ]
    y0 = top + 28
    step = 1 if scale_max <= 6 else 2
    for tick in range(0, int(scale_max) + 1, step):
        x = LABEL + PLOT * tick / scale_max
        parts.append(
            f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" '
            f'y2="{y0 + ROW * len(rows)}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{y0 + ROW * len(rows) + 14}" '
            f'text-anchor="middle" font-size="11">{tick}×</text>'
        )
    for i, row in enumerate(rows):
        y = y0 + i * ROW
        ratio = value(row)
        goal = target(row)
        met = goal is None or ratio >= goal
        width = PLOT * min(ratio, scale_max) / scale_max
        colour = "#3a7d44" if met else "#c0392b"
        parts.append(
            f'<text x="{LABEL - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(row['scenario'])}</text>"
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y + 5}" width="{width:.1f}" '
            f'height="{ROW - 10}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{LABEL + width + 4:.1f}" y="{y + 17}" '
            f'font-size="11">{ratio:.2f}×</text>'
        )
        if goal is not None:
            x = LABEL + PLOT * min(goal, scale_max) / scale_max
            parts.append(
                f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" '
                f'y2="{y + ROW - 1}" stroke="black" stroke-width="2" '
                f'stroke-dasharray="3,2"/>'
            )
    return parts, 28 + ROW * len(rows) + 24


def rss_target(row):
    """The peak-RSS target as a ratio: no higher than ipvsadm's, or on
    an empty table within 512 KiB of it."""
    target_kib = row["rss_target_kib"]
    if target_kib is None:
        return None
    return row["ipvsadm"]["max_rss_kib"] / target_kib


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "docs/bench-results.json"
    output = sys.argv[2] if len(sys.argv) > 2 else "docs/bench-ratios.svg"
    with open(source, encoding="utf-8") as f:
        meta = json.load(f)
    rows = meta["rows"]
    time_max = max([r["ratio"] for r in rows] + [r["target_ratio"] or 0 for r in rows])
    time_max = max(2, int(time_max + 1.999))
    rss_ratio = lambda r: r["ipvsadm"]["max_rss_kib"] / r["ours"]["max_rss_kib"]
    rss_max = max(2, int(max(rss_ratio(r) for r in rows) + 1.999))
    parts = []
    top = 34
    p, h = panel(
        rows, top, "Wall time: ipvsadm / ours (higher is better)",
        lambda r: r["ratio"], lambda r: r["target_ratio"], time_max,
    )
    parts += p
    top += h
    p, h = panel(
        rows, top, "Peak RSS: ipvsadm / ours (higher is better)",
        rss_ratio, rss_target, rss_max,
    )
    parts += p
    top += h
    height = top + 24
    width = LABEL + PLOT + 80
    heading = (
        f"ipvsadm-rs against Debian's ipvsadm 1.31, {meta['date']}, "
        f"medians of {meta['rounds']} rounds"
    )
    legend = (
        "dashed mark: target; green: met, red: not met "
        "(RSS target on the empty table: within 512 KiB of ipvsadm's)"
    )
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{PAD}" y="20" font-size="14">{escape(heading)}</text>',
        *parts,
        f'<text x="{PAD}" y="{height - 10}" font-size="11">{escape(legend)}</text>',
        "</svg>",
    ]
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
