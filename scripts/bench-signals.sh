#!/usr/bin/env bash
# Measures the signal engine against its peers on the same data (issue: signal engine):
#   1. `leerrecht bench signals --scale SCALE`: absence import, rule evaluation in memory and
#      from the store, and the incremental run after one more school day;
#   2. DuckDB (from PyPI) and a throwaway PostgreSQL cluster: load the same absence file and
#      run a plain SQL formulation of the 16-hour rule (a rolling 28-day window sum per pupil).
# Usage: bash scripts/bench-signals.sh [region|national]   (default: national)
#        PEERS_ONLY=1 bash scripts/bench-signals.sh   (reuse the absence file of an earlier run)
# Everything goes to bench-out/signals (git-ignored). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-national}
out=$PWD/bench-out/signals
mkdir -p "$out"

if [ -z "${PEERS_ONLY:-}" ] || [ ! -f "$out/verzuim-basis.csv" ]; then
    cargo build --release -p leerrecht >/dev/null
    /usr/bin/time -f "leerrecht bench signals: %e s wall, %M KiB peak" \
        target/release/leerrecht bench signals --scale "$scale" --dir "$out" | tee "$out/leerrecht.txt"

    # The school year through the command, as an installation runs it: the register, then the
    # absence file, then the signals (all of them new), each its own process.
    db=$out/jaar.db
    rm -f "$db" "$db-wal" "$db-shm"
    for f in organisaties kalender jongeren inschrijvingen; do
        target/release/leerrecht --db "sqlite://$db" import "$f" "$out/$f.csv" >/dev/null
    done
    /usr/bin/time -f "command: import verzuim (whole year): %e s wall, %M KiB peak" \
        target/release/leerrecht --db "sqlite://$db" import verzuim "$out/verzuim.csv" >/dev/null 2>"$out/import.err" \
        || { cat "$out/import.err"; exit 1; }
    tail -n 1 "$out/import.err" | tee "$out/command.txt"
    /usr/bin/time -f "command: signals (first run): %e s wall, %M KiB peak" \
        target/release/leerrecht --db "sqlite://$db" signals --regel lrv --as-of 2000-01-01 >/dev/null 2>"$out/signals.err"
    tail -n 2 "$out/signals.err" | tee -a "$out/command.txt"
    /usr/bin/time -f "command: signals --alles (up to date): %e s wall, %M KiB peak" \
        target/release/leerrecht --db "sqlite://$db" signals --alles --regel lrv --as-of 2000-01-01 >/dev/null 2>"$out/signals.err"
    tail -n 2 "$out/signals.err" | tee -a "$out/command.txt"
fi
data=$out/verzuim-basis.csv
rows=$(($(wc -l <"$data") - 1))
echo "absence rows for the peers: $rows"

# The rule as plain SQL: per pupil and school, minutes of ongeoorloofd and luxe in the 28
# days up to each absence date; count the dates that reach 960.
query_duckdb="SELECT count(*) FROM (SELECT sum(minuten) OVER (PARTITION BY leerling, school ORDER BY datum RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW) AS m FROM verzuim WHERE soort IN ('ongeoorloofd','luxe')) WHERE m >= 960"

python3 -m venv "$out/venv" >/dev/null 2>&1 || true
"$out/venv/bin/pip" install --quiet duckdb
"$out/venv/bin/python" - "$data" "$query_duckdb" <<'PY' | tee "$out/duckdb.txt"
import sys, time, duckdb
data, query = sys.argv[1], sys.argv[2]
con = duckdb.connect()
t = time.time()
con.execute(f"CREATE TABLE verzuim AS SELECT * FROM read_csv('{data}', delim=';', header=true, columns={{'leerling':'VARCHAR','school':'VARCHAR','datum':'DATE','soort':'VARCHAR','minuten':'INTEGER','hele_dag':'VARCHAR'}})")
load = time.time() - t
n = con.execute("SELECT count(*) FROM verzuim").fetchone()[0]
t = time.time()
hits = con.execute(query).fetchone()[0]
q = time.time() - t
print(f"duckdb: load {load:.2f} s, query {q:.2f} s ({n / q:,.0f} rows/s), {hits} dates at or above 960")
PY

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pgdir=$(mktemp -d /tmp/leerrecht-bench-pg.XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pgdir" && chmod o+r "$data"
port=$((20000 + RANDOM % 20000))
as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=512MB -c max_wal_size=8GB" start >/dev/null
trap 'as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt "$@"; }
psql -c "CREATE TABLE verzuim (leerling text, school text, datum date, soort text, minuten int, hele_dag text)"
start=$(date +%s.%N)
psql -c "\\copy verzuim FROM '$data' WITH (FORMAT csv, DELIMITER ';', HEADER true)"
load=$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(date +%s.%N)" "$start")
query_pg="SELECT count(*) FROM (SELECT sum(minuten) OVER (PARTITION BY leerling, school ORDER BY datum RANGE BETWEEN INTERVAL '27 days' PRECEDING AND CURRENT ROW) AS m FROM verzuim WHERE soort IN ('ongeoorloofd','luxe')) x WHERE m >= 960"
start=$(date +%s.%N)
hits=$(psql -c "$query_pg")
q=$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(date +%s.%N)" "$start")
printf 'postgresql: COPY %.2f s, query %.2f s (%.0f rows/s), %s dates at or above 960\n' \
    "$load" "$q" "$(python3 -c "import sys; print(int(sys.argv[1]) / float(sys.argv[2]))" "$rows" "$q")" "$hits" | tee "$out/postgres.txt"

# The ratios the issue asks for: leerrecht's full re-evaluation and incremental run against the
# peers' query over the whole year (higher is better for leerrecht).
python3 - "$out" <<'PY' | tee "$out/ratios.txt"
import re, sys
out = sys.argv[1]
text = open(f"{out}/leerrecht.txt").read()
def secs(label):
    m = re.search(re.escape(label) + r".*?(\d+) rows\s+([\d.]+) s", text)
    return float(m.group(2)) if m else None
full = secs("full re-evaluation from the store")
incr = secs("incremental run after it")
duck = float(re.search(r"query ([\d.]+) s", open(f"{out}/duckdb.txt").read()).group(1))
pg = float(re.search(r"query ([\d.]+) s", open(f"{out}/postgres.txt").read()).group(1))
print(f"full re-evaluation: {full:.2f} s; DuckDB's query {duck:.2f} s ({duck / full:.1f}x), PostgreSQL's {pg:.2f} s ({pg / full:.1f}x)")
print(f"incremental run: {incr:.3f} s; {duck / incr:.0f}x faster than DuckDB's query over the year, {pg / incr:.0f}x than PostgreSQL's")
PY
