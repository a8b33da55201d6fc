#!/usr/bin/env python3
"""Audit the detector on the unlabelled stream corpus (../shared/corpus/ant-stream.jsonl.gz).

Runs `sahel-watch eval --predictions` over every article, prints how many are flagged relevant
and alert-worthy, and writes two seeded random samples for a person to read:
  - 50 flagged articles (to judge precision),
  - 50 unflagged articles that name a Sahel place or actor (to find misses).

Usage: scripts/audit_stream.py [--bin target/release/sahel-watch] [--seed 7] [--out DIR]
Audits may read ../shared; this one says so and stops when it is missing.
"""
import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
stream = os.path.join(root, "..", "shared", "corpus", "ant-stream.jsonl.gz")

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(root, "target", "release", "sahel-watch"))
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--out", default=os.path.join(root, "target", "audit"))
args = ap.parse_args()
if not os.path.exists(stream):
    sys.exit(f"{stream} is missing: the audit needs the shared stream corpus")
os.makedirs(args.out, exist_ok=True)

articles = {}
with gzip.open(stream, "rt", encoding="utf-8") as f, tempfile.NamedTemporaryFile(
    "w", suffix=".jsonl", delete=False, encoding="utf-8"
) as corpus:
    for line in f:
        d = json.loads(line)
        articles[d["id"]] = d
        corpus.write(json.dumps({"id": d["id"], "title": d["title"], "text": d["text"], "relevant": False}, ensure_ascii=False) + "\n")
preds_path = os.path.join(args.out, "predictions.jsonl")
report = subprocess.run(
    [args.bin, "eval", corpus.name, "--format", "json", "--predictions", preds_path],
    check=True, capture_output=True, text=True,
)
os.unlink(corpus.name)
speed = json.loads(report.stdout)["articles_per_second"]
preds = [json.loads(l) for l in open(preds_path, encoding="utf-8")]
flagged = [p for p in preds if p["relevant"]]
worthy = [p for p in flagged if p["events"]]
named = [p for p in preds if not p["relevant"] and p["entities"]]
print(f"articles: {len(preds)}  flagged relevant: {len(flagged)}  alert-worthy: {len(worthy)}  "
      f"unflagged naming a Sahel place or actor: {len(named)}  analysis: {speed:.0f} articles/s")

rng = random.Random(args.seed)
for name, pool in (("flagged", flagged), ("unflagged-named", named)):
    sample = rng.sample(pool, min(50, len(pool)))
    path = os.path.join(args.out, f"sample-{name}.txt")
    with open(path, "w", encoding="utf-8") as out:
        for i, p in enumerate(sample, 1):
            a = articles[p["id"]]
            out.write(f"## {i}. {p['id']} ({a['outlet']}, {a['published']}) events={p['events']} "
                      f"countries={p['countries']} entities={p['entities'][:6]}\n{a['title']}\n"
                      f"{a['text'][:600]}\n\n")
    print(f"wrote {path}")
