#!/usr/bin/env python3
"""Scores article extraction on real pages, ours beside Python's trafilatura in the same run.

Reads `../shared/extraction/scrapinghub/` (181 news pages with their expected article body; MIT)
and, with --readability, `../shared/extraction/readability-test-pages/` (Mozilla's test pages,
expected text taken from their expected.html). Each page is extracted by
`sahel-watch extract --batch` (one process for all pages, so start-up is not measured) and by
trafilatura's `extract(html)`; both are scored as the benchmark's evaluate.py scores: 4-word
shingles of \\w+ tokens, true/false positives and negatives normalised per page, precision and
recall averaged over the pages, F1 from the two averages; a bootstrap gives the ± (95 %).

Usage:
    python3 scripts/extraction_bench.py [--binary target/release/sahel-watch] [--shared ../shared]
                                        [--readability] [--no-peer]
trafilatura (with lxml_html_clean) is installed into target/bench-venv when missing.
"""

import argparse
import gzip
import html as htmllib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text, n=4):
    words = WORD.findall(text or "")
    return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1)) if words[i:i + n])


def page_counts(expected, got):
    """(tp, fp, fn) over shingles, normalised so that long pages weigh as much as short ones."""
    want, have = shingles(expected), shingles(got)
    tp = fp = fn = 0
    for key in set(want) | set(have):
        w, h = want.get(key, 0), have.get(key, 0)
        tp += min(w, h)
        fp += max(0, h - w)
        fn += max(0, w - h)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(c):
    tp, fp, fn = c
    if fp == 0 and fn == 0:
        return 1.0
    return 0.0 if tp == 0 and fp == 0 else tp / (tp + fp)


def recall(c):
    tp, fp, fn = c
    if fp == 0 and fn == 0:
        return 1.0
    return 0.0 if tp == 0 and fn == 0 else tp / (tp + fn)


def scores(counts):
    p = statistics.mean(precision(c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(c) for c in counts if c[0] + c[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def with_ci(counts, rounds=1000, seed=7):
    rng = random.Random(seed)
    out = scores(counts)
    samples = {k: [] for k in out}
    for _ in range(rounds):
        pick = [counts[rng.randrange(len(counts))] for _ in counts]
        for k, v in scores(pick).items():
            samples[k].append(v)
    for k, v in samples.items():
        out[k + "_ci"] = 1.96 * statistics.stdev(v)
    return out


def text_of_html(fragment):
    """Visible text of an expected.html (Readability's output): tags dropped, entities decoded."""
    fragment = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", fragment)
    fragment = re.sub(r"(?s)<[^>]+>", " ", fragment)
    return htmllib.unescape(fragment)


def load_sets(shared, readability):
    sets = {}
    sh = shared / "extraction" / "scrapinghub"
    truth = json.loads((sh / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid, item in sorted(truth.items()):
        path = sh / "html" / f"{pid}.html.gz"
        pages.append((pid, gzip.decompress(path.read_bytes()), item.get("articleBody", "")))
    sets["scrapinghub"] = pages
    if readability:
        rd = shared / "extraction" / "readability-test-pages"
        pages = []
        for case in sorted(p for p in rd.iterdir() if p.is_dir()):
            src, exp = case / "source.html.gz", case / "expected.html.gz"
            if src.exists() and exp.exists():
                expected = text_of_html(gzip.decompress(exp.read_bytes()).decode("utf-8", "replace"))
                pages.append((case.name, gzip.decompress(src.read_bytes()), expected))
        sets["readability"] = pages
    return sets


def ours(binary, pages):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for pid, raw, _ in pages:
            (tmp / f"{pid}.html").write_bytes(raw)
        out = tmp / "out"
        started = time.perf_counter()
        subprocess.run([binary, "extract", "--batch", str(tmp), "--out", str(out)], check=True)
        elapsed = time.perf_counter() - started
        got = {}
        for pid, _, _ in pages:
            f = out / f"{pid}.txt"
            got[pid] = f.read_text(encoding="utf-8") if f.exists() else ""
    return got, elapsed


def trafilatura_peer(python, pages):
    code = r"""
import sys, json, time
from pathlib import Path
import trafilatura
src = Path(sys.argv[1]); out = {}
start = time.perf_counter()
for f in sorted(src.glob('*.html')):
    try:
        out[f.stem] = trafilatura.extract(f.read_bytes()) or ''
    except Exception:
        out[f.stem] = ''
print(json.dumps({'elapsed': time.perf_counter() - start, 'texts': out}))
"""
    with tempfile.TemporaryDirectory() as tmp:
        for pid, raw, _ in pages:
            (Path(tmp) / f"{pid}.html").write_bytes(raw)
        res = subprocess.run([python, "-c", code, tmp], check=True, capture_output=True, text=True)
    data = json.loads(res.stdout)
    return data["texts"], data["elapsed"]


def peer_python():
    venv = ROOT / "target" / "bench-venv"
    py = venv / "bin" / "python"
    if subprocess.run([str(py), "-c", "import trafilatura"], capture_output=True).returncode != 0 \
            if py.exists() else True:
        print("==> installing trafilatura into", venv, file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "trafilatura==2.3.1", "lxml_html_clean"], check=True)
    return str(py)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "sahel-watch"))
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--readability", action="store_true", help="also score Mozilla's test pages")
    ap.add_argument("--no-peer", action="store_true", help="leave trafilatura out")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages we score worst on")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "extraction" / "scrapinghub").is_dir():
        sys.exit(f"{shared}/extraction/scrapinghub is missing: this benchmark reads the shared data")
    report = {}
    for name, pages in load_sets(shared, args.readability).items():
        truth = {pid: exp for pid, _, exp in pages}
        runs = {"sahel-watch": ours(args.binary, pages)}
        if not args.no_peer:
            runs["trafilatura"] = trafilatura_peer(peer_python(), pages)
        report[name] = {}
        for who, (got, elapsed) in runs.items():
            counts = [page_counts(truth[pid], got.get(pid, "")) for pid, _, _ in pages]
            s = with_ci(counts)
            s["pages"] = len(pages)
            s["ms_per_page"] = 1000 * elapsed / len(pages)
            report[name][who] = s
            if args.worst and who == "sahel-watch":
                worst = sorted(zip(counts, (p for p, _, _ in pages)), key=lambda x: x[0][0])[:args.worst]
                for c, pid in worst:
                    print(f"  worst {pid}: tp {c[0]:.2f} fp {c[1]:.2f} fn {c[2]:.2f}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for name, rows in report.items():
        print(f"{name} ({next(iter(rows.values()))['pages']} pages)")
        for who, s in rows.items():
            print(f"  {who:<12} F1 {s['f1']:.3f} ± {s['f1_ci']:.3f}   precision {s['precision']:.3f}"
                  f"   recall {s['recall']:.3f}   {s['ms_per_page']:.1f} ms/page")


if __name__ == "__main__":
    main()
