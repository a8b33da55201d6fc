#!/usr/bin/env python3
"""Replays the shared stream (../shared/corpus/ant-stream.jsonl.gz, not part of the repository)
through the daemon, to measure stories (issue 6).

The stream's 41,517 articles are served on 127.0.0.1 as one RSS feed per outlet and category,
in publication order, under a simulated clock: at each step the clock moves to the next day on
which something was published, every feed shows its latest `--window` articles published by
then, and `sahel-watch run --once` (the daemon's whole pipeline: fetch, parse, analyse, store,
stories, alerts into the maildir) polls them all. At the end it prints, as JSON:

  items, items_flagged (relevant), alert_worthy, stories, alerts (first alerts), updates,
  alerts_per_flagged, the largest stories, and the time per new item over the first and the
  last 10% of the replay (and their ratio).

With --as-received the feeds carry what outlets really put in them: the headline and the
article's real RSS `summary` (its first 200 characters, cut at a word, where it has none), and
each item's link leads to an article page on the same server (scripts/article_page.py): the
text inside navigation, a ticker, «الأكثر قراءة» and «اقرأ أيضا» lists of *other* stream headlines,
Sahel security headlines first. The report then also gives the page requests the daemon made.
Either way the flagged items' ids are written to WORK/flagged.json, for comparing two replays.

Usage (from the repository root, after `cargo build --release`):
    python3 scripts/replay.py [--binary target/release/sahel-watch] [--limit N] [--keep DIR]
                              [--as-received]
"""

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from loopback import Counts, serve_feeds  # noqa: E402
import article_page  # noqa: E402
STREAM = os.path.join(ROOT, "..", "shared", "corpus", "ant-stream.jsonl.gz")


def parse_time(s):
    """The stream's dates: RFC 2822, ISO 8601 (with or without separators), or dd/mm/yyyy."""
    s = (s or "").strip()
    for f in (
        lambda x: parsedate_to_datetime(x),
        lambda x: datetime.fromisoformat(x),
        lambda x: datetime.strptime(x, "%Y-%m-%dT%H%M%S"),
        lambda x: datetime.strptime(x, "%d/%m/%Y"),
    ):
        try:
            d = f(s)
            return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
        except (TypeError, ValueError, IndexError):
            continue
    return None


def summary_of(a):
    """What the feed carries: the real RSS summary, else the first 200 characters cut at a word."""
    s = (a.get("summary") or "").strip()
    if s:
        return s
    t = a["text"]
    if len(t) <= 200:
        return t
    cut = t[:200]
    return cut[: cut.rfind(" ")] if " " in cut else cut


# Headlines of this kind fill the furniture of every page first: they are what must not leak.
SAHEL = re.compile(r"مالي|النيجر|بوركينا|تشاد|موريتانيا|بوكو|باماكو|نيامي|الساحل|مايدوغوري|الطوارق|أزواد|القاعدة")


class Replay:
    def __init__(self, articles, window, as_received=False):
        self.as_received = as_received
        self.by_id = {a["id"]: a for a in articles}
        sahel = [a for a in articles if SAHEL.search(a["title"])]
        self.furniture = (sahel + articles)[:400]
        self.feeds = {}
        for a in articles:
            key = re.sub(r"[^a-z0-9]+", "-", f"{a['outlet']}-{a['category']}".lower()).strip("-")
            self.feeds.setdefault(key or "unknown", []).append(a)
        for v in self.feeds.values():
            v.sort(key=lambda a: a["_t"])
        self.window = window
        self.clock = None

    def document(self, key, base):
        items = [a for a in self.feeds[key] if a["_t"] <= self.clock][-self.window:]
        entries = "".join(
            f"<item><guid isPermaLink=\"false\">{escape(a['id'])}</guid>"
            f"<link>{escape(base + '/a/' + a['id'])}</link>"
            f"<title>{escape(a['title'])}</title>"
            f"<description>{escape(summary_of(a) if self.as_received else a['text'][:20000])}</description>"
            f"<pubDate>{format_datetime(a['_t'])}</pubDate></item>"
            for a in reversed(items)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(key)}</title>'
            f"{entries}</channel></rss>"
        ).encode()


    def page(self, aid):
        a = self.by_id.get(aid)
        if a is None:
            return None
        n = len(self.furniture)
        start = sum(map(ord, aid)) % n
        others = [self.furniture[(start + k * 7) % n] for k in range(18)]
        others = [(o["title"], "/a/" + o["id"]) for o in others if o["id"] != aid]
        return article_page.page(a["title"], a["text"], others, site=a.get("outlet") or "news.example")


def serve(replay, counts):
    return serve_feeds(
        lambda name, base: replay.document(name, base) if name in replay.feeds else None,
        page=replay.page,
        counts=counts,
    )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "sahel-watch"))
    p.add_argument("--stream", default=STREAM)
    p.add_argument("--limit", type=int, default=0, help="only the first N articles in time")
    p.add_argument("--window", type=int, default=100, help="entries per feed document")
    p.add_argument("--keep", help="data directory to keep (default: a temporary one)")
    p.add_argument("--as-received", action="store_true",
                   help="summaries in the feeds, the text on article pages inside furniture")
    a = p.parse_args()
    if not os.path.exists(a.stream):
        sys.exit(f"{a.stream} is missing: the replay needs the shared corpus beside the repository")
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.binary} is not built (cargo build --release)")

    articles = []
    with gzip.open(a.stream, "rt", encoding="utf-8") as f:
        for line in f:
            x = json.loads(line)
            t = parse_time(x.get("published"))
            if t is None or not x.get("title"):
                continue
            x["_t"] = t
            articles.append(x)
    articles.sort(key=lambda x: x["_t"])
    if a.limit:
        articles = articles[: a.limit]
    replay = Replay(articles, a.window, a.as_received)
    counts = Counts()
    base = serve(replay, counts)

    work = a.keep or tempfile.mkdtemp(prefix="sahel-watch-replay-")
    os.makedirs(work, exist_ok=True)
    cfg = os.path.join(work, "replay.toml")
    with open(cfg, "w") as f:
        f.write(f'data_dir = "{work}/data"\n[metrics]\nlisten = ""\n')
        f.write('[[recipients]]\nemail = "desk@replay.invalid"\nmax_per_hour = 1000000\n')
        f.write("[limits]\nmax_entries_per_feed = 1000\n")
        for key in sorted(replay.feeds):
            # The items link to this machine, so the publisher (for corroboration: the feeds
            # of one outlet are one source) is said, as it is for a feed served through a proxy.
            outlet = replay.feeds[key][0]["outlet"]
            f.write(f'[[feeds]]\nurl = "{base}/feed/{key}.xml"\nname = "{key}"\npublisher = "{outlet}"\n')
    env = dict(os.environ, SAHEL_WATCH_LOG="warn")

    days = sorted({x["_t"].date() for x in articles})
    steps = []  # (new items, seconds)
    started = time.monotonic()
    i = 0
    for day in days:
        # The clock: the end of this day; everything published by then is in the feeds.
        while i < len(articles) and articles[i]["_t"].date() <= day:
            i += 1
        replay.clock = articles[i - 1]["_t"]
        t0 = time.monotonic()
        r = subprocess.run([a.binary, "--config", cfg, "run", "--once"], env=env, capture_output=True, text=True)
        dt = time.monotonic() - t0
        m = re.search(r"(\d+) new items", r.stderr)
        steps.append((int(m.group(1)) if m else 0, dt))
        if r.returncode not in (0, 1):
            sys.exit(f"run --once failed on {day}: {r.stderr}")

    def cli(*args):
        r = subprocess.run([a.binary, "--config", cfg, *args], env=env, capture_output=True, text=True, check=True)
        return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]

    items = cli("query", "--all", "--since", "36500d", "--limit", "1000000", "--format", "json")
    flagged = [x for x in items if x.get("relevant")]
    worthy = [x for x in flagged if x.get("events")]
    stories = cli("stories", "--since", "36500d", "--limit", "1000000", "--json")
    maildir = os.path.join(work, "data", "alerts", "new")
    subjects = []
    for name in os.listdir(maildir) if os.path.isdir(maildir) else []:
        with open(os.path.join(maildir, name), "rb") as f:
            import email
            import email.policy

            subjects.append(str(email.message_from_binary_file(f, policy=email.policy.default)["Subject"]))
    updates = sum(1 for s in subjects if "تحديث" in s)
    first_alerts = len(subjects) - updates

    total = sum(n for n, _ in steps)
    tenth = total / 10

    def per_item(sel):
        n = sum(x for x, _ in sel)
        return sum(t for _, t in sel) / n if n else None

    acc, first, last = 0, [], []
    for n, t in steps:
        if acc < tenth:
            first.append((n, t))
        acc += n
        if acc > total - tenth:
            last.append((n, t))
    f, l = per_item(first), per_item(last)
    big = sorted(stories, key=lambda s: -s["items"])[:10]
    report = {
        "articles": len(articles),
        "feeds": len(replay.feeds),
        "steps": len(steps),
        "items": len(items),
        "items_flagged": len(flagged),
        "alert_worthy": len(worthy),
        "stories": len(stories),
        "stories_corroborated": sum(1 for s in stories if s["corroboration"]["level"] == "corroborated"),
        "stories_disputed": sum(1 for s in stories if s["corroboration"]["disputed"]),
        "alerts": first_alerts,
        "updates": updates,
        "alerts_per_flagged": round(len(subjects) / len(flagged), 3) if flagged else None,
        "largest_stories": [
            {k: s[k] for k in ("id", "items", "updates", "first_seen", "outlets", "corroboration")}
            | {"kinds": s["facts"]["kinds"], "countries": s["facts"]["countries"],
               "places": [p["id"] for p in s["facts"]["cities"] + s["facts"]["regions"]]}
            for s in big
        ],
        "seconds_per_item_first_10pct": f,
        "seconds_per_item_last_10pct": l,
        "last_to_first_ratio": round(l / f, 3) if f and l else None,
        "page_requests": counts.by_kind.get("page", 0),
        "robots_requests": counts.by_kind.get("robots", 0),
        "page_requests_per_item": round(counts.by_kind.get("page", 0) / len(items), 4) if items else None,
        "wall_seconds": round(time.monotonic() - started, 1),
        "work_dir": work,
    }
    with open(os.path.join(work, "flagged.json"), "w") as f:
        json.dump(sorted(x["url"].rsplit("/", 1)[-1] for x in flagged if x.get("url")), f)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
