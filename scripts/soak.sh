#!/usr/bin/env bash
# The load and soak run: a mixed workload (dossiers, a person's absence, signals and cases,
# searches, worklists, every report, bulk absence intake) against `leerrecht serve` on the
# region demo, for MINUTES minutes (default 10) with CLIENTS concurrent clients (default 16).
# Prints the latency (p50, p99, slowest) per kind of request, every error, and the server's
# memory every ten seconds; fails (exit 1) on any error or on memory that keeps growing
# after the first minute.
# Usage: bash scripts/soak.sh [MINUTES] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
clients=${2:-16}
backend=sqlite
out=$PWD/bench-out/api
source scripts/api-demo.sh

# Pupil numbers of the region, to search for.
"$bin" --db "$db" jongeren --format csv | awk -F';' 'NR > 1 { print $1 }' | shuf -n 5000 --random-source=<(yes) >"$out/leerlingen.txt"

echo
echo "=== soak: $minutes min, $clients clients"
LEERRECHT_SOAK_SESSIE=$session LEERRECHT_SOAK_TOKEN=$token "$bin" bench soak \
    --url "$base" --minutes "$minutes" --clients "$clients" --school "$school" \
    --ids "$out/ids.txt" --leerlingen "$out/leerlingen.txt" --pupils "$out/pupils.txt" \
    --pid "$server" | tee "$out/soak-$backend.txt"
