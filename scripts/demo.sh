#!/usr/bin/env bash
# The demo command: builds leerrecht, fills a fresh SQLite database (demo.db) with the demo
# region and shows the overview per gemeente. Usage: bash scripts/demo.sh [--scale S] [--seed N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p leerrecht
rm -f demo.db demo.db-wal demo.db-shm
export LEERRECHT_DB=sqlite://demo.db
target/release/leerrecht demo "$@"
target/release/leerrecht overzicht
echo
echo "The demo region is in demo.db. Try:"
echo "  LEERRECHT_DB=sqlite://demo.db target/release/leerrecht jongeren --gemeente GM0392 | head"
echo "  LEERRECHT_DB=sqlite://demo.db target/release/leerrecht signals --regel 16uur --format json | head"
echo "  LEERRECHT_DB=sqlite://demo.db target/release/leerrecht werklijst --org RBL-ZKIJ | head"
echo "  LEERRECHT_DB=sqlite://demo.db target/release/leerrecht user list"
echo "  LEERRECHT_DB=sqlite://demo.db target/release/leerrecht audit verify"
echo "  LEERRECHT_DB=sqlite://demo.db target/release/leerrecht purge --dry-run | tail -3"
