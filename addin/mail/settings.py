"""Where the summary e-mail goes out: SMTP server, security, sender, subject, from settings and environment.

Precedence, lowest first: the built-in defaults, the workbook's Settings sheet, the `--config`
TOML file (`[mail]` table), then the environment (`COMPLAINTS_SMTP_HOST`, `_PORT`, `_SECURITY`,
`_USER`, `COMPLAINTS_MAIL_FROM`, `COMPLAINTS_SMTP_CAFILE`), so a scheduler's environment wins.
The password is read only from `COMPLAINTS_SMTP_PASSWORD` or the system keyring (service
`complaint-desk`, the user name as account): a `mail.password` setting is refused, and no
password ever reaches a message, a log line or an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from addin.core.values import clean_text, parse_whole

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_SUBJECT = {"en": "Complaints summary — {name} — {date}", "zh": "投诉汇总 — {name} — {date}"}
KEYRING_SERVICE = "complaint-desk"
ENVIRONMENT = {
    "host": "COMPLAINTS_SMTP_HOST",
    "port": "COMPLAINTS_SMTP_PORT",
    "security": "COMPLAINTS_SMTP_SECURITY",
    "user": "COMPLAINTS_SMTP_USER",
    "from": "COMPLAINTS_MAIL_FROM",
    "cafile": "COMPLAINTS_SMTP_CAFILE",
}
PASSWORD_VARIABLE = "COMPLAINTS_SMTP_PASSWORD"
_NO_PASSWORD = (
    f"a password is never read from a workbook or a file: set {PASSWORD_VARIABLE} "
    f"or store it in the system keyring (service '{KEYRING_SERVICE}')"
)
_LIST_SPLIT = re.compile(r"[;,；，\s]+")
# Deliberately plain: one @, a dot in the domain, no spaces or brackets. The server has the last word.
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))


def split_addresses(text: str) -> list[str]:
    """Addresses written in one cell or option, separated by `;`, `,` or spaces."""
    return [part for part in _LIST_SPLIT.split(text) if part]


def _addresses(value: object) -> tuple[str, ...]:
    found = split_addresses(";".join(map(str, value)) if isinstance(value, list) else clean_text(value))
    bad = [a for a in found if not is_address(a)]
    if bad:
        raise ValueError(f"not an e-mail address: {', '.join(bad)}")
    return tuple(found)


class MailError(Exception):
    """Mail could not be composed or sent; the message is one line a user understands."""


def mail_value(key: str, value: object) -> object:
    """A `mail.*` setting checked and converted; ValueError for a bad value, LookupError for an unknown key."""
    name = key.removeprefix("mail.")
    text = clean_text(value)
    if name == "password":
        raise ValueError(_NO_PASSWORD)
    if name in ("host", "user", "cafile"):
        return text
    if name == "subject":
        subject_text(text, name="", region="", date="")  # a bad placeholder is reported here, once
        return text
    if name == "from":
        if not is_address(text):
            raise ValueError(f"not an e-mail address: {text}")
        return text
    if name == "port":
        return _port(value)
    if name == "security":
        return _security(text)
    if name == "cc":
        return _addresses(value)
    if name == "timeout":
        seconds = parse_whole(value)
        if seconds is None or seconds < 1:
            raise ValueError("a whole number of seconds, such as 60")
        return seconds
    raise LookupError(key)


def subject_text(template: str, *, name: str, region: str, date: str) -> str:
    """A subject template filled in; ValueError for a placeholder other than {name}, {region}, {date}."""
    try:
        return template.format_map({"name": name, "region": region, "date": date})
    except (KeyError, ValueError, IndexError, AttributeError):
        raise ValueError("use only {name}, {region} and {date} as placeholders") from None


def _port(value: object) -> int:
    port = parse_whole(value)
    if port is None or not 0 < port < 65536:
        raise ValueError("a port number such as 587")
    return port


def _security(text: str) -> str:
    security = text.casefold()
    if security not in SECURITY:
        raise ValueError(f"use {', '.join(SECURITY)}")
    return security


@dataclass(frozen=True)
class Smtp:
    """The server to send through; `password` stays out of `repr` so it cannot leak into a log."""

    host: str
    port: int
    security: str
    user: str
    sender: str
    cafile: str
    timeout: int
    password: str = ""

    def __repr__(self) -> str:
        return f"Smtp({self.host}:{self.port}, {self.security}, user={self.user or '-'}, from={self.sender})"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_settings(mail: Mapping[str, object], environ: Mapping[str, str] | None = None) -> Smtp:
    """The SMTP settings from `mail.*` settings and the environment; `MailError` when incomplete."""
    env = os.environ if environ is None else environ
    host = str(_setting("host", mail, env) or "")
    if not host:
        raise MailError(f"no SMTP server: set {ENVIRONMENT['host']} (or mail.host in Settings or the config file)")
    sender = sender_address(mail, env)
    if not sender:
        raise MailError(f"no sender address: set {ENVIRONMENT['from']} (or mail.from in Settings or the config file)")
    security = str(_setting("security", mail, env) or "starttls")
    user = str(_setting("user", mail, env) or "")
    return Smtp(
        host=host,
        port=int(_setting("port", mail, env) or DEFAULT_PORTS[security]),  # type: ignore[call-overload]
        security=security,
        user=user,
        sender=sender,
        cafile=str(_setting("cafile", mail, env) or ""),
        timeout=int(mail.get("mail.timeout") or 60),  # type: ignore[call-overload]
        password=_password(user, env) if user else "",
    )


def sender_address(mail: Mapping[str, object], environ: Mapping[str, str] | None = None) -> str:
    """The From address: COMPLAINTS_MAIL_FROM, else mail.from, else the SMTP user if it is an address."""
    env = os.environ if environ is None else environ
    user = str(_setting("user", mail, env) or "")
    return str(_setting("from", mail, env) or (user if "@" in user else ""))


def _setting(name: str, mail: Mapping[str, object], env: Mapping[str, str]) -> object:
    """One setting: its environment variable when set (checked), else the `mail.<name>` setting."""
    variable = ENVIRONMENT.get(name)
    raw = env.get(variable, "").strip() if variable else ""
    if not raw:
        return mail.get(f"mail.{name}")
    try:
        return _port(raw) if name == "port" else _security(raw) if name == "security" else raw
    except ValueError as exc:
        raise MailError(f"{variable}={raw!r}: {exc}") from None


def _password(user: str, env: Mapping[str, str]) -> str:
    if env.get(PASSWORD_VARIABLE):
        return env[PASSWORD_VARIABLE]
    try:
        import keyring  # optional: pip install 'complaint-desk[keyring]'
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            stored = keyring.get_password(KEYRING_SERVICE, user)
        except Exception:  # noqa: BLE001 - a broken keyring backend is the same as no keyring here
            stored = None
        if stored:
            return str(stored)
    raise MailError(
        f"no password for SMTP user {user}: set {PASSWORD_VARIABLE}, or run "
        f"'keyring set {KEYRING_SERVICE} {user}' (pip install keyring)"
    )
