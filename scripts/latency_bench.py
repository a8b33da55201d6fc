#!/usr/bin/env python3
"""Alert latency end to end (issue 32): minutes, not a quarter hour.

A busy outlet (an item every 10 minutes over the last 8 hours) starts publishing one Sahel
attack report every 40 s, eight incidents in eight countries' towns far apart, beside 30 feeds
that never change. The daemon runs on its default configuration (no feed sets an interval; the
default limits; one recipient with the default hourly cap, alerts to the maildir) until every
alert has arrived or 12 minutes have passed. Prints, as JSON:

  alerts_expected, alerts_delivered
  latency_p50_s, latency_p95_s, latency_max_s   from each report's appearance in the feed to its
                                                alert file in the maildir
  busy_requests                                 requests of the busy feed
  quiet_requests_max                            requests of the most requested quiet feed
  quiet_interval_min_s, quiet_requests_per_day  the shortest interval the daemon keeps a quiet
                                                feed at (`feeds --json`), as requests a day
  quiet_requests_per_day_before                 a 15-minute schedule's: 96

Exit status 0 when every alert arrived with p50 <= 120 s and p95 <= 300 s and no quiet feed was
requested more often than every 15 minutes. Everything runs on 127.0.0.1.

With --websub, the busy feed advertises a hub (here, a WebSub hub as the W3C Recommendation
describes: it verifies the daemon's intent with a challenge and pushes the feed, signed with
HMAC-SHA256 of the secret the daemon sent, at each report's publication) and the daemon runs
with `[websub]`: the same measure, push against poll.

    python3 scripts/latency_bench.py            # the release binary
    python3 scripts/latency_bench.py --websub   # the hub pushes each report
    python3 scripts/latency_bench.py --binary target/debug/sahel-watch
"""

import argparse
import email
import hashlib
import hmac
import urllib.parse
import urllib.request
import email.policy
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUIET_FEEDS = 30
REPORT_EVERY = 40
# One incident each, in towns hundreds of kilometres apart: eight stories, eight first alerts.
TOWNS = [
    ("غاو", "مالي"), ("ديفا", "النيجر"), ("جيبو", "بوركينا فاسو"), ("مايدوغوري", "نيجيريا"),
    ("كيدال", "مالي"), ("تيلابيري", "النيجر"), ("فادا نغورما", "بوركينا فاسو"), ("أبشي", "تشاد"),
]
BACKGROUND = [
    "أسعار النفط ترتفع مع تراجع المخزونات الأمريكية",
    "منتخب مصر يستعد لمباراته المقبلة في التصفيات",
    "افتتاح معرض الكتاب بمشاركة مئات دور النشر",
    "البنك المركزي يبقي أسعار الفائدة دون تغيير",
]


def report(k):
    town, country = TOWNS[k]
    killed = 10 + 3 * k
    title = f"مقتل {killed} جنديا في هجوم مسلح على معسكر للجيش في {town} ب{country}"
    body = (
        f"قتل {killed} جنديا صباح اليوم في هجوم شنه مسلحون على معسكر للجيش في مدينة {town} "
        f"ب{country}، حسب ما أعلن مصدر عسكري. وقال المصدر إن المهاجمين وصلوا على متن دراجات "
        "نارية وسيارات رباعية الدفع وأطلقوا النار على الجنود قبل أن ينسحبوا. "
        "وأضاف أن تعزيزات عسكرية أرسلت إلى المنطقة لملاحقة المهاجمين وأن الجرحى نقلوا إلى "
        "المستشفى. ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن. "
    ) * 2
    return title, body


class Feeds:
    def __init__(self, t0):
        self.t0 = t0
        self.requests = {}
        self.lock = threading.Lock()
        # --websub: the hub's URL (advertised by the busy feed) and its verified subscribers.
        self.hub = None
        self.base = None
        self.subscribers = {}

    def busy(self, now):
        items = []
        # The outlet's usual news, one item every 10 minutes for the last 8 hours.
        for i in range(48):
            at = self.t0 - 60 - i * 600
            items.append((f"bg-{i}", BACKGROUND[i % len(BACKGROUND)] + f" ({i})",
                          "خبر عادي لا علاقة له بالأمن. " * 5, at))
        for k in range(len(TOWNS)):
            at = self.t0 + k * REPORT_EVERY
            if at <= now:
                title, body = report(k)
                items.append((f"attack-{k}", title, body, at))
        items.sort(key=lambda x: -x[3])
        return items[:50]

    def quiet(self, n):
        return [(f"q{n}-{i}", f"نشرة محلية رقم {i} من الموقع {n}", "خبر محلي. " * 5,
                 self.t0 - 86_400 * (i + 1) - n * 600) for i in range(3)]

    def document(self, path, now):
        if path == "/busy.xml":
            items = self.busy(now)
        elif path.startswith("/quiet") and path.endswith(".xml"):
            items = self.quiet(int(path[6:-4]))
        else:
            return None
        entries = "".join(
            f"<item><guid isPermaLink=\"false\">{g}</guid><title>{escape(t)}</title>"
            f"<description>{escape(b)}</description>"
            f"<pubDate>{format_datetime(datetime.fromtimestamp(at, timezone.utc))}</pubDate></item>"
            for g, t, b, at in items
        )
        links = ""
        if self.hub and path == "/busy.xml":
            links = (f'<atom:link rel="hub" href="{self.hub}"/>'
                     f'<atom:link rel="self" href="{self.base}/busy.xml"/>')
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{path}</title>{links}{entries}</channel></rss>").encode()

    def subscribe(self, form):
        """Verifies a subscription intent as a hub does: the challenge must come back."""
        get = lambda k: form.get(k, [""])[0]
        challenge = os.urandom(8).hex()
        query = urllib.parse.urlencode({"hub.mode": get("hub.mode"), "hub.topic": get("hub.topic"),
                                        "hub.challenge": challenge, "hub.lease_seconds": "86400"})
        try:
            with urllib.request.urlopen(f"{get('hub.callback')}?{query}", timeout=10) as r:
                ok = r.status == 200 and r.read().decode() == challenge
        except OSError:
            ok = False
        if ok and get("hub.mode") == "subscribe":
            with self.lock:
                self.subscribers[get("hub.topic")] = (get("hub.callback"), get("hub.secret"))

    def push(self, now):
        """Pushes the busy feed as it stands to its subscribers, signed."""
        body = self.document("/busy.xml", now)
        with self.lock:
            subs = list(self.subscribers.values())
        for callback, secret in subs:
            sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            req = urllib.request.Request(callback, data=body, method="POST", headers={
                "Content-Type": "application/rss+xml", "X-Hub-Signature": f"sha256={sig}"})
            try:
                urllib.request.urlopen(req, timeout=10).read()
            except OSError:
                pass


def serve(feeds):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            with feeds.lock:
                feeds.requests[self.path] = feeds.requests.get(self.path, 0) + 1
            body = feeds.document(self.path, time.time())
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            self.send_response(202 if self.path == "/hub" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if self.path == "/hub":
                threading.Thread(target=feeds.subscribe, args=(form,), daemon=True).start()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def arrivals(maildir):
    """(town index, arrival time) of each first alert in the maildir."""
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        for name in os.listdir(d) if os.path.isdir(d) else []:
            path = os.path.join(d, name)
            with open(path, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            if msg["In-Reply-To"]:
                continue
            subject = str(msg["Subject"])
            for k, (town, _) in enumerate(TOWNS):
                if town in subject:
                    out.append((k, os.stat(path).st_mtime))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "sahel-watch"))
    p.add_argument("--deadline", type=int, default=720, help="seconds to wait for every alert")
    p.add_argument("--websub", action="store_true", help="the busy feed's hub pushes each report")
    a = p.parse_args()
    t0 = time.time() + 30
    feeds = Feeds(t0)
    server = serve(feeds)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    work = tempfile.mkdtemp(prefix="latency-bench-")
    lines = [f'data_dir = "{work}/data"', "[metrics]", 'listen = ""',
             "[[recipients]]", 'email = "desk@test.invalid"']
    if a.websub:
        feeds.hub, feeds.base = f"{base}/hub", base
        probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        port = probe.server_address[1]
        probe.server_close()
        lines += ["[websub]", f'callback = "http://127.0.0.1:{port}/websub"',
                  f'listen = "127.0.0.1:{port}"']

        def pusher():
            for k in range(len(TOWNS)):
                time.sleep(max(0.0, t0 + k * REPORT_EVERY - time.time()))
                feeds.push(time.time())
        threading.Thread(target=pusher, daemon=True).start()
    lines += ["[[feeds]]", f'url = "{base}/busy.xml"', 'name = "busy"']
    for n in range(QUIET_FEEDS):
        lines += ["[[feeds]]", f'url = "{base}/quiet{n}.xml"', f'name = "quiet {n}"']
    conf = os.path.join(work, "bench.toml")
    with open(conf, "w") as f:
        f.write("\n".join(lines) + "\n")
    log = open(os.path.join(work, "daemon.log"), "w")
    daemon = subprocess.Popen([a.binary, "--config", conf, "run"], stdout=log, stderr=log)
    started = time.time()
    maildir = os.path.join(work, "data", "alerts")
    try:
        while time.time() - started < a.deadline:
            if len({k for k, _ in arrivals(maildir)}) == len(TOWNS):
                break
            time.sleep(2)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        server.shutdown()
    ran = time.time() - started
    got = {}
    for k, at in arrivals(maildir):
        got[k] = min(at, got.get(k, at))
    latencies = sorted(got[k] - (t0 + k * REPORT_EVERY) for k in got)
    quiet = [feeds.requests.get(f"/quiet{n}.xml", 0) for n in range(QUIET_FEEDS)]
    # The interval the daemon keeps each quiet feed at, as `feeds` says.
    listed = subprocess.run([a.binary, "--config", conf, "feeds", "--json"], capture_output=True,
                            text=True, check=True).stdout
    quiet_intervals = [f["interval_seconds"] for f in map(json.loads, listed.splitlines())
                       if "/quiet" in f["url"]]
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else None
    result = {
        "mode": "websub" if a.websub else "poll",
        "pushes_subscribed": len(feeds.subscribers),
        "alerts_expected": len(TOWNS),
        "alerts_delivered": len(got),
        "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_s": round(pct(0.95), 2) if latencies else None,
        "latency_max_s": round(latencies[-1], 2) if latencies else None,
        "busy_requests": feeds.requests.get("/busy.xml", 0),
        "quiet_requests_max": max(quiet),
        "quiet_interval_min_s": min(quiet_intervals),
        "quiet_requests_per_day": round(86_400 / min(quiet_intervals), 1),
        "quiet_requests_per_day_before": 96,
        "ran_s": round(ran),
        "work_dir": work,
    }
    print(json.dumps(result, indent=2))
    ok = (len(got) == len(TOWNS) and result["latency_p50_s"] <= 120 and result["latency_p95_s"] <= 300
          and max(quiet) <= 1 + ran / 900 and min(quiet_intervals) >= 900)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
