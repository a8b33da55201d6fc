#!/usr/bin/env bash
# Load benchmark (a measurement, not a test): a loopback server serves FEEDS feeds built from
# ../shared/corpus/ant-stream.jsonl.gz on 8 loopback addresses; `sahel-watch run --once` is timed
# with /usr/bin/time -v for
#   cold:  the first cycle (every feed new, ITEMS items each),
#   (a):   a cycle where every feed answers 304,
#   (b):   a cycle after every feed gained one new item,
# and rss2email (Debian's package) on the first R2E_FEEDS of the same feeds, in the same run.
#
# Usage: scripts/load_bench.sh            (FEEDS=10000 ITEMS=4 R2E_FEEDS=1000 PORT=18080 by default)
#        FEEDS=831 ITEMS=50 R2E_FEEDS=831 scripts/load_bench.sh   (the whole stream, both peers on
#        the same feeds)
# Installs `time` and `rss2email` with apt-get when missing. Traffic stays on 127.0.0.0/8.
set -euo pipefail
cd "$(dirname "$0")/.."
stream=../shared/corpus/ant-stream.jsonl.gz
if [ ! -f "$stream" ]; then
    echo "$stream is missing: the load benchmark needs the shared stream corpus" >&2
    exit 1
fi
FEEDS=${FEEDS:-10000}
ITEMS=${ITEMS:-4}
R2E_FEEDS=${R2E_FEEDS:-1000}
PORT=${PORT:-18080}
HOSTS=8
if [ ! -x /usr/bin/time ] || ! command -v r2e >/dev/null || ! command -v bc >/dev/null || ! command -v curl >/dev/null; then
    apt-get update -qq && apt-get install -y -qq time rss2email bc curl >/dev/null
fi

work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
gzip -dc "$stream" > "$work/stream.jsonl"
cargo build --release --quiet --bin sahel-watch --example feed_server
target/release/examples/feed_server "$work/stream.jsonl" "$FEEDS" "$PORT" "$HOSTS" "$ITEMS" &
server=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/feed/0.xml" >/dev/null 2>&1 && break
    sleep 0.2
done

url() { echo "http://127.0.0.$(( $1 % HOSTS + 1 )):$PORT/feed/$1.xml"; }
{
    echo "data_dir = \"$work/data\""
    echo "[limits]"
    echo "concurrency = 32"
    echo "per_host_concurrency = 8"
    for i in $(seq 0 $((FEEDS - 1))); do
        echo "[[feeds]]"
        echo "url = \"$(url "$i")\""
    done
} > "$work/sahel-watch.toml"

report() { # label, time -v output file, extra
    local wall user sys rss
    wall=$(grep "Elapsed (wall clock)" "$2" | awk '{print $NF}')
    user=$(grep "User time" "$2" | awk '{print $NF}')
    sys=$(grep "System time" "$2" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$2" | awk '{print $NF}')
    pct=$(grep "Percent of CPU" "$2" | awk '{print $NF}')
    printf '%-34s wall %8s  cpu %6.2fs (%5s of one core)  peak RSS %6d MB  %s\n' "$1" "$wall" "$(echo "$user + $sys" | bc)" "$pct" $((rss / 1024)) "$3"
}
secs() { awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }' <<<"$1"; }

run_once() { # label
    /usr/bin/time -v target/release/sahel-watch --config "$work/sahel-watch.toml" run --once \
        > "$work/out.txt" 2> "$work/time.txt" || true
    local summary wall
    summary=$(grep "^polled" "$work/time.txt" || true)
    new=$(sed -n 's/.*: \([0-9]*\) new items.*/\1/p' <<<"$summary")
    wall=$(secs "$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')")
    report "sahel-watch $1 ($FEEDS feeds)" "$work/time.txt" \
        "$new new items, $(echo "scale=0; ${new:-0} / $wall" | bc) items/s | $summary"
}

echo "== sahel-watch"
run_once "cold cycle"
cold_new=$new
db_bytes=$(du -cb "$work"/data/*.db* | tail -1 | cut -f1)
echo "database after the cold cycle: $db_bytes bytes (with its WAL), $(echo "scale=0; $db_bytes / ${cold_new:-1}" | bc) bytes per item"
run_once "(a) every feed 304"
curl -fs "http://127.0.0.1:$PORT/epoch" >/dev/null
run_once "(b) one new item per feed"

echo "== rss2email $(r2e --version 2>/dev/null | head -1) on $R2E_FEEDS feeds"
r2e_cfg="$work/r2e.cfg"
r2e -c "$r2e_cfg" -d "$work/r2e.json" new bench@localhost 2>/dev/null
for i in $(seq 0 $((R2E_FEEDS - 1))); do
    printf '\n[feed.f%d]\nurl = %s\n' "$i" "$(url "$i")"
done >> "$r2e_cfg"
r2e_run() { # label, items it reads as new
    /usr/bin/time -v r2e -c "$r2e_cfg" -d "$work/r2e.json" run --no-send > /dev/null 2> "$work/r2e-time.txt" || true
    local wall
    wall=$(secs "$(grep "Elapsed (wall clock)" "$work/r2e-time.txt" | awk '{print $NF}')")
    report "rss2email $1 ($R2E_FEEDS feeds)" "$work/r2e-time.txt" \
        "$2 new items, $(echo "scale=0; $2 / $wall" | bc) items/s"
}
r2e_run "first cycle" $((R2E_FEEDS * ITEMS))
r2e_run "(a) unchanged" 0
curl -fs "http://127.0.0.1:$PORT/epoch" >/dev/null
r2e_run "(b) one new item per feed" "$R2E_FEEDS"
