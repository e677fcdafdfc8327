# Sourced by the benchmark scripts. Runs commands when the script exits, and starts a
# throwaway PostgreSQL cluster from the system's server binaries (the newest
# /usr/lib/postgresql/*/bin, as the tests do): initdb and pg_ctl into a temporary folder, on a
# free port of 127.0.0.1, trust authentication; as the `postgres` user when run as root.
#   on_exit CMD…        runs CMD when the script exits (the last added first)
#   pg_start            starts the cluster (stopped and removed on exit); sets pg_bin, pg_port
#   pg_createdb NAME    makes a database and prints its URL for `leerrecht --db`
#   pg_psql ARGS…       psql as the cluster's superuser
#   pg_memory           the resident memory of all the cluster's processes, in MiB
#   pg_cpu              the processor time all the cluster's processes have used so far, in
#                       clock ticks (getconf CLK_TCK a second); for a difference over a run

_on_exit=()
on_exit() { _on_exit=("$*" "${_on_exit[@]}"); }
_run_on_exit() {
    local c
    for c in "${_on_exit[@]}"; do eval "$c" || true; done
}
trap _run_on_exit EXIT

_as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
        echo "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (scripts/test.sh installs them)" >&2
        exit 1
    fi
    pg_dir=$(mktemp -d /tmp/leerrecht-bench-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
    pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    _as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
    _as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -o "-p $pg_port -k $pg_dir \
        -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=512MB -c max_wal_size=8GB \
        -c max_connections=200" start >/dev/null
    on_exit "_as_pg '$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$pg_dir'"
    echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }') on 127.0.0.1:$pg_port (throwaway, in $pg_dir)"
}

pg_psql() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qAt "$@"; }

pg_createdb() {
    pg_psql -d postgres -c "CREATE DATABASE $1" >/dev/null
    echo "postgres://postgres@127.0.0.1:$pg_port/$1"
}

pg_memory() {
    local pid
    pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
    # The postmaster and its children (backends share the buffer pool: this counts it once
    # per process that touched it, an upper bound).
    ps -o rss= --pid "$pid" --ppid "$pid" | awk '{ s += $1 } END { printf "%.0f", s / 1024 }'
}

pg_cpu() {
    local pid
    pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
    # User and system time of the postmaster and its children (the backends, the WAL and
    # background writers, autovacuum): a backend that ends during the run takes its time along.
    for p in "$pid" $(pgrep -P "$pid"); do
        awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
    done | awk '{ s += $1 } END { print s + 0 }'
}
