#!/usr/bin/env python3
"""MRR@10 of Chouette and Omega over known-item queries (driven by bench/index/mrr.sh).

argv: [--omega=NAME=CONF=DB ...] -- QUERIES.tsv...  (one table per file, then one over all)
env: CHOUETTE (binary), CDB (its index, may be empty), BASE (URL prefix of the WARC URLs),
OMEGA (the omega CGI binary), VERBOSE ("1": every query's rank)."""
import json
import os
import subprocess
import sys
import time
import urllib.parse


def lang_of(path):
    return "fr" if path.startswith(("lo/", "dh/fr-FR/")) else "en"


def path_of(url, base):
    """The expected-path form of a result URL: no origin, no leading slash."""
    if base and url.startswith(base):
        url = url[len(base):]
    else:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme:
            url = parts.path
    return url.lstrip("/")


def ask_chouette(binary, db, q):
    out = subprocess.run([binary, "search", "--db", db, "--json", "--limit", "10", "--", q],
                         capture_output=True, text=True, check=True).stdout
    return [r["url"] for r in json.loads(out)["results"]]


def ask_omega(binary, conf, db, stemmer, q):
    params = [("P", q), ("DB", db), ("FMT", "urls"), ("HITSPERPAGE", "10")]
    if stemmer:
        params.append(("STEMMER", stemmer))
    env = dict(os.environ, OMEGA_CONFIG_FILE=conf, REQUEST_METHOD="GET",
               GATEWAY_INTERFACE="CGI/1.1", SCRIPT_NAME="/cgi-bin/omega",
               QUERY_STRING=urllib.parse.urlencode(params))
    out = subprocess.run([binary], capture_output=True, env=env, check=True).stdout
    text = out.decode("utf-8", "replace")
    return [line[4:] for line in text.splitlines() if line.startswith("URL ")][:10]


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    engines = []
    binary, cdb, base = os.environ["CHOUETTE"], os.environ.get("CDB", ""), os.environ["BASE"]
    verbose = os.environ.get("VERBOSE") == "1"
    if cdb:
        engines.append(("chouette", lambda q: ask_chouette(binary, cdb, q)))
    for spec in args[:sep]:
        name, conf, db = spec[len("--omega="):].split("=", 2)
        stemmer = name.rsplit("-", 1)[1] if "-" in name else ""
        engines.append((name, lambda q, c=conf, d=db, s=stemmer:
                        ask_omega(os.environ["OMEGA"], c, d, s, q)))
    sets = []
    for path in args[sep + 1:]:
        queries = []
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                q, want = line.split("\t")
                queries.append((q, want))
        sets.append((os.path.basename(path), queries))
    # Every engine answers every query once; the tables are computed from these ranks.
    ranks = {}
    times = {}
    for name, ask in engines:
        for label, queries in sets:
            for j, (q, want) in enumerate(queries):
                t0 = time.monotonic()
                paths = [path_of(u, base) for u in ask(q)]
                times[name, label, j] = time.monotonic() - t0
                rank = paths.index(want) + 1 if want in paths else 0
                ranks[name, label, j] = rank
                if verbose or rank != 1:
                    top = paths[0] if paths else "-"
                    print(f"# {label} {name:16} {rank or '>10':>4}  {q!r:42} want {want}  "
                          f"top {top}", file=sys.stderr)
    tables = [(label, [(label, j, want) for j, (_, want) in enumerate(qs)]) for label, qs in sets]
    if len(sets) > 1:
        tables.append(("all files", [item for _, items in tables for item in items]))
    for i, (label, queries) in enumerate(tables):
        if i:
            print()
        print(f"{label}:")
        print("| engine | queries | MRR@10 | first | MRR@10 fr | first fr | MRR@10 en | first en "
              "| ms/query (process incl.) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, _ in engines:
            rr = {"all": 0.0, "fr": 0.0, "en": 0.0}
            n = {"all": 0, "fr": 0, "en": 0}
            first = {"all": 0, "fr": 0, "en": 0}
            t = 0.0
            for ql, j, want in queries:
                rank = ranks[name, ql, j]
                t += times[name, ql, j]
                for k in ("all", lang_of(want)):
                    n[k] += 1
                    rr[k] += 1.0 / rank if rank else 0.0
                    first[k] += rank == 1
            cells = []
            for k in ("all", "fr", "en"):
                cells.append(f"{rr[k] / n[k]:.3f}" if n[k] else "-")
                cells.append(f"{first[k]}/{n[k]}")
            print(f"| {name} | {n['all']} | " + " | ".join(cells) +
                  f" | {1000 * t / max(n['all'], 1):.0f} |")


if __name__ == "__main__":
    main()
