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
from collections.abc import Mapping
from dataclasses import dataclass

from addin.core.setting_values import (
    KEYRING_SERVICE,
    PASSWORD_VARIABLE,
    port,
    security,
)
from addin.core.settings_table import default_of
from addin.core.text import template

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
ENVIRONMENT = {
    "host": "COMPLAINTS_SMTP_HOST",
    "port": "COMPLAINTS_SMTP_PORT",
    "security": "COMPLAINTS_SMTP_SECURITY",
    "user": "COMPLAINTS_SMTP_USER",
    "from": "COMPLAINTS_MAIL_FROM",
    "cafile": "COMPLAINTS_SMTP_CAFILE",
}


class MailError(Exception):
    """Mail could not be composed or sent; the message is one line a user understands."""


def default_subject(lang: str) -> str:
    return template("mail.subject", lang)


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
    security = str(_setting("security", mail, env))
    user = str(_setting("user", mail, env) or "")
    return Smtp(
        host=host,
        port=int(str(_setting("port", mail, env) or DEFAULT_PORTS[security])),
        security=security,
        user=user,
        sender=sender,
        cafile=str(_setting("cafile", mail, env) or ""),
        timeout=int(str(mail.get("mail.timeout", default_of("mail.timeout")))),
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
        return mail.get(f"mail.{name}", default_of(f"mail.{name}"))
    try:
        return port(raw) if name == "port" else security(raw) if name == "security" else raw
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
