#!/usr/bin/env bash
# The API's conformance checks, run by scripts/test.sh after the tests:
#   1. the OpenAPI document the server serves passes the Dutch API Design Rules (the NL GOV
#      Spectral ruleset) with no error and no warning;
#   2. Schemathesis finds no server error and no answer that breaks the document, against a
#      live server with the tiny demo region: once with the demo's school API token, once
#      with a leerplicht officer's session token. Besides the examples, boundaries and
#      random data of each operation it runs the stateful phase, which follows the
#      document's links (a person's id from a listing into the person's resources, a case's
#      number into the operations on the case), and it is fed real values the schema cannot
#      make up (BSNs that pass the 11-proef, ids, case numbers) as fuzz dictionaries. It
#      fails when an operation rejected all valid data it was sent ("schema validation
#      mismatch": the document does not state a rule the server checks) or never found the
#      resource it addressed ("missing test data").
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
npx --yes @stoplight/spectral-cli lint --fail-severity warn -r "$ruleset" "$work/openapi.json"

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

# Real values for the fuzz dictionaries, read as the officer: the persons' numbers and ids,
# the numbers of their cases and meldingen, the organisations' codes; for the school's
# system its own code, its pupils and the last days (absence is never in the future).
school=$(sed -n 's/^API-token van school \([^ ]*\).*/\1/p' "$work/demo.out" | head -1)
python3 - "$base" "$session" "$school" "$work" <<'PY'
import datetime, json, sys, urllib.request

base, session, school, work = sys.argv[1:5]

def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + session})
    with urllib.request.urlopen(req) as r:
        return json.load(r)

def alle(query):
    jongeren, na = [], ""
    while True:
        pagina = get("/jongeren?limiet=500" + query + na)
        jongeren += pagina["jongeren"]
        if "volgende" not in pagina:
            return jongeren
        na = "&na=" + pagina["volgende"]

def nummer(j):
    return j.get("bsn") or j.get("onderwijsnummer")

jongeren = alle("")
zaken, meldingen, ids = set(), set(), []
for j in jongeren:
    z = get("/zaken?jongere=" + j["id"])
    m = get("/meldingen?jongere=" + j["id"])
    zaken.update(x["id"] for x in z)
    meldingen.update(x["id"] for x in m)
    if z or m:
        ids.append(j["id"])
leerlingen = [nummer(j) for j in alle("&school=" + school)]
organisaties = get("/organisaties")
codes = [o["code"] for o in organisaties]
gemeenten = [o["code"] for o in organisaties if o["soort"] == "gemeente"]
scholen = [o["code"] for o in organisaties if o["soort"] == "school"]
swvs = {o["swv"] for o in organisaties if o.get("swv")}
regios = {o["regio"] for o in organisaties if o.get("regio")}
vandaag = datetime.datetime.now(datetime.timezone.utc).date()  # the server's today
dagen = [(vandaag - datetime.timedelta(days=d)).isoformat() for d in range(1, 8)]
if not (ids and zaken and meldingen and leerlingen):
    sys.exit("error: the demo region has no persons, cases, meldingen or pupils to test with")

def values(xs):
    return json.dumps(sorted(set(xs)))

# The stateful phase walks the links for 100 scenarios: enough to reach a case's
# partners, plan and closing from a listing of persons.
common = f"""[warnings]
fail-on = ["missing_test_data", "validation_mismatch"]

[phases.stateful.generation]
max-examples = 100

[dictionaries.leerlingen]
values = {values(nummer(j) for j in jongeren[:200])}
[dictionaries.jongeren]
values = {values(ids)}
[dictionaries.zaken]
values = {values(zaken)}
[dictionaries.meldingen]
values = {values(meldingen)}
[dictionaries.organisaties]
values = {values(codes)}
[dictionaries.gemeenten]
values = {values(gemeenten)}
[dictionaries.scholen]
values = {values(scholen)}
[dictionaries.swvs]
values = {values(swvs)}
[dictionaries.regios]
values = {values(regios)}
[dictionaries.school]
values = {values([school])}
[dictionaries.pupillen]
values = {values(leerlingen)}
[dictionaries.dagen]
values = {values(dagen)}
[dictionaries.vandaag]
values = {values([vandaag.isoformat()])}
"""

leerplicht = common + """
[parameters]
"body.leerling" = { dictionary = "leerlingen" }
"body.jongere" = { dictionary = "jongeren", probability = 0.8 }
"query.jongere" = { dictionary = "jongeren", probability = 0.8 }
"query.na" = { dictionary = "jongeren", probability = 0.8 }
"query.gemeente" = { dictionary = "gemeenten", probability = 0.8 }
"query.school" = { dictionary = "scholen", probability = 0.8 }
"query.swv" = { dictionary = "swvs", probability = 0.8 }
"query.regio" = { dictionary = "regios", probability = 0.8 }
"body.zaak" = { dictionary = "zaken", probability = 0.8 }
"body.organisatie" = { dictionary = "organisaties", probability = 0.8 }

# A number passes the 11-proef, which no pattern can say: the boundary values of the
# coverage phase are refused, so these two are tested with the real numbers only.
[[operations]]
include-operation-id-regex = "^(zoeken|noodtoegang)$"
phases.coverage.enabled = false

# Whether a melding may change status, a partner leave, a registration change or a case
# close depends on where it stands: they are tested by following the links from the reads
# of meldingen, cases and persons and from adding a partner (stateful). A case closes once,
# on a day between its opening and today: random dates and a case closed by an earlier
# example are refused (422), so how many generated closings the server accepts depends on
# the demo's dates and the order of the examples, not on the schema. The same holds for a
# note or an enforcement step (a day between the case's opening and today; an outcome only
# for a step that waits for one), for a parent (a name new to the young person, or one on
# the file), for a contact attempt (on an open RMC case) and for an RMC case (a young person of
# 18 to 23 on the RMC list, without one open).
[[operations]]
include-operation-id-regex = "^(melding_wijzigen|partner_verwijderen|registratie_wijzigen|sluiting|zaaknotitie_schrijven|handhaving|verzorger_toevoegen|verzorger_verwijderen|contactpoging|rmc_zaak_openen)$"
phases.examples.enabled = false
phases.coverage.enabled = false
phases.fuzzing.enabled = false

[[operations]]
include-path = "/jongeren/{id}"
parameters = { "path.id" = { dictionary = "jongeren", probability = 0.8 } }

[[operations]]
include-path-regex = "^/zaken/[{]id[}]"
parameters = { "path.id" = { dictionary = "zaken", probability = 0.8 }, "path.organisatie" = { dictionary = "organisaties", probability = 0.8 } }

[[operations]]
include-path = "/meldingen/{id}"
parameters = { "path.id" = { dictionary = "meldingen", probability = 0.8 } }

[[operations]]
include-path = "/organisaties/{code}"
parameters = { "path.code" = { dictionary = "organisaties", probability = 0.8 } }
"""

# The school's system sends rows of its own pupils, on days gone by.
school = common + """
[parameters]
"body.rijen[*].school" = { dictionary = "school" }
"body.rijen[*].leerling" = { dictionary = "pupillen" }
"body.rijen[*].datum" = { dictionary = "dagen" }
"body.rijen[*].begindatum" = { dictionary = "dagen" }
"body.rijen[*].einddatum" = { dictionary = "vandaag" }

# The document's examples name a school and pupil of no particular region: the batches are
# tested with the region's own values instead.
[[operations]]
include-operation-id-regex = "^(verzuim_sturen|meldingen_sturen)$"
phases.examples.enabled = false

[[operations]]
include-path = "/organisaties/{code}"
parameters = { "path.code" = { dictionary = "organisaties", probability = 0.8 } }
"""
open(work + "/st-leerplicht.toml", "w").write(leerplicht)
open(work + "/st-school.toml", "w").write(school)
PY

# An Idempotency-Key names one request: a key sent again with another body is refused (422),
# so each valid request gets a fresh one.
cat >"$work/hooks.py" <<'PY'
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    mode = getattr(getattr(case.meta, "generation", None), "mode", None)
    if case.headers and "Idempotency-Key" in case.headers and mode == "positive":
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
PY
export SCHEMATHESIS_HOOKS="$work/hooks.py"

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
# The school's system is tested on what a school's system does (its other answers are 403,
# which the security tests cover); the officer on every operation but the school's batches
# and the account's own: logging out or changing the password would end the session the run
# is using, and logging in or resetting a password cannot succeed without the secrets.
failed=""
for who in "school:$token" "leerplicht:$session"; do
    echo "--- Schemathesis as ${who%%:*}"
    if [ "${who%%:*}" = school ]; then
        only=(--include-operation-id verzuim_sturen --include-operation-id meldingen_sturen
            --include-operation-id ik --include-operation-id organisaties
            --include-operation-id organisatie)
    else
        only=(--exclude-operation-id uitloggen --exclude-operation-id inloggen
            --exclude-operation-id wachtwoordherstel --exclude-operation-id wachtwoord_wijzigen
            --exclude-operation-id verzuim_sturen --exclude-operation-id meldingen_sturen)
    fi
    if ! "$venv/bin/st" --config-file "$work/st-${who%%:*}.toml" run "$base/openapi.json" \
        --url "$base" -H "Authorization: Bearer ${who#*:}" "${only[@]}" --checks "$checks" \
        --max-examples 20 --phases examples,coverage,fuzzing,stateful --seed 1 --no-color |
        tee "$work/st.out"; then
        failed="$failed ${who%%:*}"
    fi
    # The exit code says so already (warnings.fail-on); the words make sure of it.
    if grep -Eq 'Schema validation mismatch|Missing test data' "$work/st.out"; then
        failed="$failed ${who%%:*}(warnings)"
    fi
done
if grep -q 'status=5[0-9][0-9]' "$work/serve.log"; then
    echo "error: the server answered with a server error:" >&2
    grep 'status=5[0-9][0-9]' "$work/serve.log" >&2
    exit 1
fi
if [ -n "$failed" ]; then
    echo "error: Schemathesis failed as:$failed (above)" >&2
    exit 1
fi
echo "API conformance: passed"
