"""A real SMTP server for the tests (and scripts/crash_test.py): aiosmtpd on 127.0.0.1 writing
every accepted message into a Maildir, with the options a mail relay has: STARTTLS (required),
implicit TLS, AUTH PLAIN/LOGIN, and a delay before accepting (to widen the window between the
server's acceptance and the client's bookkeeping in crash tests).

Usage: smtp_server.py --port P --maildir DIR [--starttls CERT KEY | --tls CERT KEY]
                      [--auth USER:PASSWORD] [--delay SECONDS]
"""

import argparse
import asyncio
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


class SlowMailbox(Mailbox):
    def __init__(self, maildir, delay):
        super().__init__(maildir)
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--delay", type=float, default=0.0)
    a = p.parse_args()

    kwargs = {}
    pair = a.starttls or a.tls
    if pair:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(pair[0], pair[1])
        if a.starttls:
            kwargs.update(tls_context=ctx, require_starttls=True)
        else:
            kwargs.update(ssl_context=ctx)
    if a.auth:
        user, password = a.auth.split(":", 1)
        kwargs.update(
            authenticator=Authenticator(user, password),
            auth_required=True,
            # Over implicit TLS the session is already encrypted.
            auth_require_tls=not a.tls,
        )
    controller = Controller(
        SlowMailbox(a.maildir, a.delay),
        hostname="127.0.0.1",
        port=a.port,
        ready_timeout=20,
        **kwargs,
    )
    if a.tls:
        # Controller's readiness probe speaks plain SMTP, which an implicit-TLS listener cannot
        # answer; start without it and let the caller wait for the port.
        controller._trigger_server = lambda: None
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
