#!/usr/bin/env bash
# Measures the HTTP API on the region demo (about 100,000 young people) with wrk:
#   1. GET /api/v1/jongeren/{id} as a logged-in leerplicht officer (through the gate, each
#      read audited before it is answered), 100 connections, random persons of the region,
#      then GET /api/v1/verzuim?jongere={id} of the persons the officer has a ground to read
#      the absence of; each with the processor time per request of the server (and of a
#      throwaway cluster);
#   2. bulk absence intake: POST /api/v1/verzuim with the demo school's token, batches of
#      about 5,000 rows whose minutes change with every batch (so every row is written);
#   3. the server's resident memory (now and peak) after both.
# On PostgreSQL the reads are followed by their peer: PostgreSQL's own pgbench on the same
# database with the same clients, reading a session and a person (the least such a read needs).
# On SQLite (the demo database is made once in bench-out/api and reused), or on PostgreSQL:
# a throwaway cluster from the system's server binaries, the demo made anew each run.
# Or on a PostgreSQL database given by URL, used as it is: the demo is made in it on the first
# run (it must be empty then) and reused afterwards.
# Usage: bash scripts/bench-api.sh [sqlite|postgres|postgres://…] [SECONDS] [tiny|region|national]
#        (default: sqlite, 30 s, region). Prints figures headed with the database; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
backend=${backend#--}
secs=${2:-30}
scale=${3:-region}
servers=1
out=$PWD/bench-out/api
mkdir -p "$out"
source scripts/api-demo.sh
# A wrk script that reads PATH followed by a random line of the file $IDS.
read_lua() {
    cat <<LUA
local ids = {}
for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "$1" .. ids[math.random(#ids)])
end
LUA
}
read_lua /api/v1/jongeren/ >"$out/get.lua"
read_lua "/api/v1/verzuim?jongere=" >"$out/verzuim.lua"

# The processor time the server (and a throwaway cluster) spend on the reads, per request: on a
# machine whose cores wrk, the server and the database share, their sum bounds the rate.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# reads NAME IDS: 100 connections of the officer reading with $out/NAME.lua, for $secs seconds.
reads() {
    local server_cpu pg_cpu_before requests cpu_line
    server_cpu=$(ticks "$server")
    [ -n "${pg_dir:-}" ] && pg_cpu_before=$(pg_cpu)
    IDS=$2 wrk -t2 -c100 -d"${secs}s" --latency -H "Authorization: Bearer $session" \
        -s "$out/$1.lua" "${base%/api/v1}" | tee "$out/$1-$backend.txt"
    grep -q "Non-2xx" "$out/$1-$backend.txt" && echo "WARNING: some answers were not 200"
    requests=$(awk '/requests in/ { print $1 }' "$out/$1-$backend.txt")
    per_request() { awk -v t="$1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", t / hz / n * 1e6 }'; }
    cpu_line="processor time per request: leerrecht $(per_request $(($(ticks "$server") - server_cpu))) µs"
    [ -n "${pg_dir:-}" ] &&
        cpu_line+=", PostgreSQL (all its processes) $(per_request $(($(pg_cpu) - pg_cpu_before))) µs"
    echo "$cpu_line" | tee -a "$out/$1-$backend.txt"
}
echo
echo "=== $label, $scale demo: GET /api/v1/jongeren/{id}: 100 connections, $secs s"
reads get "$out/ids.txt"
echo
echo "=== $label, $scale demo: GET /api/v1/verzuim?jongere={id} of the persons with a ground: 100 connections, $secs s"
reads verzuim "$out/gronden.txt"
echo "server memory after the reads: $(grep VmRSS "/proc/$server/status")"

if [ "$backend" = postgres ]; then
    # The peer: PostgreSQL's own pgbench on the same database, the same 100 clients and
    # seconds, doing the least any audited read of a person needs before the audit entry: find
    # the session by its token's hash and read the person by primary key (2 reads, no writes).
    pg_tools=$(dirname "$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1)")
    peer_sql() { "$pg_tools/psql" "$db" -qAt -c "$1"; }
    cat >"$out/peer.sql" <<SQL
\\set id random(1, $(peer_sql "SELECT max(id) FROM jongeren"))
SELECT * FROM sessies s JOIN gebruikers g ON g.id = s.gebruiker_id
 WHERE s.token_hash = '$(peer_sql "SELECT token_hash FROM sessies ORDER BY aangemaakt DESC LIMIT 1")';
SELECT * FROM jongeren WHERE id = :id;
SQL
    echo
    echo "=== PostgreSQL's pgbench, the same database: a session and a person read, 100 clients, $secs s"
    "$pg_tools/pgbench" -n -M prepared -c 100 -j 2 -T "$secs" -f "$out/peer.sql" "$db" 2>&1 |
        grep -E "^(tps|latency average)" | tee "$out/peer-$backend.txt"
fi

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
echo "=== $label, $scale demo: POST /api/v1/verzuim: 4 connections, $secs s"
wrk -t1 -c4 -d"${secs}s" --timeout 30s -s "$out/post.lua" "${base%/api/v1}" | tee "$out/post-$backend.txt"

echo
echo "=== $label: server memory"
grep -E "VmRSS|VmHWM" "/proc/$server/status" | tee "$out/memory-$backend.txt"
if [ -n "${pg_dir:-}" ]; then
    echo "PostgreSQL cluster: $(pg_memory) MiB resident (all its processes)" | tee -a "$out/memory-$backend.txt"
fi
