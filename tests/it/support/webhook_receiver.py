"""A webhook receiver for the tests: verifies each POST's signature on its own (HMAC-SHA256 of
"timestamp.body" under the secret, as docs/webhook.md describes), records every request as a
JSON line, and answers from a per-path script of statuses (the last one repeats); a 429 or 503 says
"Retry-After: 8".

    webhook_receiver.py SECRET LOG PATH=STATUS,STATUS... [PATH=...]

Prints the port it listens on (127.0.0.1) and serves until killed. WEBHOOK_DELAY (seconds) in
the environment delays each answer after the request is recorded, so that a crash test's kills
land between the receipt and the daemon's mark.
"""

import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

secret, log_path = sys.argv[1].encode(), sys.argv[2]
plans = {}
for arg in sys.argv[3:]:
    path, statuses = arg.split("=", 1)
    plans[path] = [int(s) for s in statuses.split(",")]
seen = {}
lock = threading.Lock()
delay = float(os.environ.get("WEBHOOK_DELAY", "0"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        timestamp = self.headers.get("X-Sahel-Watch-Timestamp", "")
        signature = self.headers.get("X-Sahel-Watch-Signature", "")
        expected = "v1=" + hmac.new(
            secret, timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        with lock:
            plan = plans.get(self.path, [404])
            n = seen.get(self.path, 0)
            seen[self.path] = n + 1
            status = plan[min(n, len(plan) - 1)]
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            record = {
                "received_at": time.time(),
                "path": self.path,
                "status": status,
                "signature_ok": hmac.compare_digest(signature, expected),
                "timestamp": timestamp,
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "event": self.headers.get("X-Sahel-Watch-Event"),
                "content_type": self.headers.get("Content-Type"),
                "body": document,
            }
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                f.flush()
        time.sleep(delay)
        answer = b'{"ok":true}' if status < 300 else b'{"error":"scripted"}'
        self.send_response(status)
        if status in (429, 503):
            self.send_header("Retry-After", "8")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
