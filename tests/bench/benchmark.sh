#!/usr/bin/env bash
# Benchmark: `richttarief run` end to end against the claims aggregation alone in DuckDB and
# Python polars, on the same generated files, from 10^6 to 10^8 claim lines: csv.gz and
# Parquet as `richttarief generate` writes them, and the same claims as Parquet written by
# DuckDB (snappy, its own row groups and encodings), a file the reader did not make.
#
#   bash tests/bench/benchmark.sh [--sizes "1e6 1e7 3e7 1e8"] [--quick] [--reps N]
#
# Environment:
#   RICHTTARIEF_BIN   use this binary instead of building with `cargo build --release`
#   BENCH_DIR         work folder for the venv, the data and the report (/tmp/richttarief-bench)
#   DUCKDB_VERSION, POLARS_VERSION   the pinned versions pip installs (2.0.0, 2.1.0)
#   PYTHON            the Python that creates the venv (python3)
#
# It reports; it is not a test: it exits 0 whether the targets are met or not (and non-zero
# only when it cannot run at all: no build, no venv).
set -euo pipefail

SIZES="1e6 1e7 3e7 1e8"
REPS=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --sizes=*) SIZES="${1#--sizes=}"; shift ;;
        --quick) SIZES="1e6 1e7"; shift ;;
        --reps) REPS="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "benchmark.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/richttarief-bench}"
DUCKDB_VERSION="${DUCKDB_VERSION:-2.0.0}"
POLARS_VERSION="${POLARS_VERSION:-2.1.0}"
PYTHON="${PYTHON:-python3}"
AANBIEDERS=2000
SEED=1
# parquet-duckdb: the csv.gz claims of the same size rewritten by DuckDB's COPY ... TO.
FORMATS=(csv.gz parquet parquet-duckdb)
TIME=/usr/bin/time

log() { printf 'benchmark: %s\n' "$*" >&2; }

[[ -x $TIME ]] || { log "needs GNU time at $TIME (apt-get install time)"; exit 1; }
mkdir -p "$BENCH_DIR"
BENCH_DIR="$(cd "$BENCH_DIR" && pwd)"

# 1. The binary.
if [[ -n ${RICHTTARIEF_BIN:-} ]]; then
    BIN="$RICHTTARIEF_BIN"
    [[ -x $BIN ]] || { log "RICHTTARIEF_BIN=$BIN is not an executable"; exit 1; }
    log "using $BIN"
else
    log "cargo build --release (the first build takes a few minutes)"
    (cd "$ROOT" && cargo build --release)
    BIN="$ROOT/target/release/richttarief"
fi

# 2. DuckDB and polars in a virtual environment, pinned; reused when the versions match.
VENV="$BENCH_DIR/venv"
PY="$VENV/bin/python"
if [[ ! -x $PY ]]; then
    log "creating the virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
fi
if ! "$PY" -c "import duckdb, polars, sys; sys.exit(not (duckdb.__version__ == '$DUCKDB_VERSION' and polars.__version__ == '$POLARS_VERSION'))" 2>/dev/null; then
    log "pip install duckdb==$DUCKDB_VERSION polars==$POLARS_VERSION"
    "$PY" -m pip install --quiet --disable-pip-version-check \
        "duckdb==$DUCKDB_VERSION" "polars==$POLARS_VERSION"
fi

# Sizes as integers ("3e7" -> 30000000), keeping the label as given.
to_int() { awk -v s="$1" 'BEGIN { if (s !~ /^[0-9.]+([eE][0-9]+)?$/) exit 1; printf "%.0f", s }'; }

# Bytes per claim line, measured on generated files (csv.gz about 22, Parquet about 11).
bytes_per_line() {
    local fmt=$1 file size lines
    for dir in "$BENCH_DIR"/data/*/"$fmt"; do
        [[ -f $dir/.complete ]] || continue
        file=$(claims_file "$dir" "$fmt"); lines=$(basename "$(dirname "$dir")")
        size=$(stat -c %s "$file")
        awk -v b="$size" -v n="$lines" 'BEGIN { printf "%.0f", b / n + 1 }'
        return
    done
    [[ $fmt == parquet* ]] && echo 12 || echo 23
}

claims_file() { # DIR FORMAT
    case "$2" in
        parquet|parquet-duckdb) echo "$1/declaraties.parquet" ;;
        *) echo "$1/declaraties.$2" ;;
    esac
}

free_bytes() { df --output=avail -B1 "$BENCH_DIR" | tail -n 1 | tr -d ' '; }

LOGS="$BENCH_DIR/logs"
mkdir -p "$LOGS"

# The csv.gz data set of a size, with its claims rewritten as Parquet by DuckDB (its defaults:
# snappy, row groups of 122,880 rows, dictionaries where it finds them worth it), the money
# typed DECIMAL(18,2) as in aggregate.py. The configuration is the csv.gz one, pointed at it.
rewrite_by_duckdb() { # LINES DIR -> prints the folder, or nothing when skipped
    local lines=$1 dir=$2 source
    source=$(generate "$lines" csv.gz)
    [[ -n $source ]] || { log "SKIP $lines lines as parquet-duckdb: no csv.gz to rewrite"; return; }
    rm -rf "$dir"; mkdir -p "$dir"
    log "rewriting $lines lines of csv.gz as Parquet with DuckDB in $dir"
    local start=$SECONDS
    cp "$source"/*.csv "$dir"/
    sed 's/declaraties\.csv\.gz/declaraties.parquet/' "$source/richttarief.toml" > "$dir/richttarief.toml"
    if ! "$PY" - "$source/declaraties.csv.gz" "$dir/declaraties.parquet" >"$LOGS/duckdb-rewrite-$lines.log" 2>&1 <<'PYEOF'
import sys, duckdb
source, target = sys.argv[1], sys.argv[2]
columns = ("{'agb': 'VARCHAR', 'jaar': 'INTEGER', 'prestatiecode': 'VARCHAR', "
           "'aantal': 'DECIMAL(18,2)', 'bedrag': 'DECIMAL(18,2)', 'eenheid': 'VARCHAR', "
           "'bsn': 'VARCHAR'}")
duckdb.connect().execute(
    f"COPY (SELECT * FROM read_csv('{source}', header = true, delim = ',', columns = {columns})) "
    f"TO '{target}' (FORMAT parquet)")
PYEOF
    then
        log "SKIP $lines lines as parquet-duckdb: DuckDB could not write it (see $LOGS/duckdb-rewrite-$lines.log)"
        return
    fi
    log "rewritten in $((SECONDS - start)) s: $(du -h "$dir/declaraties.parquet" | cut -f1)"
    echo "$(cat "$source/.complete"), claims rewritten by DuckDB $("$PY" -c 'import duckdb; print(duckdb.__version__)') COPY ... TO (FORMAT parquet)" > "$dir/.complete"
    echo "$dir"
}

# 3. Data: one folder per size and format, reused when complete (.complete is written last).
generate() { # LINES FORMAT -> prints the folder, or nothing when skipped
    local lines=$1 fmt=$2 dir need free
    dir="$BENCH_DIR/data/$lines/$fmt"
    if [[ -f $dir/.complete ]]; then
        echo "$dir"; return
    fi
    need=$(awk -v n="$lines" -v b="$(bytes_per_line "$fmt")" 'BEGIN { printf "%.0f", n * b * 1.2 + 512 * 1024 * 1024 }')
    free=$(free_bytes)
    if (( free < need )); then
        log "SKIP $lines lines as $fmt: needs about $((need / 1024 / 1024)) MiB, $((free / 1024 / 1024)) MiB free in $BENCH_DIR"
        return
    fi
    if [[ $fmt == parquet-duckdb ]]; then
        rewrite_by_duckdb "$lines" "$dir"
        return
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    log "generating $lines lines as $fmt in $dir"
    local start=$SECONDS
    if ! "$BIN" generate --out "$dir" --aanbieders "$AANBIEDERS" --declaratieregels "$lines" \
        --seed "$SEED" --formaat "$fmt" >/dev/null 2>"$LOGS/generate-$lines-$fmt.log"; then
        log "SKIP $lines lines as $fmt: generate failed (see $LOGS/generate-$lines-$fmt.log):"
        tail -n 3 "$LOGS/generate-$lines-$fmt.log" >&2
        return
    fi
    log "generated in $((SECONDS - start)) s: $(du -h "$(claims_file "$dir" "$fmt")" | cut -f1)"
    echo "richttarief generate --aanbieders $AANBIEDERS --declaratieregels $lines --seed $SEED --formaat $fmt" > "$dir/.complete"
    echo "$dir"
}

# 4. Measurements. One row per run in results.tsv.
RESULTS="$BENCH_DIR/results.tsv"
printf 'label\tlines\tformat\tengine\trep\tstatus\twall_s\tpeak_kib\tinproc_s\tgroups\tsum_aantal\tsum_bedrag\tclaims_ms\tnote\tcpu_s\n' > "$RESULTS"

# `/usr/bin/time -o` writes "Command exited with non-zero status N" before the figures on
# failure; the figures are always the last line: wall seconds, peak KiB, user and system
# CPU seconds of every thread.
timed() { # TIMEFILE CMD... ; returns the command's status
    local tf=$1; shift
    local rc=0
    "$TIME" -o "$tf" -f '%e %M %U %S' "$@" || rc=$?
    return $rc
}

measure_richttarief() { # LABEL LINES FORMAT DIR REP
    local label=$1 lines=$2 fmt=$3 dir=$4 rep=$5
    local out="$BENCH_DIR/runs/$lines/$fmt" tf="$LOGS/time.$$" errlog="$LOGS/richttarief-$lines-$fmt-$rep.log"
    mkdir -p "$(dirname "$out")"
    local status=ok wall peak user sys claims_ms=""
    if ! timed "$tf" "$BIN" run --config "$dir/richttarief.toml" --out "$out" >/dev/null 2>"$errlog"; then
        status=failed
        log "richttarief run failed on $lines $fmt (see $errlog):"; tail -n 3 "$errlog" >&2
    fi
    read -r wall peak user sys < <(tail -n 1 "$tf") || true
    wall=${wall:-}; peak=${peak:-0}
    local cpu=""
    [[ -n ${user:-} && -n ${sys:-} ]] && cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    if [[ $status == ok ]]; then
        claims_ms=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["tijden_ms"].get("declaraties",""))' "$out/manifest.json" 2>/dev/null || true)
    fi
    printf '%s\t%s\t%s\trichttarief\t%s\t%s\t%s\t%s\t\t\t\t\t%s\t\t%s\n' \
        "$label" "$lines" "$fmt" "$rep" "$status" "$wall" "$peak" "$claims_ms" "$cpu" >> "$RESULTS"
    log "  richttarief $label $fmt run $rep: ${wall} s, $((peak / 1024)) MiB"
}

measure_engine() { # ENGINE LABEL LINES FORMAT FILE REP
    local engine=$1 label=$2 lines=$3 fmt=$4 file=$5 rep=$6
    local tf="$LOGS/time.$$" jf="$LOGS/$engine.json" errlog="$LOGS/$engine-$lines-$fmt-$rep.log"
    local status=ok wall peak
    if ! timed "$tf" "$PY" "$HERE/aggregate.py" "$engine" "$file" >"$jf" 2>"$errlog"; then
        status=failed
        log "$engine failed on $lines $fmt (see $errlog):"; tail -n 3 "$errlog" >&2
    fi
    read -r wall peak _ < <(tail -n 1 "$tf") || true
    wall=${wall:-}; peak=${peak:-0}
    local fields=$'\t\t\t\t\t\t'
    if [[ $status == ok ]]; then
        fields=$("$PY" -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("\t".join(str(r[k]) for k in ("elapsed_s", "groups", "sum_aantal", "sum_bedrag")) + "\t\t" + r["reader"].replace("\t", " ") + "\t" + str(r.get("cpu_s", "")))
' "$jf")
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$label" "$lines" "$fmt" "$engine" "$rep" "$status" "$wall" "$peak" "$fields" >> "$RESULTS"
    log "  $engine $label $fmt run $rep: $(cut -f1 <<<"$fields") s in process, ${wall} s process, $((peak / 1024)) MiB"
}

START=$SECONDS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for label in $SIZES; do
    lines=$(to_int "$label") || { log "not a size: '$label'"; continue; }
    if [[ -n $REPS ]]; then reps=$REPS; elif (( lines >= 30000000 )); then reps=1; else reps=3; fi
    for fmt in "${FORMATS[@]}"; do
        dir=$(generate "$lines" "$fmt")
        [[ -n $dir ]] || continue
        file=$(claims_file "$dir" "$fmt")
        cat "$file" > /dev/null # into the page cache, so that no engine pays the first read
        log "measuring $label lines as $fmt ($reps runs each)"
        for ((rep = 1; rep <= reps; rep++)); do
            # Interleaved, so that load from elsewhere on the machine hits all three alike.
            measure_richttarief "$label" "$lines" "$fmt" "$dir" "$rep"
            measure_engine duckdb "$label" "$lines" "$fmt" "$file" "$rep"
            measure_engine polars "$label" "$lines" "$fmt" "$file" "$rep"
        done
    done
done
rm -f "$LOGS/time.$$"

# 5. The report: machine, versions, tables, growth, targets.
HEADER="$BENCH_DIR/header.md"
{
    echo "## Benchmark: richttarief run against DuckDB and polars"
    echo
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory"
    echo "- richttarief: $("$BIN" --version) ($BIN)"
    echo "- python $("$PY" -c 'import platform; print(platform.python_version())'), duckdb $("$PY" -c 'import duckdb; print(duckdb.__version__)'), polars $("$PY" -c 'import polars; print(polars.__version__)')"
    echo "- data: \`richttarief generate --aanbieders $AANBIEDERS --seed $SEED --declaratieregels M --formaat csv.gz|parquet\` in $BENCH_DIR/data; parquet-duckdb is the csv.gz claims written as Parquet by DuckDB's \`COPY ... TO (FORMAT parquet)\`"
    echo "- load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the benchmark itself accounts for up to about 2; more means other work shared the cores)"
    echo "- sizes: $SIZES; run on $(date -u '+%Y-%m-%d %H:%M UTC'), $(( (SECONDS - START) / 60 )) min of measuring and generating"
    echo "- reproduce: \`bash tests/bench/benchmark.sh --sizes \"$SIZES\"\`"
} > "$HEADER"
echo
"$PY" "$HERE/report.py" "$RESULTS" "$HEADER" "$BENCH_DIR/report.md" || log "the report failed (raw figures in $RESULTS)"
log "report written to $BENCH_DIR/report.md; raw figures in $RESULTS"
exit 0
