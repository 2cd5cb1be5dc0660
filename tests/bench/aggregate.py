#!/usr/bin/env python3
"""The claims aggregation alone, as an analyst would write it in DuckDB or polars.

    python aggregate.py duckdb|polars FILE

FILE is a claims file written by `richttarief generate` (declaraties.csv, .csv.gz or
.parquet), or those claims rewritten as Parquet by DuckDB; a Parquet file is read with its own
types (DECIMAL(18,2) money in both). The query sums aantal and bedrag per agb and prestatiecode, with the money
columns read as exact DECIMAL(18,2), and materialises the whole result. Prints one JSON line
on stdout:

    {"engine": ..., "elapsed_s": ..., "cpu_s": ..., "groups": ..., "sum_aantal": "...",
     "sum_bedrag": "...", "reader": ...}

`elapsed_s` is measured in the process, from just before the query until the result is
materialised; it leaves out starting Python and importing the library. `cpu_s` is the CPU
time of the whole process (every thread, user and system) over the same span, so that a
two-core machine's wall time can be told apart from the work done. The checksum (groups
and the totals of the two sums, as exact decimal text) is computed after the clock stops, so
that the benchmark can check both engines got the same answer.
"""

import json
import sys
import time


def duckdb_aggregate(path):
    import duckdb

    con = duckdb.connect()  # in memory; all cores
    if path.endswith(".parquet"):
        source = f"read_parquet('{path}')"
        reader = "read_parquet"
    else:
        # Every column typed, so nothing is sniffed as a number: agb stays 8-digit text and
        # the money columns are exact decimals, not DOUBLE.
        columns = (
            "{'agb': 'VARCHAR', 'jaar': 'INTEGER', 'prestatiecode': 'VARCHAR', "
            "'aantal': 'DECIMAL(18,2)', 'bedrag': 'DECIMAL(18,2)', 'eenheid': 'VARCHAR', "
            "'bsn': 'VARCHAR'}"
        )
        source = f"read_csv('{path}', header = true, delim = ',', columns = {columns})"
        reader = "read_csv(columns=..., DECIMAL(18,2))"
    query = (
        "CREATE TEMP TABLE resultaat AS "
        "SELECT agb, prestatiecode, sum(aantal) AS aantal, sum(bedrag) AS bedrag "
        f"FROM {source} GROUP BY ALL"
    )
    start, cpu = time.perf_counter(), time.process_time()
    con.execute(query)  # the full result is materialised in the temp table
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    groups, sum_aantal, sum_bedrag = con.execute(
        "SELECT count(*), sum(aantal), sum(bedrag) FROM resultaat"
    ).fetchone()
    types = con.execute(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_name = 'resultaat' AND column_name = 'bedrag'"
    ).fetchone()[0]
    return elapsed, cpu, groups, sum_aantal, sum_bedrag, f"{reader}; sum type {types}"


def polars_aggregate(path):
    import polars as pl

    schema = {
        "agb": pl.String,
        "jaar": pl.Int32,
        "prestatiecode": pl.String,
        "aantal": pl.Decimal(18, 2),
        "bedrag": pl.Decimal(18, 2),
        "eenheid": pl.String,
        "bsn": pl.String,
    }
    start, cpu = time.perf_counter(), time.process_time()
    if path.endswith(".parquet"):
        lf = pl.scan_parquet(path)  # the file's own types: Decimal(18,2) for the money
        reader = "scan_parquet"
    else:
        try:
            lf = pl.scan_csv(path, schema_overrides=schema)
            reader = "scan_csv (lazy, gzip included)" if path.endswith(".gz") else "scan_csv"
        except Exception as err:  # older polars: no lazy reading of compressed CSV
            lf = pl.read_csv(path, schema_overrides=schema).lazy()
            reader = f"read_csv (eager; scan_csv failed: {type(err).__name__})"
    result = (
        lf.group_by(["agb", "prestatiecode"])
        .agg(pl.col("aantal").sum(), pl.col("bedrag").sum())
        .collect(engine="streaming")
    )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    groups = result.height
    sum_aantal = result["aantal"].sum()
    sum_bedrag = result["bedrag"].sum()
    return (
        elapsed,
        cpu,
        groups,
        sum_aantal,
        sum_bedrag,
        f"{reader}; sum type {result.schema['bedrag']}",
    )


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("duckdb", "polars"):
        sys.exit("usage: aggregate.py duckdb|polars FILE")
    engine, path = sys.argv[1], sys.argv[2]
    run = duckdb_aggregate if engine == "duckdb" else polars_aggregate
    elapsed, cpu, groups, sum_aantal, sum_bedrag, reader = run(path)
    print(
        json.dumps(
            {
                "engine": engine,
                "elapsed_s": round(elapsed, 4),
                "cpu_s": round(cpu, 4),
                "groups": int(groups),
                "sum_aantal": str(sum_aantal),
                "sum_bedrag": str(sum_bedrag),
                "reader": reader,
            }
        )
    )


if __name__ == "__main__":
    main()
