#!/usr/bin/env bash
# The load and soak run: a mixed workload (dossiers, a person's absence, meldingen and cases,
# searches, worklists, every report, bulk absence intake) against `leerrecht serve` on the
# region demo, for MINUTES minutes (default 10) with CLIENTS concurrent clients (default 16).
# Prints the latency (p50, p99, slowest) per kind of request, every error, and each server's
# memory every ten seconds; fails (exit 1) on any error or on memory that keeps growing
# after the first minute (judged on runs of at least two and a half minutes).
# On SQLite by default; --postgres runs on a throwaway PostgreSQL cluster from the system's
# server binaries, and --servers N starts N servers on that one database (the clients take
# turns between them). --db URL runs on that PostgreSQL database as it is (the demo is made in
# it on the first run, when it must be empty, and reused afterwards). --scale picks the demo
# (tiny, region or national; default region).
# Usage: bash scripts/soak.sh [--postgres | --db URL] [--servers N] [--scale S] [MINUTES] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=sqlite
servers=1
scale=region
while [ $# -gt 0 ]; do
    case "$1" in
    --postgres) backend=postgres ;;
    --db) backend=$2; shift ;;
    --servers) servers=$2; shift ;;
    --scale) scale=$2; shift ;;
    --*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
minutes=${1:-10}
clients=${2:-16}
out=$PWD/bench-out/api
source scripts/api-demo.sh

# Pupil numbers of the region, to search for.
"$bin" --db "$db" jongeren --format csv | awk -F';' 'NR > 1 { print $1 }' | shuf -n 5000 --random-source=<(yes) >"$out/leerlingen.txt"

echo
echo "=== soak on $label ($scale demo, $servers server(s) on one database): $minutes min, $clients clients"
urls=()
for b in "${bases[@]}"; do urls+=(--url "$b"); done
for p in "${pids[@]}"; do urls+=(--pid "$p"); done
status=0
LEERRECHT_SOAK_SESSIE=$session LEERRECHT_SOAK_TOKEN=$token "$bin" bench soak \
    "${urls[@]}" --minutes "$minutes" --clients "$clients" --school "$school" \
    --ids "$out/ids.txt" --gronden "$out/gronden.txt" --leerlingen "$out/leerlingen.txt" --pupils "$out/pupils.txt" \
    | tee "$out/soak-$backend-$servers.txt" || status=$?
if [ -n "${pg_dir:-}" ]; then
    echo "PostgreSQL cluster: $(pg_memory) MiB resident (all its processes)" | tee -a "$out/soak-$backend-$servers.txt"
fi
exit "$status"
