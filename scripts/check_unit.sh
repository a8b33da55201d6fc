#!/usr/bin/env bash
# Checks a systemd unit: `systemd-analyze verify` and the offline security exposure (must be
# at most 1.5). The unit (deploy/sahel-watch.service unless UNIT is given, e.g. the one the
# Debian package installed) is checked with ExecStart pointed at BIN so that verify can find
# it. Prints both outputs (CI shows them). Usage: scripts/check_unit.sh BIN [UNIT]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/sahel-watch}")
if ! command -v systemd-analyze >/dev/null; then
    apt-get update -qq && apt-get install -y -qq systemd >/dev/null
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
unit=${2:-deploy/sahel-watch.service}
sed -e "s#/usr/local/bin/sahel-watch#$bin#" -e "s#/usr/bin/sahel-watch#$bin#" "$unit" > "$dir/sahel-watch.service"
echo "--- systemd-analyze verify $unit"
systemd-analyze verify "$dir/sahel-watch.service"
echo "verify: clean"
echo "--- systemd-analyze security --offline=yes $unit"
out=$(systemd-analyze security --offline=yes "$dir/sahel-watch.service" 2>&1)
echo "$out" | grep -E "✗" || true
exposure=$(echo "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
echo "exposure: $exposure (limit 1.5)"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }'
