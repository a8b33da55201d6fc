#!/usr/bin/env bash
# Builds the Debian package (target/debian/sahel-watch_*.deb) with cargo-deb from the metadata
# in Cargo.toml. The parts that are made rather than written are made here, into target/deb:
# the manual page and shell completions (printed by the binary itself) and the unit, which is
# deploy/sahel-watch.service with the packaged binary's path. Installs cargo-deb when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo deb --version >/dev/null 2>&1; then
    cargo install cargo-deb --locked --quiet
fi
cargo build --release --locked --quiet --bin sahel-watch
bin=target/release/sahel-watch
out=target/deb
rm -rf "$out" && mkdir -p "$out"
"$bin" man | gzip -9n > "$out/sahel-watch.1.gz"
"$bin" completions bash > "$out/sahel-watch.bash"
"$bin" completions zsh > "$out/_sahel-watch"
"$bin" completions fish > "$out/sahel-watch.fish"
sed -e 's#/usr/local/bin/sahel-watch#/usr/bin/sahel-watch#' \
    -e 's#/usr/local/share/doc/sahel-watch#/usr/share/doc/sahel-watch#' \
    -e 's#^\# systemd unit for sahel-watch.*#\# systemd unit for sahel-watch, installed by its Debian package.#' \
    deploy/sahel-watch.service > "$out/sahel-watch.service"
cargo deb --no-build --locked --quiet
ls target/debian/sahel-watch_*.deb
