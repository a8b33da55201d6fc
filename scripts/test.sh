#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need (a Rust toolchain is
# assumed; Python's aiosmtpd, the SMTP server the tests talk to, goes into a virtualenv under
# target/; promtool and systemd-analyze come from Debian), then checks formatting, lints and the
# systemd unit, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="target/test-venv"
if ! "$venv/bin/python" -c "import aiosmtpd" 2>/dev/null; then
    echo "==> installing aiosmtpd into $venv"
    mkdir -p target
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 lacks ensurepip until python3-venv is installed.
        if command -v apt-get >/dev/null 2>&1; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv "$venv"
        else
            echo "python3 -m venv failed and apt-get is not available" >&2
            exit 1
        fi
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
fi
export SAHEL_WATCH_TEST_PYTHON="$PWD/$venv/bin/python"

# promtool (Debian's prometheus package) checks the metrics output; systemd-analyze the unit.
if ! command -v promtool >/dev/null 2>&1 || ! command -v systemd-analyze >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        echo "==> installing promtool and systemd-analyze (apt)"
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends prometheus systemd >/dev/null
    fi
fi
if command -v promtool >/dev/null 2>&1; then
    export SAHEL_WATCH_TEST_PROMTOOL="$(command -v promtool)"
fi

echo "==> cargo fmt --check"
cargo fmt --check
echo "==> cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
echo "==> systemd unit"
cargo build --quiet --bin sahel-watch
scripts/check_unit.sh target/debug/sahel-watch
echo "==> cargo test"
cargo test --lib --bins --tests --benches
