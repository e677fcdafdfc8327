#!/usr/bin/env bash
# Measures the HTTP API on the region demo (about 100,000 young people) with wrk:
#   1. GET /api/v1/jongeren/{id} as a logged-in leerplicht officer (through the gate, each
#      read audited before it is answered), 100 connections, random persons of the region;
#   2. bulk absence intake: POST /api/v1/verzuim with the demo school's token, batches of
#      about 5,000 rows whose minutes change with every batch (so every row is written);
#   3. the server's resident memory (now and peak) after both.
# Usage: bash scripts/bench-api.sh [sqlite] [SECONDS]   (default 30 s)
# The demo database is made once in bench-out/api and reused. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
secs=${2:-30}
out=$PWD/bench-out/api
mkdir -p "$out"
command -v wrk >/dev/null || { apt-get update && apt-get install -y --no-install-recommends wrk; }
cargo build --release -p leerrecht >/dev/null
bin=$PWD/target/release/leerrecht

[ "$backend" = sqlite ] || { echo "usage: $0 [sqlite] [SECONDS]" >&2; exit 2; }
db="sqlite://$out/region.db"

if [ ! -s "$out/demo-$backend.out" ]; then
    rm -f "$out/region.db"*
    echo "making the region demo ($backend)…"
    /usr/bin/time -f "demo: %e s" "$bin" --db "$db" demo --no-serve --scale region >"$out/demo-$backend.out"
fi

"$bin" --db "$db" serve --addr 127.0.0.1:0 >"$out/serve.out" 2>/dev/null &
server=$!
stop() { kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 100); do grep -q "API on" "$out/serve.out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^leerrecht: API on //p' "$out/serve.out")
echo "server $server on $base"

token=$(grep -o 'lrt_[A-Za-z0-9_-]*' "$out/demo-$backend.out" | head -1)
read -r user password secret <<<"$(awk '$1 == "demo.leerplicht" { print $1, $4, $5 }' "$out/demo-$backend.out")"
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
cat >"$out/get.lua" <<'LUA'
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/jongeren/" .. ids[math.random(#ids)])
end
LUA
echo
echo "=== GET /api/v1/jongeren/{id}: 100 connections, $secs s"
IDS=$out/ids.txt wrk -t2 -c100 -d"${secs}s" --latency -H "Authorization: Bearer $session" \
    -s "$out/get.lua" "${base%/api/v1}" | tee "$out/get-$backend.txt"
grep -q "Non-2xx" "$out/get-$backend.txt" && echo "WARNING: some answers were not 200"
echo "server memory after the reads: $(grep VmRSS "/proc/$server/status")"

# Pupils of the token's school enrolled through October 2024, for the batches.
school=$("$bin" --db "$db" token list | awk 'NR > 1 && $3 ~ /verzuim/ { print $2; exit }')
"$bin" --db "$db" jongeren --as-of 2024-10-01 --format csv | awk -F';' -v s="$school" '$8 == s { print $1 }' | sort >"$out/a.txt"
"$bin" --db "$db" jongeren --as-of 2024-10-31 --format csv | awk -F';' -v s="$school" '$8 == s { print $1 }' | sort >"$out/b.txt"
comm -12 "$out/a.txt" "$out/b.txt" >"$out/pupils.txt"
echo "school $school: $(wc -l <"$out/pupils.txt") pupils for the batches"
cat >"$out/post.lua" <<LUA
local pupils = {}
for line in io.lines("$out/pupils.txt") do pupils[#pupils + 1] = line end
local days = {"2024-10-07","2024-10-08","2024-10-09","2024-10-10","2024-10-11",
              "2024-10-14","2024-10-15","2024-10-16","2024-10-17","2024-10-18",
              "2024-10-21","2024-10-22","2024-10-23","2024-10-24","2024-10-25"}
local per = math.max(1, math.floor(5000 / #pupils))
local n = 0
rows_sent = 0
request = function()
  n = n + 1
  local parts = {}
  for i = 1, #pupils do
    for d = 1, math.min(per, #days) do
      parts[#parts + 1] = string.format(
        '{"leerling":"%s","school":"$school","datum":"%s","soort":"ongeoorloofd","minuten":%d}',
        pupils[i], days[d], 30 + (n % 300))
    end
  end
  local body = '{"rijen":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/v1/verzuim",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, body)
end
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 300) .. "\n") end
end
done = function(summary, latency, requests)
  local rows = #pupils * math.min(per, #days)
  io.write(string.format("batches: %d of %d rows; %.0f rows/s\n", summary.requests, rows,
    summary.requests * rows / (summary.duration / 1e6)))
end
LUA
echo
echo "=== POST /api/v1/verzuim: 4 connections, $secs s"
wrk -t1 -c4 -d"${secs}s" --timeout 30s -s "$out/post.lua" "${base%/api/v1}" | tee "$out/post-$backend.txt"

echo
echo "=== server memory"
grep -E "VmRSS|VmHWM" "/proc/$server/status" | tee "$out/memory-$backend.txt"
