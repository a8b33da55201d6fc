"""A real Matrix homeserver for the tests: Synapse (from PyPI) on 127.0.0.1 with its SQLite
database in a scratch directory, a user and a room made through its own API and scripts.

    matrix_homeserver.py DIR

Prints one JSON line {"port", "access_token", "room_id", "user_id"} once the room exists, then
keeps the homeserver running until this process is killed (or its stdin closes).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

root = sys.argv[1]
os.makedirs(root, exist_ok=True)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
base = f"http://127.0.0.1:{port}"
shared_secret = "registration secret of the test homeserver"
limits = "{per_second: 10000, burst_count: 10000}"
config = os.path.join(root, "homeserver.yaml")
with open(config, "w") as f:
    f.write(f"""
server_name: "localhost"
pid_file: {root}/homeserver.pid
listeners:
  - port: {port}
    tls: false
    type: http
    x_forwarded: false
    bind_addresses: ['127.0.0.1']
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {root}/homeserver.db
media_store_path: {root}/media
signing_key_path: {root}/localhost.signing.key
registration_shared_secret: "{shared_secret}"
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
presence:
  enabled: false
url_preview_enabled: false
enable_metrics: false
rc_message: {limits}
rc_registration: {limits}
rc_joins: {{local: {limits}, remote: {limits}}}
rc_login:
  address: {limits}
  account: {limits}
  failed_attempts: {limits}
""")
py = sys.executable
subprocess.run([py, "-m", "synapse.app.homeserver", "--config-path", config, "--generate-keys"],
               check=True, stdout=subprocess.DEVNULL)
log = open(os.path.join(root, "homeserver.log"), "w")
server = subprocess.Popen([py, "-m", "synapse.app.homeserver", "--config-path", config],
                          stdout=log, stderr=log)


def stop(*_):
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)


def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


deadline = time.time() + 120
while True:
    try:
        call("GET", "/_matrix/client/versions")
        break
    except Exception:
        if server.poll() is not None or time.time() > deadline:
            sys.exit(f"synapse did not start; see {root}/homeserver.log")
        time.sleep(0.3)
subprocess.run([py, "-m", "synapse._scripts.register_new_matrix_user", "-u", "sahelbot",
                "-p", "a long test password", "--no-admin", "-c", config, base],
               check=True, stdout=subprocess.DEVNULL)
login = call("POST", "/_matrix/client/v3/login", {
    "type": "m.login.password",
    "identifier": {"type": "m.id.user", "user": "sahelbot"},
    "password": "a long test password",
})
room = call("POST", "/_matrix/client/v3/createRoom", {"name": "sahel alerts"},
            token=login["access_token"])
print(json.dumps({"port": port, "access_token": login["access_token"],
                  "room_id": room["room_id"], "user_id": login["user_id"]}), flush=True)
# Until the test drops us (kill, or stdin closed).
try:
    sys.stdin.read()
finally:
    stop()
