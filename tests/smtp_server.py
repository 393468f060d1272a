"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests: plain, STARTTLS, login, rejections."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "desk", "s3cret-Pa55"


@dataclass
class Mailbox:
    host: str
    port: int
    reject: set[str] = field(default_factory=set)
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)  # (from, to, message)
    logins: list[str] = field(default_factory=list)

    def recipients(self) -> list[list[str]]:
        return [sorted(to) for _, to, _ in self.received]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tls_files(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A certificate for 127.0.0.1 from a CA made for this test: the server's context and the CA file."""
    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    cafile = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return context, cafile


@contextmanager
def smtp_server(
    tls: ssl.SSLContext | None = None, login: bool = False, reject: tuple[str, ...] = ()
) -> Iterator[Mailbox]:
    """Serve on a free port until the block ends; `tls` offers (and requires) STARTTLS."""
    mailbox = Mailbox("127.0.0.1", free_port(), set(reject))
    options: dict[str, object] = {}
    if tls is not None:
        options.update(tls_context=tls, require_starttls=True)
    if login:
        options.update(authenticator=mailbox.authenticate, auth_require_tls=tls is not None)
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port, **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
