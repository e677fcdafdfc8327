#!/usr/bin/env bash
# The demo command: builds leerrecht, fills demo.db with the region demo when it does not hold
# it yet, prints a login per role and serves the web application at http://127.0.0.1:8080
# until Ctrl-C. Usage: bash scripts/demo.sh [--scale S] [--seed N] [--peildatum D] [--addr HOST:PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p leerrecht
export LEERRECHT_DB=sqlite://demo.db
exec target/release/leerrecht demo "$@"
