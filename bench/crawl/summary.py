#!/usr/bin/env python3
"""Medians of bench/crawl/run.sh runs, per crawler, and ratios against a reference.

usage: summary.py RUNS_FILE REF_NAME
RUNS_FILE lines: "name pages requests wall_s user_s sys_s maxrss_kib" ('#' comments).
Rates are computed per run, then the median is taken; "x ref" is ref's median pages/s over
this crawler's (above 1: ref is faster)."""
import statistics
import sys


def main():
    path, ref = sys.argv[1], sys.argv[2]
    runs = {}
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if not f or f[0].startswith("#") or len(f) != 7:
            continue
        name, pages, reqs = f[0], int(f[1]), int(f[2])
        wall, user, sys_, rss = float(f[3]), float(f[4]), float(f[5]), int(f[6])
        runs.setdefault(name, []).append((pages, reqs, wall, user + sys_, rss))
    med = {}
    for name, rs in runs.items():
        m = {
            "n": len(rs),
            "pages": statistics.median(r[0] for r in rs),
            "requests": statistics.median(r[1] for r in rs),
            "wall": statistics.median(r[2] for r in rs),
            "pps": statistics.median(r[0] / r[2] for r in rs if r[2] > 0),
            "rps": statistics.median(r[1] / r[2] for r in rs if r[2] > 0),
            "cpu_ms_page": statistics.median(1000 * r[3] / r[0] for r in rs if r[0] > 0),
            "rss_mb": statistics.median(r[4] for r in rs) / 1024,
            "pps_all": sorted(round(r[0] / r[2]) for r in rs if r[2] > 0),
        }
        med[name] = m
    print("| crawler | runs | pages | requests | wall s | pages/s | requests/s | CPU ms/page "
          "| max RSS MB | pages/s of each run |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, m in med.items():
        print(f"| {name} | {m['n']} | {m['pages']:.0f} | {m['requests']:.0f} | {m['wall']:.2f} "
              f"| {m['pps']:.0f} | {m['rps']:.0f} | {m['cpu_ms_page']:.2f} | {m['rss_mb']:.0f} "
              f"| {' '.join(str(x) for x in m['pps_all'])} |")
    if ref in med:
        print()
        for name, m in med.items():
            if name != ref and m["pps"] > 0:
                print(f"{ref} pages/s / {name} pages/s = {med[ref]['pps'] / m['pps']:.2f}")


if __name__ == "__main__":
    main()
