#!/usr/bin/env bash
# Measures the register's figures at national scale (issue: foundation):
#   - `leerrecht demo --scale national` into SQLite: wall time and peak memory;
#   - import of the national jongeren and inschrijvingen files into SQLite and PostgreSQL:
#     rows/s and peak memory;
#   - `leerrecht overzicht` at national scale on both.
# Usage: bash scripts/bench-register.sh [OUTDIR]   (default: bench-out/, git-ignored)
#        ONLY=postgres bash scripts/bench-register.sh   (the PostgreSQL imports alone)
# PostgreSQL runs as a throwaway cluster from the system's binaries, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)

cargo build --release -p leerrecht >/dev/null
bin=$PWD/target/release/leerrecht

# Runs a command, prints wall seconds and peak RSS (MiB) after its own output.
measure() {
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@"
    read -r secs kib <"$out/time.txt"
    printf '%-48s %8.2f s  %7.0f MiB peak\n' "$label" "$secs" "$((kib / 1024))" | tee -a "$out/figures.txt"
}

: >"$out/figures.txt"
only=${ONLY:-}
if [ -z "$only" ]; then
    rm -f "$out"/national.db*
    measure "demo --scale national (SQLite)" "$bin" --db "sqlite://$out/national.db" demo --no-serve --scale national >/dev/null
    measure "overzicht at national scale (SQLite)" "$bin" --db "sqlite://$out/national.db" overzicht --as-of 2025-10-01 >/dev/null
fi

if [ ! -f "$out/csv/jongeren.csv" ]; then
    mkdir -p "$out/csv"
    "$bin" demo --scale national --csv "$out/csv" >/dev/null
fi
wc -l "$out"/csv/*.csv | tee -a "$out/figures.txt"

# The issue's figure is for a file of 1,000,000 rows; the whole national files follow.
[ -f "$out/csv/jongeren-1m.csv" ] || head -n 1000001 "$out/csv/jongeren.csv" >"$out/csv/jongeren-1m.csv"
[ -f "$out/csv/inschrijvingen-1m.csv" ] || head -n 1000001 "$out/csv/inschrijvingen.csv" >"$out/csv/inschrijvingen-1m.csv"

import_all() {
    local db=$1 label=$2
    "$bin" --db "$db" import organisaties "$out/csv/organisaties.csv" 2>/dev/null
    "$bin" --db "$db" import kalender "$out/csv/kalender.csv" 2>/dev/null
    measure "import jongeren, 1M rows ($label)" "$bin" --db "$db" import jongeren "$out/csv/jongeren-1m.csv"
    measure "import jongeren, 3M rows, 1M known ($label)" "$bin" --db "$db" import jongeren "$out/csv/jongeren.csv"
    measure "import inschrijvingen, 1M rows ($label)" "$bin" --db "$db" import inschrijvingen "$out/csv/inschrijvingen-1m.csv"
    measure "import inschrijvingen, 4.4M, 1M known ($label)" "$bin" --db "$db" import inschrijvingen "$out/csv/inschrijvingen.csv"
    measure "re-import jongeren 1M, unchanged ($label)" "$bin" --db "$db" import jongeren "$out/csv/jongeren-1m.csv"
    measure "overzicht at national scale ($label)" "$bin" --db "$db" overzicht --as-of 2025-10-01 >/dev/null
}

if [ -z "$only" ]; then
    rm -f "$out"/import.db*
    import_all "sqlite://$out/import.db" SQLite
fi

# A throwaway PostgreSQL cluster, run by the unprivileged postgres user when we are root.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgdir=$(mktemp -d /tmp/leerrecht-bench-pg.XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir"
port=$((20000 + RANDOM % 20000))
as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_wal_size=8GB -c work_mem=256MB -c maintenance_work_mem=1GB" start >/dev/null
trap 'as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres leerrecht
import_all "postgres://postgres@127.0.0.1:$port/leerrecht" PostgreSQL

echo "figures: $out/figures.txt"
