#!/usr/bin/env python3
"""Pick articles of the shared stream for labelling by hand, by the classes the detector finds
hard: border closures in any wording, hostages (taken, shown, freed), executions and killings of
civilians, reports naming two Sahel countries, and Niger beside Nigeria.

The selection is by plain regular expressions on the raw text, written without the detector, so
that what gets labelled does not depend on what the detector already finds. Each class is sampled
with a fixed seed and split into disjoint pools (one per labeller).

    python3 scripts/label_candidates.py --pools 2 --per-class 20 --out /tmp/lab
"""
import argparse, gzip, json, random, re, pathlib

STREAM = pathlib.Path(__file__).resolve().parent.parent.parent / "shared/corpus/ant-stream.jsonl.gz"

SAHEL = re.compile(r"مالي|النيجر|بوركينا|تشاد|موريتانيا|نيجيريا|بوكو حرام|الساحل|سبها|فزان|تمنراست|"
                   r"تمبكتو|غاو|كيدال|موبتي|نيامي|واغادوغو|نجامينا|انجامينا|مايدوغوري|بورنو|"
                   r"نصرة الإسلام|المرابطون|القاعدة في بلاد المغرب")
CLASSES = {
    "border": re.compile(r"(إغلاق|غلق|أغلق|تغلق|يغلق|مغلق|إقفال|أقفل|سد)\S*\s+(\S+\s+){0,3}"
                         r"(حدود|الحدود|المعابر|معبر|المجال الجوي|مجالها الجوي|الأجواء)"),
    "hostages": re.compile(r"رهائن|رهينة|المختطف|مختطف|خطف|اختطاف"),
    "executions": re.compile(r"أعدم|إعدام|مقبرة جماعية|مقابر جماعية|مجزرة|مذبحة|قتل\S* \S*مدنيين"),
    "two_countries": None,
    "niger_nigeria": re.compile(r"نيجري|نيجيري"),
}
COUNTRIES = ["مالي", "النيجر", "بوركينا", "تشاد", "موريتانيا", "نيجيريا"]


def classes_of(d):
    text = d["title"] + "\n" + d["text"]
    if not SAHEL.search(text):
        return []
    out = []
    for name, rx in CLASSES.items():
        if name == "two_countries":
            lead = d["title"] + " " + d["text"][:600]
            if sum(1 for c in COUNTRIES if c in lead) >= 2:
                out.append(name)
        elif name == "niger_nigeria":
            if ("النيجر" in text and "نيجيريا" in text) or rx.search(text):
                out.append(name)
        elif rx.search(text):
            out.append(name)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pools", type=int, default=2)
    ap.add_argument("--per-class", type=int, default=20)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    by_class = {c: [] for c in CLASSES}
    with gzip.open(STREAM, "rt") as f:
        for line in f:
            d = json.loads(line)
            if len(d["text"]) < 200:
                continue
            for c in classes_of(d):
                by_class[c].append(d)
    rng = random.Random(a.seed)
    taken = set()
    pools = [[] for _ in range(a.pools)]
    for c, items in by_class.items():
        rng.shuffle(items)
        picked = [d for d in items if d["id"] not in taken][: a.per_class * a.pools]
        for i, d in enumerate(picked):
            taken.add(d["id"])
            pools[i % a.pools].append(dict(d, candidate_class=c))
        print(f"{c}: {len(items)} in the stream, {len(picked)} picked")
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(pools):
        with open(out / f"pool-{i}.jsonl", "w") as f:
            for d in p:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
