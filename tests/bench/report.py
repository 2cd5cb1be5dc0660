#!/usr/bin/env python3
"""Turns the raw measurements of benchmark.sh into the markdown report and the target checks.

    python report.py RESULTS.tsv HEADER.md REPORT.md

RESULTS.tsv has one row per measurement (see benchmark.sh); HEADER.md holds the machine and
the versions. The report goes to stdout and to REPORT.md. Standard library only.
"""

import csv
import statistics
import sys
from collections import defaultdict

FORMATS = ["csv.gz", "parquet", "parquet-duckdb"]
# The targets: richttarief's whole run against DuckDB's aggregation alone, per format, and
# the sizes they hold at (None: every size measured).
TARGETS = [
    ("parquet", 0.8, (10**7, 3 * 10**7)),
    ("parquet-duckdb", 0.8, (10**7, 3 * 10**7)),
    ("csv.gz", 0.5, None),
]
ENGINES = ["richttarief", "duckdb", "polars"]
GIB = 1024 * 1024  # KiB in a GiB


def num(text):
    return float(text) if text not in ("", None) else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def load(path):
    """(format, lines) -> engine -> dict of medians and the rows behind them."""
    rows = defaultdict(lambda: defaultdict(list))
    labels = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            lines = int(row["lines"])
            labels[lines] = row["label"]
            rows[(row["format"], lines)][row["engine"]].append(row)
    cells = {}
    for key, engines in rows.items():
        cells[key] = {}
        for engine, runs in engines.items():
            ok = [r for r in runs if r["status"] == "ok"]
            cells[key][engine] = {
                "runs": len(ok),
                "failed": len(runs) - len(ok),
                "wall": median(num(r["wall_s"]) for r in ok),
                "peak_mib": median(num(r["peak_kib"]) / 1024 for r in ok if r["peak_kib"]),
                "inproc": median(num(r["inproc_s"]) for r in ok),
                "claims_s": median(
                    num(r["claims_ms"]) / 1000 for r in ok if r["claims_ms"]
                ),
                "cpu": median(num(r.get("cpu_s")) for r in ok),
                "checksum": {(r["groups"], r["sum_aantal"], r["sum_bedrag"]) for r in ok},
                "note": next((r["note"] for r in ok if r["note"]), ""),
            }
    return cells, labels


def main():
    results, header_path, report_path = sys.argv[1:4]
    cells, labels = load(results)
    out = []
    say = out.append
    with open(header_path) as f:
        say(f.read().rstrip("\n"))
    say("")
    say(
        "Times and peaks are medians over the runs (the `runs` column counts the successful runs of richttarief/duckdb/polars). "
        "`duckdb s` and `polars s` are the aggregation's own time, measured inside the Python "
        "process from the query to the materialised result; the ratios use these. The process "
        "wall time (Python start, import, query) and the peak RSS of the whole process, as "
        "`/usr/bin/time` reports them, are in the last columns. `richttarief` is the whole "
        "`run`, end to end: it reads the tables, streams and aggregates the claims, hashes every "
        "input for the manifest, classifies, solves and writes every output (CSVs, workbook, "
        "figures, HTML page, manifest)."
    )
    if not cells:
        say("")
        say("No measurements: every size was skipped or failed (see the messages above).")
    sizes_by_format = defaultdict(list)
    for fmt_, lines in sorted(cells, key=lambda k: k[1]):
        sizes_by_format[fmt_].append(lines)

    for fmt_ in FORMATS:
        sizes = sizes_by_format.get(fmt_)
        if not sizes:
            continue
        say("")
        say(f"### Claims as {fmt_}")
        say("")
        say(
            "| lines | richttarief wall s | richttarief peak MiB | richttarief Mlines/s "
            "| duckdb s | polars s | ratio richttarief/duckdb | ratio richttarief/polars "
            "| runs | richttarief claims stage s | duckdb process s | duckdb peak MiB "
            "| polars process s | polars peak MiB |"
        )
        say("|" + "---:|" * 14)
        for lines in sizes:
            c = cells[(fmt_, lines)]
            rt, dk, pl = (c.get(e, {}) for e in ENGINES)
            mlps = lines / rt["wall"] / 1e6 if rt.get("wall") else None
            runs = "/".join(str(c.get(e, {}).get("runs", 0)) for e in ENGINES)
            say(
                f"| {lines:,} | {fmt(rt.get('wall'))} | {fmt(rt.get('peak_mib'), 0)} "
                f"| {fmt(mlps)} | {fmt(dk.get('inproc'))} | {fmt(pl.get('inproc'))} "
                f"| {fmt(ratio(rt.get('wall'), dk.get('inproc')))} "
                f"| {fmt(ratio(rt.get('wall'), pl.get('inproc')))} | {runs} "
                f"| {fmt(rt.get('claims_s'))} | {fmt(dk.get('wall'))} "
                f"| {fmt(dk.get('peak_mib'), 0)} | {fmt(pl.get('wall'))} "
                f"| {fmt(pl.get('peak_mib'), 0)} |"
            )
        readers = {
            e: cells[(fmt_, sizes[0])].get(e, {}).get("note", "") for e in ("duckdb", "polars")
        }
        say("")
        say(f"Readers: duckdb `{readers['duckdb']}`; polars `{readers['polars']}`.")

    say("")
    say("### CPU time")
    say("")
    say(
        "CPU seconds of every thread, user and system: for `richttarief` the whole run as "
        "`/usr/bin/time` reports it, for DuckDB and polars the aggregation alone (the "
        "process's CPU time over the same span as `duckdb s` and `polars s`). On two cores "
        "the wall time is at least half the CPU time; the ratio tells the work done apart "
        "from how well it spreads over the cores."
    )
    say("")
    say("| claims | lines | richttarief CPU s | duckdb CPU s | polars CPU s | ratio richttarief/duckdb CPU |")
    say("|---|" + "---:|" * 5)
    for fmt_ in FORMATS:
        for lines in sizes_by_format.get(fmt_, []):
            c = cells[(fmt_, lines)]
            rt, dk, pl = (c.get(e, {}).get("cpu") for e in ENGINES)
            say(
                f"| {fmt_} | {lines:,} | {fmt(rt)} | {fmt(dk)} | {fmt(pl)} "
                f"| {fmt(ratio(rt, dk))} |"
            )

    say("")
    say("### Growth (relative to the smallest size measured)")
    for fmt_ in FORMATS:
        sizes = sizes_by_format.get(fmt_)
        if not sizes:
            continue
        base = cells[(fmt_, sizes[0])]
        say("")
        say(f"Claims as {fmt_}:")
        say("")
        say(
            "| lines | × lines | richttarief × time | richttarief ns/line "
            "| richttarief × peak | richttarief peak MiB | duckdb × time | duckdb × peak "
            "| polars × time | polars × peak |"
        )
        say("|" + "---:|" * 10)
        for lines in sizes:
            c = cells[(fmt_, lines)]
            rt = c.get("richttarief", {})

            def grow(engine, field):
                return ratio(c.get(engine, {}).get(field), base.get(engine, {}).get(field))

            ns = rt["wall"] / lines * 1e9 if rt.get("wall") else None
            say(
                f"| {lines:,} | {lines / sizes[0]:.0f} | {fmt(grow('richttarief', 'wall'))} "
                f"| {fmt(ns, 0)} | {fmt(grow('richttarief', 'peak_mib'))} "
                f"| {fmt(rt.get('peak_mib'), 0)} "
                f"| {fmt(grow('duckdb', 'inproc'))} | {fmt(grow('duckdb', 'peak_mib'))} "
                f"| {fmt(grow('polars', 'inproc'))} | {fmt(grow('polars', 'peak_mib'))} |"
            )

    # Targets.
    checks = []
    for fmt_, limit, at in TARGETS:
        for lines in sizes_by_format.get(fmt_, []):
            c = cells[(fmt_, lines)]
            r = ratio(c.get("richttarief", {}).get("wall"), c.get("duckdb", {}).get("inproc"))
            held = at is None or lines in at
            if r is None:
                checks.append(f"SKIP {fmt_} {labels[lines]}: no ratio (a run failed)")
            elif not held:
                checks.append(
                    f"INFO {fmt_} {labels[lines]}: richttarief end to end / duckdb "
                    f"aggregation = {r:.2f} (the target ≤ {limit:.1f} holds at 1e7 and 3e7)"
                )
            else:
                verdict = "PASS" if r <= limit else "MISS"
                checks.append(
                    f"{verdict} {fmt_} {labels[lines]}: richttarief end to end / duckdb "
                    f"aggregation = {r:.2f} (target ≤ {limit:.1f})"
                )
    for fmt_ in FORMATS:
        sizes = sizes_by_format.get(fmt_, [])
        if not sizes:
            continue
        if 10**8 in sizes:
            peak = cells[(fmt_, 10**8)].get("richttarief", {}).get("peak_mib")
            if peak is None:
                checks.append(f"SKIP {fmt_} memory at 1e8: the run failed")
            else:
                verdict = "PASS" if peak < 2048 else "MISS"
                checks.append(
                    f"{verdict} {fmt_} peak memory at 1e8 = {peak:.0f} MiB (target < 2048 MiB)"
                )
        else:
            largest = sizes[-1]
            peak = cells[(fmt_, largest)].get("richttarief", {}).get("peak_mib")
            checks.append(
                f"SKIP {fmt_} peak memory at 1e8: not measured (at {labels[largest]}: "
                f"{fmt(peak, 0)} MiB)"
            )
        first, last = sizes[0], sizes[-1]
        m0 = cells[(fmt_, first)].get("richttarief", {}).get("peak_mib")
        m1 = cells[(fmt_, last)].get("richttarief", {}).get("peak_mib")
        if m0 and m1 and last > first:
            checks.append(
                f"INFO {fmt_} memory growth {labels[first]} → {labels[last]}: "
                f"×{m1 / m0:.2f} for ×{last / first:.0f} lines"
            )
        # Linearity: time per line at the largest size against 1e7 (or, when 1e7 is the
        # largest or missing, against the smallest size).
        ref = 10**7 if 10**7 in sizes and last > 10**7 else first
        if last > ref:
            t_ref = cells[(fmt_, ref)].get("richttarief", {}).get("wall")
            t_last = cells[(fmt_, last)].get("richttarief", {}).get("wall")
            if t_ref and t_last:
                growth = (t_last / last) / (t_ref / ref)
                verdict = "PASS" if growth <= 1.5 else "MISS"
                note = "" if ref == 10**7 else f" (reference {labels[ref]}: 1e7 is not below the largest size)"
                checks.append(
                    f"{verdict} {fmt_} linear time: time per line at {labels[last]} is "
                    f"×{growth:.2f} that at {labels[ref]} (target ≤ 1.5){note}"
                )
        # The two comparison engines must agree with each other.
        for lines in sizes:
            c = cells[(fmt_, lines)]
            sums = c.get("duckdb", {}).get("checksum", set()) | c.get("polars", {}).get(
                "checksum", set()
            )
            if len(sums) > 1:
                checks.append(f"MISS {fmt_} {labels[lines]}: duckdb and polars disagree: {sums}")
    # The same seed and size give the same claims in every format.
    for lines in sorted(set(sizes_by_format.get("csv.gz", [])) & set(sizes_by_format.get("parquet", []))):
        sums = set()
        for fmt_ in FORMATS:
            for engine in ("duckdb", "polars"):
                sums |= cells.get((fmt_, lines), {}).get(engine, {}).get("checksum", set())
        if len(sums) == 1:
            groups, aantal, bedrag = next(iter(sums))
            checks.append(
                f"PASS {labels[lines]}: duckdb and polars agree on every format "
                f"({groups} groups, Σaantal {aantal}, Σbedrag {bedrag})"
            )
        elif sums:
            checks.append(f"MISS {labels[lines]}: the aggregations differ: {sorted(sums)}")
    say("")
    say("### Targets")
    say("")
    say("```text")
    out.extend(checks)
    say("```")

    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(report_path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
