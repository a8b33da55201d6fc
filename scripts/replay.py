#!/usr/bin/env python3
"""Replays the shared stream (../shared/corpus/ant-stream.jsonl.gz, not part of the repository)
through the daemon, to measure stories (issue 6).

The stream's 41,517 articles are served on 127.0.0.1 as one RSS feed per outlet and category,
in publication order, under a simulated clock: at each step the clock moves to the next day on
which something was published, every feed shows its latest `--window` articles published by
then, and `sahel-watch run --once` (the daemon's whole pipeline: fetch, parse, analyse, store,
stories, alerts into the maildir) polls them all. At the end it prints, as JSON:

  items, items_flagged (relevant), alert_worthy, stories, alerts (first alerts), updates,
  alerts_per_flagged, surges (surge notices, counted apart from alerts) and each surge notice,
  the largest stories, and the time per new item over the first and the last 10% of the
  replay (and their ratio).

With --as-received the feeds carry what outlets really put in them: the headline and the
article's real RSS `summary` (its first 200 characters, cut at a word, where it has none), and
each item's link leads to an article page on the same server, laid out as real Arabic news
sites lay them out. The pages are rendered from the page templates (`tests/fixtures/pages`, or
the files and folders of `--pages`, through `examples/layout_pages.rs`, built with
`cargo build --release --example layout_pages` when missing). Item i (in publication order)
gets template i mod N, or every item the one `--layout NAME` (such as `own/semantic`); the
furniture (tickers, link lists, teaser cards, most read, comments) holds
*other* stream headlines, Sahel security headlines first. The report then also gives the page
requests the daemon made and, per layout (the layout each item was given): pages served, items
flagged (and of them read from their page), first alerts and updates. With
`--compare DIR_OR_FILE` (a full-text replay's WORK dir or its flagged.json) it also gives, per
layout, the items flagged by both, only as received and only on the full text.
Without --as-received no article page is served: a short candidate's page request gets a 404,
so every item is analysed on its full text from the feed, the reference to compare with.
Either way the flagged items' ids are written to WORK/flagged.json, for comparing two replays,
and every alert (the stored item that raised it, new or update) to WORK/alerts.json.
`--from` and `--to` replay the articles of a period only (scripts/incidents.py replays
labelled months).

Usage (from the repository root, after `cargo build --release`):
    python3 scripts/replay.py [--binary target/release/sahel-watch] [--limit N] [--keep DIR]
                              [--as-received [--pages PATH ...] [--layout NAME]
                               [--compare DIR_OR_FILE]]
"""

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from loopback import Counts, serve_feeds  # noqa: E402
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


LAYOUT_PAGES = os.path.join(ROOT, "target", "release", "examples", "layout_pages")


class LayoutPages:
    """The page templates (examples/layout_pages.rs over `paths`) as one child process, asked
    for one page at a time over a pipe (JSON Lines both ways); the HTTP server's threads share
    it."""

    def __init__(self, paths, binary=LAYOUT_PAGES):
        if not os.access(binary, os.X_OK):
            subprocess.run(["cargo", "build", "--release", "--example", "layout_pages"], cwd=ROOT, check=True)
        self.names = subprocess.run([binary, "--names", *paths], capture_output=True, text=True,
                                    check=True).stdout.split()
        self.proc = subprocess.Popen([binary, *paths], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, encoding="utf-8")
        self.lock = threading.Lock()

    def render(self, layout, title, summary, text, others, site, seed):
        """The HTML of one page in template `layout`; `others` are dicts of title, dek (a
        summary) and href."""
        request = {"template": layout, "title": title, "summary": summary, "text": text, "others": others,
                   "site": site, "site_url": "http://news.example", "seed": seed}
        with self.lock:
            self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
            answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise ValueError(f"layout_pages: {answer['error']}")
        return answer["html"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


class Replay:
    def __init__(self, articles, window, as_received=False, pages=None, layout=None):
        self.as_received = as_received
        self.pages = pages
        self.by_id = {a["id"]: a for a in articles}
        # Item i (publication order) is served in layout i mod N, or all in the one asked for.
        names = pages.names if pages else []
        self.layout_of = {
            a["id"]: layout or names[i % len(names)] for i, a in enumerate(articles)
        } if names else {}
        self.index = {a["id"]: i for i, a in enumerate(articles)}
        self.served = {}  # article id -> layout of the page served for it
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
        if a is None or self.pages is None:
            return None
        n = len(self.furniture)
        start = sum(map(ord, aid)) % n
        others = [self.furniture[(start + k * 7) % n] for k in range(46)]
        # Sahel headlines fill the first slots of the furniture (tickers, top of the lists).
        others.sort(key=lambda o: not SAHEL.search(o["title"]))
        others = [
            {"title": o["title"], "dek": summary_of(o), "href": "/a/" + o["id"]} for o in others if o["id"] != aid
        ]
        layout = self.layout_of[aid]
        html = self.pages.render(layout, a["title"], summary_of(a), a["text"], others,
                                 a.get("outlet") or "news.example", self.index[aid])
        self.served[aid] = layout
        return html.encode("utf-8")


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
    p.add_argument("--from", dest="since", metavar="YYYY-MM-DD",
                   help="only articles published on or after this day (UTC)")
    p.add_argument("--to", dest="until", metavar="YYYY-MM-DD",
                   help="only articles published on or before this day (UTC)")
    p.add_argument("--window", type=int, default=100, help="entries per feed document")
    p.add_argument("--keep", help="data directory to keep (default: a temporary one)")
    p.add_argument("--as-received", action="store_true",
                   help="summaries in the feeds, the text on article pages inside furniture")
    p.add_argument("--layout", help="with --as-received: every page in this template, such as own/semantic "
                                    "(default: rotate them all)")
    p.add_argument("--pages", action="append", default=[], metavar="PATH",
                   help="with --as-received: page templates, files or folders (default: tests/fixtures/pages)")
    p.add_argument("--compare", metavar="DIR_OR_FILE",
                   help="with --as-received: a full-text replay's WORK dir or flagged.json, compared per layout")
    p.add_argument("--surge", action="append", default=[], metavar="KEY=TOML",
                   help="a [surge] setting for tuning, e.g. --surge 'window=\"6h\"' (repeatable)")
    a = p.parse_args()
    if (a.layout or a.compare) and not a.as_received:
        sys.exit("--layout and --compare go with --as-received")
    compare = None
    if a.compare:
        path = os.path.join(a.compare, "flagged.json") if os.path.isdir(a.compare) else a.compare
        with open(path) as f:
            compare = set(json.load(f))
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
    if a.since:
        articles = [x for x in articles if x["_t"].date().isoformat() >= a.since]
    if a.until:
        articles = [x for x in articles if x["_t"].date().isoformat() <= a.until]
    if a.limit:
        articles = articles[: a.limit]
    pages = LayoutPages(a.pages or [os.path.join(ROOT, "tests", "fixtures", "pages")]) if a.as_received else None
    if pages and a.layout and a.layout not in pages.names:
        sys.exit(f"--layout {a.layout}: one of {', '.join(pages.names)}")
    replay = Replay(articles, a.window, a.as_received, pages, a.layout)
    counts = Counts()
    base = serve(replay, counts)

    work = a.keep or tempfile.mkdtemp(prefix="sahel-watch-replay-")
    os.makedirs(work, exist_ok=True)
    cfg = os.path.join(work, "replay.toml")
    with open(cfg, "w") as f:
        f.write(f'data_dir = "{work}/data"\n[metrics]\nlisten = ""\n')
        f.write('[[recipients]]\nemail = "desk@replay.invalid"\nmax_per_hour = 1000000\n')
        f.write("[limits]\nmax_entries_per_feed = 1000\n")
        # The daemon's clock is the machine's, the items' the stream's: under the replay's
        # clock every item is read the day it was published, so none is a stale backlog.
        f.write('[surge]\nfresh_within = "36500d"\n')
        for setting in a.surge:
            f.write(setting + "\n")
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
    surges = cli("stories", "--surges", "--since", "36500d", "--limit", "1000000", "--json")
    maildir = os.path.join(work, "data", "alerts", "new")
    subjects = []
    # (store item id, "new" or "update", the story of a roundup's further incident or None)
    # from each alert's Message-ID
    alerted = []
    for name in os.listdir(maildir) if os.path.isdir(maildir) else []:
        with open(os.path.join(maildir, name), "rb") as f:
            import email
            import email.policy

            msg = email.message_from_binary_file(f, policy=email.policy.default)
            m = re.match(r"<sw\.(\d+)\.(\w+)\.(?:s(\d+)\.)?", str(msg["Message-ID"] or ""))
            if m and m.group(2) == "surge":
                continue  # surge notices are counted apart: they are not incident alerts
            subjects.append(str(msg["Subject"]))
            if m:
                alerted.append((int(m.group(1)), m.group(2), m.group(3) and int(m.group(3))))
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
        "surges": len(surges),
        "surge_notices": [
            {"at": datetime.fromtimestamp(s["at"], timezone.utc).isoformat(), "line": s["line"],
             "publishers": s["publishers"], "item": s["item_id"]}
            for s in sorted(surges, key=lambda s: s["at"])
        ],
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
    if pages:
        report["layouts"] = per_layout(replay, items, flagged, alerted, compare)
        pages.close()
    with open(os.path.join(work, "flagged.json"), "w") as f:
        json.dump(sorted(article_id(x) for x in flagged if x.get("url")), f)
    # Every alert by the stored item that raised it, for incident-level measures
    # (scripts/incidents.py).
    with open(os.path.join(work, "alerts.json"), "w") as f:
        json.dump([{"item": i, "kind": k, "story": st} for i, k, st in alerted], f)
    print(json.dumps(report, ensure_ascii=False, indent=2))


def article_id(item):
    """The stream article an item stored by the daemon is: the last part of its link."""
    return (item.get("url") or "").rsplit("/", 1)[-1]


def per_layout(replay, items, flagged, alerted, compare):
    """Per layout (the one each item was given, whether or not its page was fetched): pages
    served, items flagged and of them read from their page, first alerts and updates (by the
    item that raised them); with `compare` (a full-text replay's flagged ids), the flagged items
    of both, only as received and only on the full text, with a few ids of each."""
    by_store_id = {x["id"]: x for x in items}
    out = {}
    given = set(replay.layout_of.values())
    for name in (n for n in replay.pages.names if n in given):
        out[name] = {"pages_served": sum(1 for v in replay.served.values() if v == name),
                     "flagged": 0, "flagged_from_page": 0, "alerts": 0, "updates": 0}
    for x in flagged:
        row = out.get(replay.layout_of.get(article_id(x)))
        if row is not None:
            row["flagged"] += 1
            row["flagged_from_page"] += x.get("text_source") == "page"
    for store_id, kind, _ in alerted:
        item = by_store_id.get(store_id)
        row = out.get(replay.layout_of.get(article_id(item))) if item else None
        if row is not None:
            row["alerts" if kind == "new" else "updates"] += 1
    if compare is not None:
        received = {article_id(x) for x in flagged}
        for name, row in out.items():
            mine = {aid for aid, layout in replay.layout_of.items() if layout == name}
            full, here = compare & mine, received & mine
            only_received, only_full = sorted(here - full), sorted(full - here)
            row.update({
                "full_text_flagged": len(full),
                "flagged_by_both": len(full & here),
                "only_as_received": len(only_received),
                "only_full_text": len(only_full),
                "flagged_difference_pct": round(100 * (len(only_received) + len(only_full)) / len(full), 2)
                if full else None,
                "only_as_received_ids": only_received[:20],
                "only_full_text_ids": only_full[:20],
            })
    return out


if __name__ == "__main__":
    main()
