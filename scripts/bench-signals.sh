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
