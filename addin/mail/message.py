"""Build the summary message; send it by SMTP or save it as an `.eml` draft; remember what went.

One connection sends every message of a run. Connection, TLS and login failures stop the
run with one line (`MailError`); a rejected address fails only its own message, the others
still go. Each message that went is written at once to the sent log (`complaints-sent.jsonl`
beside the outputs), so a re-run after a partial failure sends only what did not go.
"""

from __future__ import annotations

import hashlib
import json
import re
import smtplib
import socket
import ssl
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cached_property
from pathlib import Path

from addin.core.text import text
from addin.mail.settings import ENVIRONMENT, MailError, Smtp

SENT_LOG = "complaints-sent.jsonl"
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Outgoing:
    """One message to send: its audience (a region, or None for the whole company) and its sent-log key.

    The message itself (bodies and attached workbook, seconds for a big log) is built on first
    use, so a re-run that finds most messages in the sent log does not build them again.
    """

    audience: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    key: str
    filename: str  # of the attached summary workbook; a draft is named after it
    build: Callable[[], EmailMessage] = field(repr=False, compare=False)

    @cached_property
    def message(self) -> EmailMessage:
        return self.build()

    def label(self, lang: str = "en") -> str:
        audience = self.audience or text("mail.whole-company", lang)
        return text("mail.to", lang, audience=audience, addresses=", ".join(self.to + self.cc))


def compose(
    *,
    sender: str | None,
    to: Sequence[str],
    cc: Sequence[str],
    subject: str,
    text: str,
    html: str,
    attachment: bytes,
    filename: str,
    when: datetime | None = None,
) -> EmailMessage:
    """A multipart message: plain text and HTML alternatives, the summary workbook attached."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = _SPACES.sub(" ", subject).strip()  # no line breaks: no header injection
    message["Date"] = formatdate((when or datetime.now()).timestamp(), localtime=True)
    domain = sender.rpartition("@")[2] if sender else "complaint-desk.invalid"
    message["Message-ID"] = make_msgid("complaints", domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(attachment, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=filename)
    return message


def sent_key(source: str, audience: str | None, to: Sequence[str], cc: Sequence[str], day: str) -> str:
    """What makes a message "the same one" for the sent log: the workbook's content, who, and the day."""
    parts = [source, audience or "*", ",".join(sorted(a.casefold() for a in to)), ",".join(sorted(cc)), day]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class SentLog:
    """The messages already sent, one JSON line each (no bodies, no secrets)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / SENT_LOG
        self.keys: dict[str, str] = {}
        if self.path.is_file():  # anything else there is reported by check() before sending
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    entry = json.loads(line)
                    self.keys[entry["key"]] = entry["sent_at"]
                except (ValueError, KeyError, TypeError):
                    continue  # a damaged line only means that message may go again

    def check(self) -> None:
        """Fail before anything is sent if the log cannot be written (a message sent but not
        logged would go again on the next run)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() or self.path.is_symlink():
                with self.path.open("a", encoding="utf-8"):
                    pass
            else:
                with tempfile.TemporaryFile(dir=self.path.parent):
                    pass
        except OSError as exc:
            raise MailError(
                f"cannot write the sent log {self.path}: {exc.strerror or exc}; choose another --out"
            ) from None

    def sent_at(self, key: str) -> str | None:
        return self.keys.get(key)

    def record(self, outgoing: Outgoing, workbook: str) -> None:
        now = datetime.now().isoformat(timespec="seconds")
        entry = {
            "sent_at": now,
            "workbook": workbook,
            "audience": outgoing.audience,
            "to": list(outgoing.to),
            "cc": list(outgoing.cc),
            "subject": str(outgoing.message["Subject"]),
            "message_id": str(outgoing.message["Message-ID"]),
            "key": outgoing.key,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.keys[outgoing.key] = now


def save_eml(message: EmailMessage, path: Path) -> Path:
    """A draft: `X-Unsent: 1` makes Outlook open it ready to send."""
    draft = EmailMessage()
    for name, value in message.items():
        draft[name] = value
    draft.set_payload(message.get_payload())
    del draft["X-Unsent"]
    draft["X-Unsent"] = "1"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(draft.as_bytes())
    return path


def send_all(
    smtp: Smtp, messages: Sequence[Outgoing], on_sent: Callable[[Outgoing], None]
) -> list[tuple[Outgoing, str]]:
    """Send each message over one connection; returns the (message, reason) pairs that failed.

    Raises `MailError` when nothing can be sent (connection, TLS, login). `on_sent` is called
    right after each message went, so a crash later cannot lose the record.
    """
    failed: list[tuple[Outgoing, str]] = []
    if not messages:
        return failed
    client = _connect(smtp)
    try:
        for outgoing in messages:
            try:
                refused = client.send_message(outgoing.message, from_addr=smtp.sender)
            except smtplib.SMTPRecipientsRefused as exc:
                failed.append((outgoing, _refused(exc.recipients)))
                continue
            except smtplib.SMTPSenderRefused as exc:
                raise MailError(f"{smtp.where}: sender {smtp.sender} rejected ({_reply(exc)})") from None
            except smtplib.SMTPDataError as exc:
                failed.append((outgoing, f"message refused ({_reply(exc)})"))
                continue
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                raise MailError(f"{smtp.where}: connection lost while sending ({_clean(str(exc), smtp)})") from None
            on_sent(outgoing)
            if refused:
                failed.append((outgoing, "sent, but " + _refused(refused)))
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):  # the messages already went; a rude goodbye changes nothing
            client.close()
    return failed


def _connect(smtp: Smtp) -> smtplib.SMTP:
    """A connected, secured and logged-in client; every failure is one `MailError` line."""
    try:
        context = ssl.create_default_context(cafile=smtp.cafile or None)
    except (OSError, ssl.SSLError) as exc:
        raise MailError(f"cannot read the CA file {smtp.cafile}: {exc}") from None
    client: list[smtplib.SMTP] = []  # the client once made, to close it on failure
    try:
        return _open(smtp, context, client)
    except Exception as exc:
        _close(client[0] if client else None)
        if isinstance(exc, MailError):
            raise
        reason = _failure(smtp, exc)
        if reason is None:
            raise
        raise MailError(reason) from None


def _open(smtp: Smtp, context: ssl.SSLContext, made: list[smtplib.SMTP]) -> smtplib.SMTP:
    if smtp.security == "ssl":
        made.append(smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context))
        client = made[0]
    else:
        made.append(smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout))
        client = made[0]
        client.ehlo()
        if smtp.security == "starttls":
            if not client.has_extn("starttls"):
                raise MailError(
                    f"{smtp.where} does not offer STARTTLS; set {ENVIRONMENT['security']}=ssl for port 465, "
                    "or none only on a trusted network"
                )
            client.starttls(context=context)
            client.ehlo()
    if smtp.user:
        client.login(smtp.user, smtp.password)
    return client


def _failure(smtp: Smtp, exc: Exception) -> str | None:
    """The one line for a failed connection, login or handshake; None for an exception that is not about mail."""
    where = smtp.where
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where}: login failed for user {smtp.user} ({_clean(_reply(exc), smtp)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where} does not accept a login; leave {ENVIRONMENT['user']} unset"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"{where}: the server's certificate is not trusted ({exc.verify_message}); "
            f"set {ENVIRONMENT['cafile']} to your organisation's CA file"
        )
    if isinstance(exc, ssl.SSLError):
        return (
            f"{where}: TLS failed ({exc.reason}); check {ENVIRONMENT['security']} (ssl for port 465, starttls for 587)"
        )
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the SMTP server {smtp.host}"
    if isinstance(exc, TimeoutError):
        return f"no answer from {where} within {smtp.timeout} s"
    if isinstance(exc, smtplib.SMTPException | OSError):
        return f"cannot talk to {where}: {_clean(str(exc), smtp)}"
    return None


def _close(client: smtplib.SMTP | None) -> None:
    if client is not None:
        try:
            client.close()
        except OSError:
            pass


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {_SPACES.sub(' ', text).strip()}"


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    parts = []
    for address, (code, said) in recipients.items():
        reply = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        parts.append(f"{address} rejected ({code} {_SPACES.sub(' ', reply).strip()})")
    return "; ".join(parts)


def _clean(text: str, smtp: Smtp) -> str:
    """A server's words, on one line, with the password blanked should it echo it."""
    line = _SPACES.sub(" ", text).strip()
    return line.replace(smtp.password, "•••") if smtp.password else line
