#!/usr/bin/env bash
# The project's test command: `bash scripts/test.sh`.
#
# Installs the PostgreSQL server binaries if they are missing (the tests start
# throwaway clusters from them, see crates/testkit), Chromium, chromedriver and axe-core
# for the browser tests (crates/cli/tests/web.rs), aiosmtpd for the mail tests
# (crates/cli/tests/mail.rs), npm's oidc-provider for the single sign-on test
# (crates/cli/tests/sso.rs), then checks formatting,
# runs clippy, checks the dependencies (cargo deny), runs the whole workspace's
# tests and a short run of every fuzz target, and checks the HTTP API's conformance
# (scripts/api-conformance.sh).
#
# LEERRECHT_FUZZ_SEKONDEN: seconds per fuzz target (default 15; 0 skips fuzzing).
# LEERRECHT_CRASH_RONDES: kills per operation and database in the crash test (default 2).
set -euo pipefail

cd "$(dirname "$0")/.."

# One whole build of the workspace: incremental caches would only take disk (gigabytes over
# ~50 test binaries) and time. Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() {
    printf '\n==> %s\n' "$*"
}

have_pg_server() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

# Runs a command as root: directly, or through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "error: need root (or sudo) to run: $*" >&2
        exit 1
    fi
}

step "PostgreSQL server binaries"
if have_pg_server; then
    echo "found: $(compgen -G '/usr/lib/postgresql/*/bin/initdb' | tr '\n' ' ')"
else
    echo "not found under /usr/lib/postgresql/*/bin: installing the postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    # postgresql-common first, so that installing the server does not create
    # (and start) a default cluster: the tests make their own.
    as_root apt-get install -y --no-install-recommends postgresql-common
    if [ -f /etc/postgresql-common/createcluster.conf ]; then
        as_root sed -ri 's/^#? *create_main_cluster *=.*$/create_main_cluster = false/' \
            /etc/postgresql-common/createcluster.conf
    fi
    as_root apt-get install -y --no-install-recommends postgresql
    if ! have_pg_server; then
        echo "error: installed postgresql, but /usr/lib/postgresql/*/bin/initdb is still missing" >&2
        exit 1
    fi
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

# Licences, banned and duplicate crates, and sources, offline. The advisory database cannot
# be fetched here; where it can, run `cargo deny check advisories` (see "Dependencies" in docs/operations.md).
step "cargo deny"
if ! command -v cargo-deny >/dev/null; then
    cargo install --locked cargo-deny
fi
cargo deny --offline check bans licenses sources

# --- Browser tests (crates/cli/tests/web.rs): Chromium, its WebDriver and axe-core. ---
step "Chromium, chromedriver and axe-core for the browser tests"
browser_packages=()
command -v chromium >/dev/null || browser_packages+=(chromium)
command -v chromedriver >/dev/null || browser_packages+=(chromium-driver)
command -v npm >/dev/null || browser_packages+=(npm)
if [ ${#browser_packages[@]} -gt 0 ]; then
    echo "not found: installing ${browser_packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends "${browser_packages[@]}"
fi
axe_version=4.14.1
axe_dir="$PWD/target/axe-core-$axe_version"
if [ ! -f "$axe_dir/package/axe.min.js" ]; then
    mkdir -p "$axe_dir"
    (cd "$axe_dir" && npm pack --silent "axe-core@$axe_version" >/dev/null && tar -xzf "axe-core-$axe_version.tgz")
fi
export AXE_CORE_JS="$axe_dir/package/axe.min.js"
echo "found: $(command -v chromium) $(command -v chromedriver) $AXE_CORE_JS"
# --- end of the browser tests' block ---

# The mail tests (crates/cli/tests/mail.rs) send to a real SMTP server: Python's aiosmtpd,
# from PyPI, in a venv under target/.
step "aiosmtpd for the mail tests"
smtp_venv=target/smtp-venv
if ! "$smtp_venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    if ! python3 -m venv "$smtp_venv" 2>/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get update
        as_root apt-get install -y --no-install-recommends python3-venv
        python3 -m venv "$smtp_venv"
    fi
    "$smtp_venv/bin/pip" install --quiet "aiosmtpd==1.4.6"
fi
export LEERRECHT_SMTP_PYTHON="$PWD/$smtp_venv/bin/python"
echo "found: $LEERRECHT_SMTP_PYTHON with aiosmtpd"

# The single sign-on test (crates/cli/tests/sso.rs) logs in through a real OpenID provider:
# npm's oidc-provider, installed from the lock file into target/oidc-provider.
step "oidc-provider for the single sign-on test"
oidc_dir=target/oidc-provider
mkdir -p "$oidc_dir"
cp crates/cli/tests/oidc/package.json crates/cli/tests/oidc/package-lock.json \
    crates/cli/tests/oidc/provider.mjs "$oidc_dir"/
if ! cmp -s crates/cli/tests/oidc/package-lock.json "$oidc_dir/node_modules/.package-lock.json.geinstalleerd" 2>/dev/null; then
    (cd "$oidc_dir" && npm ci --silent --no-audit --no-fund)
    cp crates/cli/tests/oidc/package-lock.json "$oidc_dir/node_modules/.package-lock.json.geinstalleerd"
fi
export LEERRECHT_OIDC_PROVIDER="$PWD/$oidc_dir/provider.mjs"
echo "found: $LEERRECHT_OIDC_PROVIDER with oidc-provider"

# cargo test rather than nextest: each test binary is one process, so its tests share one
# throwaway PostgreSQL cluster instead of starting one per test.
step "cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --all-targets 2>&1 | tee "$log"

# A short run of each fuzz target (cargo-fuzz, libFuzzer) from the seed corpus; new inputs
# go to a temporary corpus. The stable toolchain runs cargo-fuzz with RUSTC_BOOTSTRAP=1.
fuzz_seconds=${LEERRECHT_FUZZ_SEKONDEN:-15}
if [ "$fuzz_seconds" -gt 0 ]; then
    step "fuzzing, ${fuzz_seconds} s per target"
    if ! command -v cargo-fuzz >/dev/null; then
        cargo install --locked cargo-fuzz
    fi
    corpus=$(mktemp -d)
    trap 'rm -f "$log"; rm -rf "$corpus"' EXIT
    (
        cd fuzz
        export RUSTC_BOOTSTRAP=1
        cargo fuzz build --sanitizer none
        for target in $(cargo fuzz list); do
            mkdir -p "$corpus/$target"
            if ! cargo fuzz run --sanitizer none "$target" "$corpus/$target" "seeds/$target" -- \
                -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=4096 \
                >"$corpus/$target.log" 2>&1; then
                cat "$corpus/$target.log"
                echo "error: fuzz target $target failed; the input is under fuzz/artifacts/$target" >&2
                exit 1
            fi
            echo "$target: $(grep -E '^Done' "$corpus/$target.log")"
        done
    )
fi

# The API against the Dutch API Design Rules (Spectral) and its own document (Schemathesis).
step "API conformance"
bash scripts/api-conformance.sh

step "all checks passed"
# One closing line for the whole workspace (cargo prints a result per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "workspace: %d passed, %d failed\n", p, f }' "$log"
