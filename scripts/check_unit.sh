#!/usr/bin/env bash
# Checks the systemd unit: `systemd-analyze verify` and the offline security exposure (must be
# at most 1.5). The unit is checked as shipped, with ExecStart pointed at the built binary so
# that verify can find it. Prints both outputs (CI shows them). Usage: scripts/check_unit.sh BIN
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/sahel-watch}")
if ! command -v systemd-analyze >/dev/null; then
    apt-get update -qq && apt-get install -y -qq systemd >/dev/null
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/local/bin/sahel-watch#$bin#" deploy/sahel-watch.service > "$dir/sahel-watch.service"
echo "--- systemd-analyze verify deploy/sahel-watch.service"
systemd-analyze verify "$dir/sahel-watch.service"
echo "verify: clean"
echo "--- systemd-analyze security --offline=yes deploy/sahel-watch.service"
out=$(systemd-analyze security --offline=yes "$dir/sahel-watch.service" 2>&1)
echo "$out" | grep -E "✗" || true
exposure=$(echo "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
echo "exposure: $exposure (limit 1.5)"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }'
