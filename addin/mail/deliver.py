"""One workbook's summary e-mail, end to end: read, analyse, plan, then draft or send and log.

`deliver` is shared by `complaints email` (`addin.files.run.send_file`, a file on disk) and the
Excel **Email summary** button (the open workbook's grids). Neither raises for a mail
failure: what went, what was skipped and what failed come back as lines for the user.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from addin.core.job import Analysis
from addin.core.text import Message, message, text
from addin.mail.message import Outgoing, SentLog, save_eml, send_all
from addin.mail.plan import plan
from addin.mail.recipients import Recipients
from addin.mail.settings import MailError, Smtp, sender_address, smtp_settings


@dataclass(frozen=True)
class EmailJob:
    as_of: datetime
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str | None = None
    by_region: bool = False
    dry_run: bool = False
    resend: bool = False
    out: Path | None = None
    lang: str | None = None
    config: Path | None = None


@dataclass
class Sending:
    """What happened to one workbook's messages, as lines for the user in `lang` (the CLI's are English)."""

    name: str
    lang: str = "en"
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already sent today (the sent log)
    drafts: list[str] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        say = partial(text, lang=self.lang, name=self.name)
        return (
            [say("mail.sent", what=s) for s in self.sent]
            + [say("mail.skipped", what=s) for s in self.skipped]
            + [say("mail.draft", what=s) for s in self.drafts]
        )


def deliver(
    result: Analysis,
    recipients: Recipients,
    source: str,
    folder: Path,
    job: EmailJob,
    environ: Mapping[str, str] | None = None,
    lang: str = "en",
) -> Sending:
    """Draft or send the planned messages of one analysed workbook; the sent log lives in `folder`."""
    env = os.environ if environ is None else environ
    done = Sending(result.name, lang, notes=list(recipients.problems))
    mail = result.outcome.settings.mail
    smtp = None
    if not job.dry_run:
        try:
            smtp = smtp_settings(mail, env)
        except MailError as exc:
            done.failed.append(str(exc))
            return done
    sender = smtp.sender if smtp else sender_address(mail, env) or None
    try:
        planned = plan(
            result,
            recipients,
            source=source,
            to=job.to,
            cc=job.cc,
            subject=job.subject,
            by_region=job.by_region,
            sender=sender,
        )
    except MailError as exc:
        done.failed.append(str(exc))
        return done
    done.notes += planned.notes
    if not planned.messages:
        done.notes.append(message("note.nothing-to-send"))
    if smtp is None:
        for outgoing in planned.messages:
            name = outgoing.filename.removesuffix(".xlsx") + ".eml"
            done.drafts.append(f"{outgoing.label(lang)}: {save_eml(outgoing.message, folder / name)}")
    else:
        _send(smtp, planned.messages, SentLog(folder), job.resend, done)
    return done


def _send(smtp: Smtp, messages: list[Outgoing], log: SentLog, resend: bool, done: Sending) -> None:
    """Send what the sent log does not have yet (all with `resend`), recording each as it goes."""
    pending = []
    for outgoing in messages:
        when = log.sent_at(outgoing.key)
        if when and not resend:
            done.skipped.append(text("mail.sent-at", done.lang, what=outgoing.label(done.lang), when=when))
        else:
            pending.append(outgoing)

    def sent(outgoing: Outgoing) -> None:
        log.record(outgoing, done.name)
        done.sent.append(outgoing.label(done.lang))

    try:
        if pending:
            log.check()
        for outgoing, reason in send_all(smtp, pending, sent):
            done.failed.append(f"{outgoing.label(done.lang)}: {reason}")
    except MailError as exc:
        done.failed.append(str(exc))
