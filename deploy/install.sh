#!/usr/bin/env bash
# Installs sahel-watch as a systemd service: the binary, the unit, the configuration under
# /etc/sahel-watch (kept if already there) and the rule pack. Run as root from the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"

cargo build --release --locked
install -D -m 0755 target/release/sahel-watch "$prefix/bin/sahel-watch"
install -D -m 0644 deploy/sahel-watch.service /etc/systemd/system/sahel-watch.service
install -d -m 0755 /etc/sahel-watch /etc/sahel-watch/rules
[ -e /etc/sahel-watch/sahel-watch.toml ] || install -m 0644 config/sahel-watch.toml /etc/sahel-watch/sahel-watch.toml
install -m 0644 config/rules/sahel.toml /etc/sahel-watch/rules/sahel.toml
install -D -m 0644 README.md "$prefix/share/doc/sahel-watch/README.md"
install -d "$prefix/share/man/man1" /usr/share/bash-completion/completions
"$prefix/bin/sahel-watch" man > "$prefix/share/man/man1/sahel-watch.1"
"$prefix/bin/sahel-watch" completions bash > /usr/share/bash-completion/completions/sahel-watch
"$prefix/bin/sahel-watch" --config /etc/sahel-watch/sahel-watch.toml check-config >/dev/null
systemctl daemon-reload
echo "installed; edit /etc/sahel-watch/sahel-watch.toml, then: systemctl enable --now sahel-watch"
