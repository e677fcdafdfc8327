#!/usr/bin/env bash
# The API's conformance checks, run by scripts/test.sh after the tests:
#   1. the OpenAPI document the server serves passes the Dutch API Design Rules (the NL GOV
#      Spectral ruleset), with no error;
#   2. Schemathesis finds no server error and no answer that breaks the document, against a
#      live server with the tiny demo region: once with the demo's school API token, once
#      with a leerplicht officer's session token.
# Installs what it needs when missing: node/npm (apt), Python's venv (apt), Schemathesis (pip,
# into target/). Set NLGOV_ADR_RULESET to use a ruleset elsewhere.
set -euo pipefail

cd "$(dirname "$0")/.."
ruleset=${NLGOV_ADR_RULESET:-../shared/conformance/nlgov-adr-ruleset.yaml}
schemathesis_version=4.32.5

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "error: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

if [ ! -f "$ruleset" ]; then
    echo "error: the API Design Rules ruleset is not at $ruleset (set NLGOV_ADR_RULESET)" >&2
    exit 1
fi
if ! command -v npx >/dev/null; then
    echo "node/npm not found: installing them"
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends nodejs npm
fi
echo "node $(node --version)"

venv=target/schemathesis-venv
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$schemathesis_version"; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        as_root apt-get update
        as_root apt-get install -y --no-install-recommends python3-venv
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet "schemathesis==$schemathesis_version"
fi

cargo build --quiet --bin leerrecht
bin=target/debug/leerrecht
work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" --db "sqlite://$work/api.db" demo --no-serve --scale tiny --verzuim 2024-2025 >"$work/demo.out" 2>&1
"$bin" --db "sqlite://$work/api.db" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do
    grep -q "API on" "$work/serve.out" 2>/dev/null && break
    sleep 0.1
done
base=$(sed -n 's/^leerrecht: API on //p' "$work/serve.out")
[ -n "$base" ] || { echo "error: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
curl -sf "$base/openapi.json" >"$work/openapi.json"

echo "--- Spectral, NL GOV API Design Rules ($ruleset)"
npx --yes @stoplight/spectral-cli lint --fail-severity error -r "$ruleset" "$work/openapi.json"

# The demo prints its school token, and each account's password and TOTP secret.
token=$(grep -o 'lrt_[A-Za-z0-9_-]*' "$work/demo.out" | head -1)
read -r user password secret <<<"$(awk '$1 == "demo.leerplicht" { print $1, $4, $5 }' "$work/demo.out")"
code=$(python3 - "$secret" <<'PY'
import base64, hashlib, hmac, struct, sys, time
key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
)
session=$(curl -sf -D - -o /dev/null "$base/sessies" -H 'content-type: application/json' \
    -d "{\"gebruikersnaam\":\"$user\",\"wachtwoord\":\"$password\",\"code\":\"$code\"}" |
    sed -n 's/^set-cookie: leerrecht_sessie=\([^;]*\).*/\1/Ip')
[ -n "$session" ] || { echo "error: could not log in as $user" >&2; exit 1; }

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
for who in "school token:$token" "leerplicht session:$session"; do
    echo "--- Schemathesis as ${who%%:*}"
    # Logging out would end the session the run is using.
    "$venv/bin/st" run "$base/openapi.json" --url "$base" -H "Authorization: Bearer ${who#*:}" \
        --exclude-path /sessies/huidig --checks "$checks" --max-examples 20 \
        --phases examples,coverage,fuzzing --seed 1 --no-color
done
if grep -q 'status=5[0-9][0-9]' "$work/serve.log"; then
    echo "error: the server answered with a server error:" >&2
    grep 'status=5[0-9][0-9]' "$work/serve.log" >&2
    exit 1
fi
echo "API conformance: passed"
