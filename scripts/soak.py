#!/usr/bin/env python3
"""Soak test (issue 9): the daemon runs for a long time against a loopback replay with faults
injected, and its resident memory, open file descriptors and outbox depth are sampled.

Faults, each at random moments:
  feeds flapping   a fifth of the feed requests answer 500, a truncated document, or hang 20 s
  SMTP flapping    the SMTP server (aiosmtpd) is stopped for a minute or two, then started again
  database busy    another process holds the SQLite write lock for 2-8 s

New items keep arriving: the fixtures are served again and again under new GUIDs, a few per
feed per poll, so the archive and the stories grow while memory must not.

Usage (from the repository root, with a Python that has aiosmtpd, as scripts/test.sh makes):
    target/test-venv/bin/python scripts/soak.py [--minutes 60] [--sample 60] [--binary PATH]
Prints the samples and a verdict as JSON; exit status 1 when memory or descriptors grew
(the mean of the last third of the samples against the first third, after a warm-up).
"""

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from loopback import free_port, serve_feeds  # noqa: E402

SMTP_SERVER = os.path.join(ROOT, "tests", "it", "support", "smtp_server.py")


def fixtures():
    out = []
    for name in ("articles.jsonl", "stream-sample.jsonl"):
        with open(os.path.join(ROOT, "tests", "fixtures", name), encoding="utf-8") as f:
            out += [json.loads(line) for line in f if line.strip()]
    return out


class Replay:
    """Each feed shows its latest 30 entries of an endless cycle through the fixtures."""

    def __init__(self, articles, feeds, per_second, rng):
        self.articles = articles
        self.feeds = feeds
        self.per_second = per_second
        self.t0 = time.monotonic()
        self.rng = rng
        self.faults = 0

    def document(self, name, base):
        if not name.isdigit() or int(name) >= self.feeds:
            return None
        n = int(name)
        # Feeds flapping: errors, truncated documents, hangs.
        r = self.rng.random()
        if r < 0.07:
            self.faults += 1
            raise RuntimeError("injected 500")
        if r < 0.14:
            self.faults += 1
            return b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>'
        if r < 0.2:
            self.faults += 1
            time.sleep(20)
        shown = int((time.monotonic() - self.t0) * self.per_second) + 1
        items = []
        for k in range(max(0, shown - 30), shown):
            a = self.articles[(k * self.feeds + n) % len(self.articles)]
            guid = f"{a['id']}-cycle-{k}-{n}"
            items.append(
                f"<item><guid isPermaLink=\"false\">{escape(guid)}</guid>"
                f"<link>{base}/a/{escape(guid)}</link><title>{escape(a['title'])} ({k})</title>"
                f"<description>{escape(a['text'])}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>soak {n}</title>{''.join(reversed(items))}</channel></rss>"
        ).encode()


def safe_document(replay):
    def document(name, base):
        try:
            return replay.document(name, base)
        except RuntimeError:
            return None  # answered 404 by the server: an HTTP error for the feed

    return document


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=60)
    p.add_argument("--sample", type=float, default=60, help="seconds between samples")
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "sahel-watch"))
    p.add_argument("--feeds", type=int, default=20)
    p.add_argument("--per-second", type=float, default=0.2, help="new entries per feed per second")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.binary} is not built (cargo build --release)")
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="sahel-watch-soak-")
    replay = Replay(fixtures(), a.feeds, a.per_second, rng)
    base = serve_feeds(safe_document(replay))

    smtp_port = free_port()
    maildir = os.path.join(work, "received")

    def start_smtp():
        return subprocess.Popen(
            [sys.executable, SMTP_SERVER, "--port", str(smtp_port), "--maildir", maildir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    smtp = [start_smtp()]
    data = os.path.join(work, "data")
    cfg = os.path.join(work, "soak.toml")
    with open(cfg, "w") as f:
        f.write(f'data_dir = "{data}"\n[metrics]\nlisten = ""\n')
        f.write(f'[smtp]\nurl = "smtp://127.0.0.1:{smtp_port}"\nfrom = "soak@test.invalid"\ntimeout = "5s"\n')
        f.write('[[recipients]]\nemail = "desk@test.invalid"\nmax_per_hour = 100000\n')
        f.write('[limits]\nmin_interval = "5s"\nfetch_timeout = "10s"\nmax_backoff = "1m"\n')
        f.write('alert_retry_min = "5s"\nalert_retry_max = "1m"\n')
        for i in range(a.feeds):
            f.write(f'[[feeds]]\nurl = "{base}/feed/{i}.xml"\ninterval = "5s"\n')
    log = open(os.path.join(work, "daemon.log"), "ab")
    daemon = subprocess.Popen([a.binary, "--config", cfg, "run"], stdout=log, stderr=log,
                              env=dict(os.environ, SAHEL_WATCH_LOG="warn"))
    stop = threading.Event()
    events = {"smtp_down": 0, "db_busy": 0}

    def flap_smtp():
        while not stop.wait(rng.uniform(120, 300)):
            smtp[0].terminate()
            smtp[0].wait()
            events["smtp_down"] += 1
            if stop.wait(rng.uniform(60, 120)):
                break
            smtp[0] = start_smtp()

    def busy_db():
        while not stop.wait(rng.uniform(60, 180)):
            try:
                db = sqlite3.connect(os.path.join(data, "sahel-watch.db"), timeout=30)
                db.execute("BEGIN IMMEDIATE")
                time.sleep(rng.uniform(2, 8))
                db.rollback()
                db.close()
                events["db_busy"] += 1
            except sqlite3.Error:
                pass

    for fn in (flap_smtp, busy_db):
        threading.Thread(target=fn, daemon=True).start()

    samples = []
    started = time.monotonic()
    end = started + a.minutes * 60
    try:
        while time.monotonic() < end:
            time.sleep(min(a.sample, max(0.0, end - time.monotonic())))
            if daemon.poll() is not None:
                sys.exit(f"the daemon exited with {daemon.returncode}; see {work}/daemon.log")
            try:
                db = sqlite3.connect(f"file:{os.path.join(data, 'sahel-watch.db')}?mode=ro", uri=True, timeout=30)
                items = db.execute("SELECT count(*) FROM items").fetchone()[0]
                outbox = db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
                db.close()
            except sqlite3.Error:
                items, outbox = None, None
            samples.append({
                "minute": round((time.monotonic() - started) / 60, 1),
                "rss_kib": rss_kib(daemon.pid),
                "fds": fds(daemon.pid),
                "items": items,
                "outbox_pending": outbox,
            })
            print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
    finally:
        stop.set()
        daemon.send_signal(signal.SIGTERM)
        try:
            code = daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            code = "killed"
        smtp[0].terminate()

    # Warm-up: the first quarter of the run is not judged (caches, pools, first stories fill).
    judged = samples[len(samples) // 4:]
    third = max(1, len(judged) // 3)
    mean = lambda xs: sum(xs) / len(xs) if xs else 0  # noqa: E731
    first_rss = mean([s["rss_kib"] for s in judged[:third]])
    last_rss = mean([s["rss_kib"] for s in judged[-third:]])
    first_fds = mean([s["fds"] for s in judged[:third]])
    last_fds = mean([s["fds"] for s in judged[-third:]])
    report = {
        "minutes": a.minutes,
        "samples": len(samples),
        "feed_faults_injected": replay.faults,
        "smtp_outages": events["smtp_down"],
        "db_lock_holds": events["db_busy"],
        "items_at_end": samples[-1]["items"] if samples else None,
        "rss_kib_first_third": round(first_rss),
        "rss_kib_last_third": round(last_rss),
        "rss_growth": round(last_rss / first_rss - 1, 3) if first_rss else None,
        "fds_first_third": round(first_fds, 1),
        "fds_last_third": round(last_fds, 1),
        "max_outbox_pending": max((s["outbox_pending"] or 0) for s in samples) if samples else None,
        "exit_status": code,
        "work_dir": work,
        "samples_all": samples,
    }
    print(json.dumps(report, indent=2))
    grew = (first_rss and last_rss > first_rss * 1.15) or last_fds > first_fds + 4
    sys.exit(1 if grew or code != 0 else 0)


if __name__ == "__main__":
    main()
