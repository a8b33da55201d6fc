"""Loopback plumbing shared by scripts/crash_test.py and scripts/replay.py: a free port, and an
HTTP server on 127.0.0.1 that serves RSS documents made on request (with an ETag, so that the
daemon's conditional GETs get 304s)."""

import hashlib
import http.server
import re
import socket
import threading


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Counts:
    """Requests served, by kind (feed, page, robots, other)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind = {}

    def add(self, kind):
        with self.lock:
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


def serve_feeds(document, page=None, counts=None):
    """Serves `/feed/NAME.xml` with the bytes `document(name, base)` returns (None: 404) and,
    with `page`, `/a/ID` with the HTML page `page(id)` returns (None: 404). Requests are counted
    in `counts` when given. Returns the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            m = re.fullmatch(r"/feed/([A-Za-z0-9-]+)\.xml", self.path)
            a = re.fullmatch(r"/a/([^/?#]+)", self.path)
            kind = "feed" if m else "page" if a else "robots" if self.path == "/robots.txt" else "other"
            if counts is not None:
                counts.add(kind)
            if a and page is not None:
                body = page(a.group(1))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            body = document(m.group(1), base) if m else None
            if body is None:
                self.send_error(404)
                return
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the daemon went away mid-fetch (killed, in the crash test)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return base
