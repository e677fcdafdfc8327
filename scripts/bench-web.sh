#!/usr/bin/env bash
# The web application's figures on the region demo (about 100,000 young people, SQLite):
# every page's server time (median, 95th percentile, slowest of 20 fetches after a warm-up)
# and size with the style sheet, and the file of the person with the most absence loaded in
# headless Chromium (when chromium and chromedriver are installed). The demo database is
# made once in bench-out/web and reused. Prints figures; asserts nothing.
# Usage: bash scripts/bench-web.sh [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p leerrecht
out=bench-out/web
mkdir -p "$out"
db="sqlite://$out/region.db"
if [ ! -f "$out/region.db" ]; then
    echo "making the region demo…"
    target/release/leerrecht --db "$db" demo --no-serve --scale region >"$out/demo.out"
fi
target/release/leerrecht --db "$db" bench web "$@" | tee "$out/figures.txt"
