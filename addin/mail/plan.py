"""From a processed workbook to the messages for managers: who gets which slice, with what attached.

Shared by `complaints email` and the Excel **Email summary** button. The whole-company summary
goes to `--to` and to the Recipients rows whose region is `*`/`全部`; with `by_region`, each
region of the log also gets its own slice (its Summary and its Flags) at the addresses the
Recipients table gives it. A region without addresses is reported, never sent elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from functools import partial

from addin.core.job import Analysis, summary_of
from addin.core.setting_values import subject_text
from addin.core.summary import Summary
from addin.core.text import Message, message, text
from addin.files.xlsx_writer import pages_bytes
from addin.mail.message import Outgoing, compose, sent_key
from addin.mail.recipients import Recipients
from addin.mail.settings import MailError, default_subject
from addin.pages.mail_text import html_body, plain_text
from addin.pages.plan import Output, Pages
from addin.pages.summary import summary_content

MAX_MESSAGE_MB = 25  # many mail servers refuse larger messages
MAX_ATTACHMENT = 18_000_000  # bytes before base64, which adds a third
ACTIONS_IN_MAIL = 25  # action rows in the body; the attachment lists up to summary.ACTIONS_LISTED
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass
class Plan:
    """The messages for one workbook, and what could not be addressed."""

    messages: list[Outgoing] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)


def grid_digest(sheets: Mapping[str, Sequence[Sequence[object]]]) -> str:
    """A workbook's content as read (the Excel button has no saved file to hash)."""
    digest = hashlib.sha256()
    for title, grid in sheets.items():
        digest.update(repr((title, [list(row) for row in grid])).encode())
    return digest.hexdigest()


def plan(
    result: Analysis,
    recipients: Recipients,
    *,
    source: str,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    subject: str | None = None,
    by_region: bool = False,
    sender: str | None = None,
    when: datetime | None = None,
) -> Plan:
    """The whole-company message and, with `by_region`, one per region that has recipients."""
    if result.summary is None:
        raise MailError(text("mail.no-log", "en"))
    settings = result.outcome.settings.mail
    template = subject or str(settings.get("mail.subject") or default_subject(result.outcome.lang))
    cc = [*cc, *(str(a) for a in settings.get("mail.cc", ()))]  # type: ignore[attr-defined]
    found = Plan()
    whole = list(dict.fromkeys([*to, *(recipients.whole if by_region else ())]))
    audiences: list[tuple[Summary, list[str]]] = [(result.summary, whole)] if whole else []
    if by_region:
        missing = []
        for region, _ in result.summary.regions:
            if not region:
                continue
            addresses = recipients.addresses(region)
            if addresses:
                audiences.append((summary_of(result, region), addresses))
            else:
                missing.append(region)
        if missing:
            found.notes.append(message("note.no-recipient", regions=", ".join(missing)))
    day = result.summary.as_of.date().isoformat()
    taken: set[str] = set()
    for summary, addresses in audiences:
        copies = [a for a in dict.fromkeys(cc) if a not in addresses]
        filename = _free_name(attachment_name(summary), taken)
        found.messages.append(
            Outgoing(
                summary.region,
                tuple(addresses),
                tuple(copies),
                sent_key(source, summary.region, addresses, copies, day),
                filename,
                partial(_message, result, summary, template, sender, addresses, copies, when, filename),
            )
        )
    return found


def attachment_name(summary: Summary) -> str:
    stem = summary.name.rsplit(".", 1)[0]
    if summary.region is None:
        return f"{stem}.summary.xlsx"
    return f"{stem}.summary.{_UNSAFE_NAME.sub('_', summary.region)}.xlsx"


def _free_name(name: str, taken: set[str]) -> str:
    """`name`, or `name` with `_2`, `_3`… before `.xlsx` when an earlier message has it in any letter case.

    Regions are grouped by `fold`, so two never differ by case alone; `A/B` and `A:B` still
    make the same file name, and on Windows and macOS one draft would replace the other.
    """
    stem, n, candidate = name.removesuffix(".xlsx"), 1, name
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}_{n}.xlsx"
    taken.add(candidate.casefold())
    return candidate


def subject_line(template: str, summary: Summary) -> str:
    """The subject of a summary's message; the template was checked where it was given."""
    date = summary.as_of.date().isoformat()
    line = subject_text(template, name=summary.name, region=summary.region or "", date=date)
    if summary.region is not None and "{region}" not in template:
        line += text("mail.subject-region", summary.lang, region=summary.region)
    return line


def bodies(
    summary: Summary, sheets: Sequence[str] = (), left_out: str | None = None, filename: str | None = None
) -> tuple[str, str]:
    """The plain-text and HTML bodies of a summary's message; `sheets` are the attachment's sheets,
    `left_out` a sheet dropped to keep the message small, `filename` the attachment's name."""
    lang = summary.lang
    page = summary_content(summary, actions=ACTIONS_IN_MAIL, owned=False)
    names = list(sheets) or [page.name]
    joined = text("mail.join", lang).join(names[:-1]) + text("mail.and", lang) + names[-1]
    intro = text(
        "mail.intro",
        lang,
        as_of=summary.as_of.strftime("%Y-%m-%d %H:%M"),
        region=text("mail.region", lang, region=summary.region) if summary.region else "",
        file=filename or attachment_name(summary),
        sheets=joined if len(names) > 1 else names[0],
    )
    more = summary.actions_total - min(ACTIONS_IN_MAIL, len(summary.actions))
    outro = [text("mail.more", lang, more=more)] if more > 0 else []
    if left_out:
        outro.append(text("mail.left-out", lang, sheet=left_out, mb=MAX_MESSAGE_MB))
    return plain_text(page, intro, " ".join(outro)), html_body(page, intro, " ".join(outro))


def _message(
    result: Analysis,
    summary: Summary,
    template: str,
    sender: str | None,
    to: Sequence[str],
    cc: Sequence[str],
    when: datetime | None,
    filename: str,
) -> EmailMessage:
    assert result.flags is not None
    pages = [planned.content(None) for planned in Pages(result).plan(Output.SUMMARY, summary)]
    attachment, left_out = pages_bytes(pages), None
    if len(attachment) > MAX_ATTACHMENT:  # the Flags list is what grows with the log
        left_out = pages.pop().name
        attachment = pages_bytes(pages)
    text, html = bodies(summary, [p.name for p in pages], left_out, filename)
    return compose(
        sender=sender,
        to=to,
        cc=cc,
        subject=subject_line(template, summary),
        text=text,
        html=html,
        attachment=attachment,
        filename=filename,
        when=when,
    )
