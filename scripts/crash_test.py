#!/usr/bin/env python3
"""Crash test for the alert outbox (DESIGN.md contract 3, issue 5).

Replays feeds whose items appear over time, runs the daemon against them, a real SMTP server
(aiosmtpd) and a real webhook receiver (tests/it/support/webhook_receiver.py, which checks each
signature itself), both slowed down a little so that kills land inside deliveries, and kill -9s
the daemon at random moments, restarting it each time. At the end the daemon runs until the
outbox is empty, and the emails and webhook requests received are compared with the alerts the
daemon decided (a clean reference run checks that the same items were stored):

  lost        alerts decided (outbox rows, written with their items) never received: must be 0
  unexpected  messages received that no outbox row decided: must be 0
  undecided   alert-worthy items stored without an alert decision: must be 0
  duplicates  extra copies of a message (same Message-ID; for the webhook, the same
              Idempotency-Key, which equals the document's id): only a kill between the
              receiver's acceptance and the daemon's mark can cause one, so at most one per
              kill and channel
  unsigned    webhook requests whose signature the receiver could not verify: must be 0

Run from the repository root with a Python that has aiosmtpd (scripts/test.sh makes one):
    target/test-venv/bin/python scripts/crash_test.py --kills 50
    target/test-venv/bin/python scripts/crash_test.py --kills 50 \
        --stream ../shared/corpus/ant-stream.jsonl.gz --limit 600
The first replays the repository's fixtures; the second the shared corpus (not in the repository).
Exit status 0 when the outbox contract held, 1 otherwise. Everything runs on 127.0.0.1.
"""

import argparse
import email
import email.policy
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from loopback import free_port, serve_feeds  # noqa: E402
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SMTP_SERVER = os.path.join(ROOT, "tests", "it", "support", "smtp_server.py")
WEBHOOK_RECEIVER = os.path.join(ROOT, "tests", "it", "support", "webhook_receiver.py")
WEBHOOK_SECRET = "crash test webhook secret"
WEBHOOK = "webhook:crash"


# Words that make an article of the shared stream worth replaying (most are not about the Sahel).
# «مالي» alone is mostly "financial", so it is left out.
SAHEL_WORDS = ("باماكو", "النيجر", "بوركينا", "تشاد", "موريتانيا", "بوكو حرام", "تمبكتو", "أزواد", "نيامي")


def articles(stream, limit):
    """The test fixtures, or with `stream` the first `limit` articles of the shared stream that
    name a Sahel country (a benchmark-style run: the stream is not part of the repository)."""
    if stream is None:
        out = []
        for name in ("articles.jsonl", "stream-sample.jsonl"):
            with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
                out += [json.loads(line) for line in f if line.strip()]
        return out
    import gzip

    if not os.path.exists(stream):
        sys.exit(f"{stream} is missing: the shared corpus is beside the repository (../shared)")
    out = []
    with gzip.open(stream, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            if any(w in a["title"] or w in a["text"][:3000] for w in SAHEL_WORDS):
                a["text"] = a["text"][:6000]
                out.append(a)
                if len(out) >= limit:
                    break
    return out


class Replay:
    """Feeds whose items appear one by one, `step` seconds apart, from the start of the run."""

    def __init__(self, items, feeds, step):
        self.feeds = [items[i::feeds] for i in range(feeds)]
        self.step = step
        self.t0 = time.monotonic()

    def done_at(self):
        return self.t0 + self.step * max(len(f) for f in self.feeds)

    def document(self, n, base):
        visible = int((time.monotonic() - self.t0) / self.step) + 1
        entries = []
        for a in self.feeds[n][:visible]:
            try:
                pub = format_datetime(datetime.fromisoformat(a["published"].replace("Z", "+00:00")))
            except (KeyError, ValueError):
                pub = format_datetime(datetime(2020, 1, 1, tzinfo=timezone.utc))
            link = f"{base}/a/{a['id']}"  # on loopback: article-page requests stay here
            entries.append(
                f"<item><guid isPermaLink=\"false\">{escape(a['id'])}</guid>"
                f"<link>{escape(link)}</link><title>{escape(a['title'])}</title>"
                f"<description>{escape(a['text'])}</description><pubDate>{pub}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>replay {n}</title>{''.join(entries)}</channel></rss>"
        ).encode()


def serve(replay):
    def document(name, base):
        n = int(name) if name.isdigit() else -1
        return replay.document(n, base) if 0 <= n < len(replay.feeds) else None

    return serve_feeds(document)


def config(data_dir, feeds, smtp_port, webhook=None):
    lines = [f'data_dir = "{data_dir}"', "[metrics]", 'listen = ""']
    if smtp_port:
        lines += ["[smtp]", f'url = "smtp://127.0.0.1:{smtp_port}"', 'from = "sahel-watch <alerts@test.invalid>"']
    lines += [
        "[limits]",
        'min_interval = "1s"',
        'alert_retry_min = "1s"',
        'alert_retry_max = "2s"',
        # Every alert of the replay goes out at once: the cap is not what is tested here.
        "[[recipients]]",
        'email = "desk@test.invalid"',
        "max_per_hour = 100000",
        "[[recipients]]",
        'email = "kidnap@test.invalid"',
        'events = ["kidnapping", "attack"]',
        'countries = ["ML", "NE", "BF"]',
        "max_per_hour = 100000",
    ]
    if webhook:
        url, secret_file = webhook
        lines += [
            "[[recipients]]",
            'name = "crash"',
            f'webhook = {{ url = "{url}", secret_file = "{secret_file}" }}',
            "max_per_hour = 100000",
        ]
    for url in feeds:
        lines += ["[[feeds]]", f'url = "{url}"', 'interval = "1s"']
    return "\n".join(lines) + "\n"


def read_maildir(path):
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        if os.path.isdir(d):
            for name in sorted(os.listdir(d)):
                with open(os.path.join(d, name), "rb") as f:
                    out.append(email.message_from_binary_file(f, policy=email.policy.default))
    return out


def db_state(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "sahel-watch.db"), timeout=30)
    try:
        items = db.execute("SELECT count(*) FROM items").fetchone()[0]
        pending = db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
        outbox = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        return items, pending, outbox
    finally:
        db.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kills", type=int, default=50)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "sahel-watch"))
    p.add_argument("--feeds", type=int, default=4)
    p.add_argument("--step", type=float, default=None, help="seconds between two items of a feed")
    p.add_argument("--smtp-delay", type=float, default=0.05)
    p.add_argument("--stream", help="replay articles of this .jsonl.gz (e.g. ../shared/corpus/ant-stream.jsonl.gz)")
    p.add_argument("--limit", type=int, default=600, help="articles taken from --stream")
    a = p.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"{a.binary} is not built: cargo build --bin sahel-watch")

    items = articles(a.stream, a.limit)
    # Spread the items over the kills: about 1.4 s of daemon life per kill.
    per_feed = -(-len(items) // a.feeds)
    step = a.step or max(0.05, 1.4 * max(a.kills, 1) / per_feed)
    work = tempfile.mkdtemp(prefix="sahel-watch-crash-")
    replay = Replay(items, a.feeds, step)
    base = serve(replay)
    feeds = [f"{base}/feed/{i}.xml" for i in range(a.feeds)]

    smtp_port = free_port()
    maildir = os.path.join(work, "received")
    smtp = subprocess.Popen(
        [sys.executable, SMTP_SERVER, "--port", str(smtp_port), "--maildir", maildir,
         "--delay", str(a.smtp_delay)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", smtp_port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("the SMTP server did not start")
            time.sleep(0.05)

    hook_log = os.path.join(work, "webhook.jsonl")
    hook = subprocess.Popen(
        [sys.executable, WEBHOOK_RECEIVER, WEBHOOK_SECRET, hook_log, "/hook=200"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=dict(os.environ, WEBHOOK_DELAY=str(a.smtp_delay)),
    )
    hook_port = int(hook.stdout.readline())
    secret_file = os.path.join(work, "webhook.secret")
    with open(secret_file, "w") as f:
        f.write(WEBHOOK_SECRET + "\n")

    data = os.path.join(work, "data")
    cfg = os.path.join(work, "crash.toml")
    with open(cfg, "w") as f:
        f.write(config(data, feeds, smtp_port, (f"http://127.0.0.1:{hook_port}/hook", secret_file)))
    env = dict(os.environ, SAHEL_WATCH_LOG="warn")
    log = open(os.path.join(work, "daemon.log"), "ab")

    def start():
        return subprocess.Popen([a.binary, "--config", cfg, "run"], stdout=log, stderr=log, env=env)

    try:
        for k in range(a.kills):
            d = start()
            time.sleep(rng.uniform(0.3, 2.5))
            d.send_signal(signal.SIGKILL)
            d.wait()
        # Everything published, then one last life, ended cleanly once the outbox is empty.
        time.sleep(max(0.0, replay.done_at() - time.monotonic()))
        d = start()
        # Settled: the outbox empty and nothing new stored for a few polls (articles that share a
        # URL are one item, so the count of items is not the count of articles).
        deadline = time.monotonic() + 180
        last, stable = None, 0
        while True:
            time.sleep(1)
            try:
                stored, unsent, _ = db_state(data)
            except sqlite3.Error:
                continue
            stable = stable + 1 if stored == last else 0
            last = stored
            if unsent == 0 and stable >= 5:
                break
            if time.monotonic() > deadline:
                d.kill()
                sys.exit(f"the daemon did not settle: {stored} items, {unsent} unsent")
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=30)
    finally:
        smtp.terminate()
        smtp.wait()
        hook.terminate()
        hook.wait()

    db = sqlite3.connect(os.path.join(data, "sahel-watch.db"))
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()

    # What the daemon decided, in the items' own transactions (contract 3): every outbox row must
    # arrive, and nothing else. Which items make which alerts depends on the order the stories
    # met them, so a clean run is not the yardstick for alerts; it is for the items stored.
    db = sqlite3.connect(os.path.join(data, "sahel-watch.db"))
    decided = {mid for (mid,) in db.execute(
        "SELECT message_id FROM outbox WHERE recipient != ?", (WEBHOOK,))}
    decided_hook = {mid for (mid,) in db.execute(
        "SELECT message_id FROM outbox WHERE recipient = ?", (WEBHOOK,))}
    undecided = db.execute(
        "SELECT count(*) FROM items WHERE relevant = 1 AND events != '[]' AND alerted = 0"
    ).fetchone()[0]
    db.close()

    ref_data = os.path.join(work, "reference")
    ref_cfg = os.path.join(work, "reference.toml")
    with open(ref_cfg, "w") as f:
        f.write(config(ref_data, feeds, None))
    r = subprocess.run([a.binary, "--config", ref_cfg, "run", "--once"], env=env, capture_output=True)
    if r.returncode != 0:
        sys.exit(f"reference run failed: {r.stderr.decode(errors='replace')}")
    ref_items = db_state(ref_data)[0]
    crash_items = db_state(data)[0]

    received = read_maildir(maildir)
    by_id = {}
    for m in received:
        by_id.setdefault(str(m["Message-ID"]), []).append(m)
    duplicates = {mid: len(ms) - 1 for mid, ms in by_id.items() if len(ms) > 1}
    lost = sorted(decided - set(by_id))
    unexpected = sorted(set(by_id) - decided)

    requests = []
    if os.path.exists(hook_log):
        with open(hook_log, encoding="utf-8") as f:
            requests = [json.loads(line) for line in f if line.strip()]
    hook_by_key = {}
    for r in requests:
        hook_by_key.setdefault(r["idempotency_key"], []).append(r)
    unsigned = sum(1 for r in requests if not r["signature_ok"])
    # The key is the alert's Message-ID, and so is the document's id: a duplicate is the same
    # alert, recognisable as such by the receiver.
    mismatched = sum(1 for r in requests if (r.get("body") or {}).get("id") != r["idempotency_key"])
    hook_duplicates = {k: len(rs) - 1 for k, rs in hook_by_key.items() if len(rs) > 1}
    lost += sorted(decided_hook - set(hook_by_key))
    unexpected += sorted(set(hook_by_key) - decided_hook)
    report = {
        "seed": seed,
        "kills": a.kills,
        "articles": len(items),
        "items_stored": crash_items,
        "items_stored_by_reference": ref_items,
        "alert_worthy_items_without_a_decision": undecided,
        "alerts_decided": len(decided),
        "alerts_received": len(by_id),
        "emails_received": len(received),
        "lost": lost,
        "unexpected": unexpected,
        "duplicates": sum(duplicates.values()),
        "duplicated_message_ids": duplicates,
        "webhook_alerts_decided": len(decided_hook),
        "webhook_alerts_received": len(hook_by_key),
        "webhook_requests": len(requests),
        "webhook_duplicates": sum(hook_duplicates.values()),
        "webhook_unsigned": unsigned,
        "webhook_id_not_key": mismatched,
        "integrity_check": integrity,
        "work_dir": work,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = (
        not lost
        and not unexpected
        and undecided == 0
        and sum(duplicates.values()) <= a.kills
        and sum(hook_duplicates.values()) <= a.kills
        and unsigned == 0
        and mismatched == 0
        and integrity == "ok"
        and crash_items == ref_items
        and len(decided) > 0
        and len(decided_hook) > 0
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
