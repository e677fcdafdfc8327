# Sourced by scripts/bench-api.sh and scripts/soak.sh: builds the release binary, makes the
# demo (SQLite: once in $out, reused afterwards; PostgreSQL: in a database of a throwaway
# cluster, see scripts/pg-throwaway.sh), starts `leerrecht serve` on a free port (several
# servers on the one PostgreSQL database when asked) and logs in as the demo's leerplicht
# officer. The caller sets these first:
#   out      the folder for files
#   backend  sqlite, postgres, or the URL of a PostgreSQL database to use as it is (the demo
#            is made in it on the first run, when it must be empty, and reused afterwards)
#   scale    tiny, region or national (default region)
#   servers  how many servers (default 1; more only on PostgreSQL)
# Afterwards these are set:
#   bin      the release binary          db       the demo database's URL
#   server   the first server's pid      base     its API's base URL (…/api/v1)
#   pids     every server's pid          bases    every server's base URL
#   session  the officer's session token token    the demo school's API token
#   label    the database as the figures name it (SQLite or PostgreSQL)
# and, in $out, ids.txt (5,000 person ids), gronden.txt (persons the officer has a ground to
# read the absence of) and pupils.txt (the token school's pupils).
# The servers (and the cluster) are stopped when the caller exits.
command -v wrk >/dev/null || { apt-get update && apt-get install -y --no-install-recommends wrk; }
cargo build --release -p leerrecht >/dev/null
bin=$PWD/target/release/leerrecht
mkdir -p "$out"
scale=${scale:-region}
servers=${servers:-1}
source scripts/pg-throwaway.sh

# The demo is a bulk load of synthetic data: on PostgreSQL its many small commits (each draft
# melding the school confirms or withdraws) skip the wait for the disk. The servers below use
# the database as it is, every commit durable.
make_pg_demo() {
    local sep='?'
    case "$db" in *\?*) sep='&' ;; esac
    echo "making the $scale demo ($label)…"
    /usr/bin/time -f "demo: %e s" "$bin" --db "$db${sep}options=-c%20synchronous_commit%3Doff" \
        demo --no-serve --scale "$scale" >"$demo_out"
}

case "$backend" in
sqlite)
    label=SQLite
    [ "$servers" -eq 1 ] || { echo "several servers share one PostgreSQL database, not SQLite" >&2; exit 2; }
    db="sqlite://$out/$scale.db"
    demo_out=$out/demo-$backend-$scale.out
    if [ ! -s "$demo_out" ] || [ ! -s "$out/$scale.db" ]; then
        rm -f "$out/$scale.db"*
        echo "making the $scale demo ($label)…"
        /usr/bin/time -f "demo: %e s" "$bin" --db "$db" demo --no-serve --scale "$scale" >"$demo_out"
    fi
    ;;
postgres)
    label=PostgreSQL
    pg_start
    db=$(pg_createdb leerrecht)
    demo_out=$out/demo-$backend-$scale.out
    make_pg_demo
    ;;
postgres://* | postgresql://*)
    label=PostgreSQL
    db=$backend
    backend=postgres
    # One demo output per database (its passwords and token), kept beside the figures.
    demo_out=$out/demo-$(printf %s "$db" | sha1sum | cut -c1-12)-$scale.out
    [ -s "$demo_out" ] || make_pg_demo
    ;;
*)
    echo "unknown database $backend: sqlite, postgres or a postgres:// URL" >&2
    exit 2
    ;;
esac

pids=()
bases=()
for i in $(seq "$servers"); do
    "$bin" --db "$db" serve --addr 127.0.0.1:0 >"$out/serve-$i.out" 2>"$out/serve-$i.err" &
    pids+=($!)
    on_exit "kill -TERM $! 2>/dev/null; wait $! 2>/dev/null"
    for _ in $(seq 100); do grep -q "API on" "$out/serve-$i.out" 2>/dev/null && break; sleep 0.1; done
    bases+=("$(sed -n 's/^leerrecht: API on //p' "$out/serve-$i.out")")
    [ -n "${bases[-1]}" ] || { echo "server $i did not start:" >&2; cat "$out/serve-$i.err" >&2; exit 1; }
    echo "server ${pids[-1]} on ${bases[-1]} ($label)"
done
server=${pids[0]}
base=${bases[0]}

token=$(grep -o 'lrt_[A-Za-z0-9_-]*' "$demo_out" | head -1)
read -r user password secret <<<"$(awk '$1 == "demo.leerplicht" { print $1, $4, $5 }' "$demo_out")"
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
[ -n "$session" ] || { echo "could not log in (a TOTP code works once: wait 30 s and retry)" >&2; exit 1; }

# 5,000 person ids of the region, from the listing.
python3 - "$base" "$session" "$out/ids.txt" <<'PY'
import json, sys, urllib.request
base, session, path = sys.argv[1:]
ids, na = [], None
while len(ids) < 5000:
    url = f"{base}/jongeren?limiet=500" + (f"&na={na}" if na else "")
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {session}"})
    page = json.load(urllib.request.urlopen(req))
    ids += [j["id"] for j in page["jongeren"]]
    na = page.get("volgende")
    if not na:
        break
open(path, "w").write("\n".join(ids) + "\n")
print(f"{len(ids)} ids")
PY

# The persons on the officer's worklist with a confirmed melding, a registration or a case:
# those whose absence the officer has a ground to read.
python3 - "$base" "$session" "$out/gronden.txt" <<'PY'
import json, sys, urllib.request
base, session, path = sys.argv[1:]
req = urllib.request.Request(f"{base}/werklijst", headers={"Authorization": f"Bearer {session}"})
items = json.load(urllib.request.urlopen(req))["items"]
soorten = {"melding", "aanbod", "aanbod_te_laat", "escalatie"}
ids = sorted({i["jongere"] for i in items if i["soort"] in soorten and i.get("jongere")})
open(path, "w").write("\n".join(ids) + "\n")
print(f"{len(ids)} persons with a ground on the worklist")
PY

# Pupils of the token's school enrolled through October 2024, for the batches.
school=$("$bin" --db "$db" token list | awk 'NR > 1 && $3 ~ /verzuim/ { print $2; exit }')
"$bin" --db "$db" jongeren --as-of 2024-10-01 --format csv | awk -F';' -v s="$school" '$8 == s { print $1 }' | sort >"$out/a.txt"
"$bin" --db "$db" jongeren --as-of 2024-10-31 --format csv | awk -F';' -v s="$school" '$8 == s { print $1 }' | sort >"$out/b.txt"
comm -12 "$out/a.txt" "$out/b.txt" >"$out/pupils.txt"
echo "school $school: $(wc -l <"$out/pupils.txt") pupils for the batches"
