"""The workbook's Recipients table: which managers get which region's summary.

A sheet named `Recipients`/`收件人` (found by its name only, never by its headers, so a log
with customers' e-mail addresses cannot be taken for it) has a Region and an E-mail column and
lists one region per row with one or more addresses separated by `;`, `,` or line
breaks. A row whose region is `*`, `全部` or `All` receives the whole-company summary. Bad
addresses are reported, not guessed; a region listed twice gets the addresses of both rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from addin.core.problems import column_letter
from addin.core.schema import LOG_FIELDS, RECIPIENTS_SHEET_NAMES, Field, normalize
from addin.core.setting_values import is_address, split_addresses
from addin.core.table import best_header
from addin.core.text import Message, message
from addin.core.values import clean_text, fold

RECIPIENT_FIELDS = (
    next(f for f in LOG_FIELDS if f.key == "region"),  # the log's Region column, with the same aliases
    Field(
        "email",
        "E-mail",
        "邮箱",
        required=True,
        aliases=("电子邮件", "收件人邮箱", "邮件", "Email", "E-mail address", "Address", "Addresses", "Recipients"),
    ),
)
EVERYONE = frozenset(normalize(n) for n in ("*", "全部", "All", "All regions", "全部区域", "公司"))


@dataclass
class Recipients:
    """Addresses per region as written in the table (`whole` gets the whole-company summary)."""

    sheet: str | None = None
    regions: dict[str, list[str]] = field(default_factory=dict)  # region as written -> addresses
    whole: list[str] = field(default_factory=list)
    problems: list[Message] = field(default_factory=list)  # note.recipient-*: the cell and what is wrong

    def addresses(self, region: str) -> list[str]:
        """The addresses of a region of the log, matched as the log's regions are grouped (`fold`)."""
        wanted = fold(region)
        found = [a for name, addresses in self.regions.items() if fold(name) == wanted for a in addresses]
        return list(dict.fromkeys(found))


def find_recipients(sheets: Mapping[str, Sequence[Sequence[object]]]) -> Recipients:
    """The Recipients table of a workbook's grids; an empty `Recipients` when there is none."""
    named = {normalize(n) for n in RECIPIENTS_SHEET_NAMES}
    # By name only: a log with Region and customer E-mail columns must never become a mailing list.
    for sheet in (s for s in sheets if normalize(s) in named):
        candidate = best_header(sheet, sheets[sheet], RECIPIENT_FIELDS)
        if candidate is not None and len(candidate.columns) == len(RECIPIENT_FIELDS):
            return _read(sheet, sheets[sheet], candidate.header_row, candidate.columns)
    return Recipients()


def _read(sheet: str, grid: Sequence[Sequence[object]], header_row: int, columns: Mapping[str, int]) -> Recipients:
    found = Recipients(sheet)
    region_at, email_at = columns["region"], columns["email"]
    for number, row in enumerate(grid[header_row:], start=header_row + 1):
        region = clean_text(row[region_at]) if region_at < len(row) else ""
        text = clean_text(row[email_at]) if email_at < len(row) else ""
        if not region and not text:
            continue
        cell = f"{sheet}!{column_letter(email_at + 1)}{number}"
        if not region:
            found.problems.append(message("note.recipient-no-region", cell=cell))
            continue
        good: list[str] = []
        for address in split_addresses(text):
            if is_address(address):
                good.append(address)
            else:
                found.problems.append(message("note.recipient-bad-address", cell=cell, address=address))
        if not text:
            found.problems.append(message("note.recipient-no-address", cell=cell, region=region))
        if normalize(region) in EVERYONE:
            found.whole += good
        else:
            found.regions.setdefault(region, []).extend(good)
    found.whole = list(dict.fromkeys(found.whole))
    return found
