#!/usr/bin/env bash
# Builds the Debian package and checks it as an administrator would meet it: every file in
# place (`dpkg -c`), the configuration a conffile, `dpkg -i` enabling the unit, the installed
# unit verified with a security exposure of at most 1.5, `check-config` on the installed
# configuration, then `dpkg -r` (configuration and data kept) and `dpkg -P` (both gone).
# Run as root on a Debian machine without sahel-watch installed (CI is one).
set -euo pipefail
cd "$(dirname "$0")/.."
if dpkg -s sahel-watch >/dev/null 2>&1; then
    echo "sahel-watch is installed here already: not replacing it" >&2
    exit 1
fi
scripts/build_deb.sh
deb=$(ls -t target/debian/sahel-watch_*.deb | head -1)
echo "--- dpkg -c $deb"
listing=$(dpkg -c "$deb")
echo "$listing" | awk '{print $NF}'
for f in ./usr/bin/sahel-watch ./etc/sahel-watch/sahel-watch.toml \
    ./usr/share/sahel-watch/rules/sahel.toml ./usr/share/sahel-watch/templates/alert.html \
    ./usr/share/sahel-watch/templates/digest.txt ./usr/share/man/man1/sahel-watch.1.gz \
    ./usr/share/bash-completion/completions/sahel-watch \
    ./usr/share/zsh/vendor-completions/_sahel-watch \
    ./usr/share/fish/vendor_completions.d/sahel-watch.fish \
    ./usr/share/doc/sahel-watch/README.md ./usr/share/doc/sahel-watch/webhook.md \
    /systemd/system/sahel-watch.service; do
    grep -q -- "$f\$" <<<"$listing" || { echo "missing from the package: $f" >&2; exit 1; }
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/sahel-watch/sahel-watch.toml \
    || { echo "the configuration is not a conffile" >&2; exit 1; }
echo "--- dpkg -i"
dpkg -i "$deb"
unit=$(dpkg -L sahel-watch | grep 'systemd/system/sahel-watch.service$')
test -e /etc/systemd/system/multi-user.target.wants/sahel-watch.service \
    || { echo "the unit was not enabled" >&2; exit 1; }
scripts/check_unit.sh /usr/bin/sahel-watch "$unit"
echo "--- check-config on the installed configuration"
/usr/bin/sahel-watch --config /etc/sahel-watch/sahel-watch.toml check-config >/dev/null
echo "check-config: ok"
echo "--- dpkg -r (keeps the configuration), dpkg -P (removes it)"
dpkg -r sahel-watch
test ! -e /usr/bin/sahel-watch
test -e /etc/sahel-watch/sahel-watch.toml
dpkg -P sahel-watch
test ! -e /etc/sahel-watch/sahel-watch.toml
test ! -e /etc/systemd/system/multi-user.target.wants/sahel-watch.service
echo "package: ok"
