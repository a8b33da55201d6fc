#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for SECONDS each with libFuzzer through cargo fuzz,
# on seed corpora built from the repository (and ../shared/feeds when it is there), then prints
# the executions of each and fails if any crash was found or any target ran no input. Crashes are kept in
# fuzz/artifacts/<target>/ to become regression tests.
#   scripts/fuzz.sh [SECONDS]        (default 60; CI runs it with a few seconds)
# cargo fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install --quiet --locked cargo-fuzz
fi

corpus=fuzz/corpus
mkdir -p "$corpus"/{feed,normalize,rules,query,opml,page}
cp tests/fixtures/feeds/*.xml "$corpus/feed/"
if [ -d ../shared/feeds/real-world ]; then
    find ../shared/feeds/real-world -type f -name '*.xml' -size -256k -exec cp {} "$corpus/feed/" \;
fi
# Texts: titles and leads of the fixture articles, one file each.
python3 - "$corpus/normalize" <<'PY'
import json, sys, os
out = sys.argv[1]
for name in ("articles.jsonl", "stream-sample.jsonl"):
    for i, line in enumerate(open(os.path.join("tests/fixtures", name), encoding="utf-8")):
        if line.strip():
            a = json.loads(line)
            open(os.path.join(out, f"{name}-{i}.txt"), "w", encoding="utf-8").write(a["title"] + "\n" + a["text"][:2000])
PY
cp config/rules/sahel.toml tests/fixtures/rule-cases.toml "$corpus/rules/"
i=0
for q in 'هجوم باماكو' '"بوكو حرام" OR جنيم -نيجيريا' 'تمبكتو' '-x' '"unclosed' 'OR' 'الهجمات في 19 فبراير/ شباط الماضي'; do
    printf '%s' "$q" > "$corpus/query/seed-$i"; i=$((i + 1))
done
printf '<?xml version="1.0"?><opml version="2.0"><body><outline text="a"><outline xmlUrl="https://a.example/rss" title="A"/></outline></body></opml>' > "$corpus/opml/seed-0"

# Pages: the hostile shapes the page bounds exist for, small enough for -max_len, and the
# fixture pages (a headline on the first line, then the page).
python3 - "$corpus/page" <<'PY'
import os, sys
out = sys.argv[1]
seeds = {
    "deep-div": "<html><body>" + "<div>" * 3000 + "عنوان" + "</div>" * 10,
    "deep-inline": "<p>" + "<span><b>" * 2000 + "نص",
    "attributes": "<div " + " ".join(f"a{i}=x" for i in range(4000)) + ">نص</div>",
    "links": "<ul>" + "<li><a href=/x>هجوم في مالي</a>" * 2000 + "</ul>",
    "unclosed-table": "<table>" + "<tr><td>خلية<br>" * 1000,
    "ticker": "<div>عاجل: هجوم في غاو — مقتل جنود — إغلاق الحدود</div><h1>عنوان</h1><p>" + "كلمة " * 50 + ".</p>",
}
for name, html in seeds.items():
    open(os.path.join(out, name), "w", encoding="utf-8").write("عنوان\n" + html)
PY
# The page templates as they are (their placeholders are text like any other), each under a
# headline line, as the target reads its input: the real sites' saved pages of
# tests/fixtures/pages/real and the layouts written for the tests, cut to -max_len (a longer seed
# would be cut by libFuzzer anyway; skipping them left out half the real pages).
find tests/fixtures/pages -name '*.html' | while read -r f; do
    { echo "عنوان"; head -c 65500 "$f"; } > "$corpus/page/template-$(basename "$(dirname "$f")")-$(basename "$f")"
done
real=$(find tests/fixtures/pages/real -name '*.html' | wc -l)
seeded=$(find "$corpus/page" -name 'template-real-*' | wc -l)
if [ "$real" -eq 0 ] || [ "$seeded" -ne "$real" ]; then
    echo "fuzz: the page target is seeded with $seeded of $real real pages (tests/fixtures/pages/real)" >&2
    exit 1
fi
echo "==> page seeds: $seeded real pages, $(find "$corpus/page" -type f | wc -l) in all"

status=0
for target in feed normalize rules query opml page; do
    echo "==> fuzz $target for ${secs}s"
    log="fuzz/$target.log"
    if ! (cd fuzz && cargo fuzz run "$target" "corpus/$target" -- \
            -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1) >"$log" 2>&1; then
        echo "   $target FAILED: see $log and fuzz/artifacts/$target/"
        tail -30 "$log"
        status=1
    fi
    # libFuzzer's final stats: a target that ran no input tested nothing, and fails the run.
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    echo "   executions: ${runs:-none reported}"
    if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
        echo "   $target ran no input (no stat::number_of_executed_units above 0): see $log"
        tail -30 "$log"
        status=1
    fi
done
exit "$status"
