"""Row checks on the complaint log and the survey: times in order, pauses, duplicates, answers.

Each check reads the parsed columns (`addin.core.validate_columns`) and adds problems; none
raises for bad data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import cast

from addin.core.problems import cell_ref
from addin.core.schema import DONE_STATUSES, NOT_DONE_STATUSES, Field
from addin.core.table import Table
from addin.core.validate_columns import Checked, Context, column_values, parse_column
from addin.core.values import clean_text, fold

MAX_OTHERS_NAMED = 5


def _before(later: datetime, earlier: datetime) -> bool:
    """`later < earlier`, at day precision when either side carries no time of day."""
    if later.time() == datetime.min.time() or earlier.time() == datetime.min.time():
        return later.date() < earlier.date()
    return later < earlier


def _future(checked: Checked, keys: Sequence[str], ctx: Context, header: Callable[[str], str]) -> None:
    as_of = clean_text(ctx.as_of)
    for key in keys:
        moments = cast("Sequence[datetime | None]", checked.values.get(key, ()))  # DATE fields parse to datetimes
        for i, moment in enumerate(moments):
            if moment is not None and moment > ctx.as_of:
                checked.problem("future-date", i, key, moment, header=header(key), as_of=as_of)


def _duplicates(checked: Checked, key: str, code: str, header: str) -> None:
    seen: dict[str, list[int]] = defaultdict(list)
    keys = [  # fold(), inlined for the common ASCII case: this runs once per row
        v.strip().casefold() if v.__class__ is str and v.isascii() else None if v is None else fold(v)
        for v in checked.values.get(key, [])
    ]
    repeated = {k for k, n in Counter(keys).items() if n > 1 and k is not None}
    for i, k in enumerate(keys):
        if k in repeated:
            seen[k].append(i)
    column = checked.table.column_of(key)
    for indexes in seen.values():
        refs = [cell_ref(checked.table.sheet, checked.table.rows[i][0], column) for i in indexes]
        for i, ref in zip(indexes, refs, strict=True):
            others = [r for r in refs if r != ref]
            named = ", ".join(others[:MAX_OTHERS_NAMED])
            if len(others) > MAX_OTHERS_NAMED:
                named += f" (+{len(others) - MAX_OTHERS_NAMED})"
            checked.problem(code, i, key, checked.values[key][i], header=header, others=named)


# Times that cannot come before the receipt, and the problem when one does.
_AFTER_RECEIPT = (
    ("resolved_at", "resolved-before-received"),
    ("first_response_at", "response-before-received"),
    ("paused_at", "pause-before-received"),
)


def check_log(table: Table, ctx: Context) -> Checked:
    checked = Checked(table, problems=table.header_problems())
    fields = {f.key: f for f in table.fields}
    for f in table.fields:
        parse_column(checked, f, ctx)
    v, n = checked.values, len(table.rows)

    def column(key: str) -> list[object]:
        return v.get(key) or [None] * n

    def header(key: str) -> str:
        return fields[key].header(ctx.lang)

    _future(checked, ("received_at", "first_response_at", "resolved_at", "paused_at", "resumed_at"), ctx, header)
    received, resolved, status = _dates(column("received_at")), column("resolved_at"), column("status")
    after_receipt = [(key, code, _dates(column(key))) for key, code in _AFTER_RECEIPT]
    status_field = fields["status"]
    has_resolved = "resolved_at" in table.columns  # without the column: one note (`column_notes`), no row problems
    for i in range(n):
        start = received[i]
        if start is not None and (i, "received_at") not in checked.flagged:  # a future date explains the rest
            for key, code, moments in after_receipt:
                if (moment := moments[i]) is not None and _before(moment, start):
                    checked.problem(code, i, key, moment, received=clean_text(start))
        state = status[i]
        unrecorded = has_resolved and resolved[i] is None and (i, "resolved_at") not in checked.flagged
        if state in DONE_STATUSES and unrecorded:
            checked.problem("resolved-without-time", i, "status", _label(ctx, status_field, state))
        elif state in NOT_DONE_STATUSES and resolved[i] is not None:
            checked.problem(
                "open-with-resolved-time",
                i,
                "status",
                _label(ctx, status_field, state),
                resolved=clean_text(resolved[i]),
            )
    _pauses(checked, column, header)
    _duplicates(checked, "complaint_id", "duplicate-id", header("complaint_id"))
    return checked


def _pauses(checked: Checked, column: Callable[[str], list[object]], header: Callable[[str], str]) -> None:
    """A pause's end must follow its start; one recorded end alone is a warning (after receipt: `check_log`).

    An ongoing pause (status waiting on customer, start recorded, no end yet) is normal and not
    reported, though it does not stop the clock either (DOMAIN.md: both ends must be recorded).
    """
    if "paused_at" not in checked.values and "resumed_at" not in checked.values:
        return
    paused, resumed, status = _dates(column("paused_at")), _dates(column("resumed_at")), column("status")
    for i, (since, until) in enumerate(zip(paused, resumed, strict=True)):
        if since is not None and until is not None and _before(until, since):
            checked.problem("pause-end-before-start", i, "resumed_at", until, paused=clean_text(since))
        elif since is None and until is not None and (i, "paused_at") not in checked.flagged:
            checked.problem("pause-incomplete", i, "resumed_at", until, header=header("resumed_at"))
        elif until is None and since is not None and status[i] != "waiting":
            if (i, "resumed_at") not in checked.flagged:
                checked.problem("pause-incomplete", i, "paused_at", since, header=header("paused_at"))


def _dates(column: list[object]) -> list[datetime | None]:
    """A parsed date column: a DATE field parses to datetimes (`addin.core.values.parse_date`)."""
    return cast(list[datetime | None], column)


def _label(ctx: Context, f: Field, key: object) -> str:
    labels = {lab.key: lab for lab in ctx.vocabularies[f.enum or ""].labels}
    return labels[key].text(ctx.lang) if key in labels else str(key)


def check_survey(table: Table, ctx: Context) -> Checked:
    checked = Checked(table, problems=table.header_problems())
    dimensions = [d for d in ctx.settings.dimensions if d.key in table.columns]
    if not dimensions:
        names = " / ".join(d.header(ctx.lang) for d in ctx.settings.dimensions)
        checked.problem("missing-column", -1, None, "", header=names, header_row=str(table.header_row))
    for f in table.fields:
        parse_column(checked, f, ctx)
    header = {f.key: f.header(ctx.lang) for f in table.fields}
    _future(checked, ("surveyed_at",), ctx, header.__getitem__)
    if dimensions:
        ratings = [checked.values[d.key] for d in dimensions]
        raws = [column_values(table, d.key) for d in dimensions]
        for i in range(len(table.rows)):
            if all(r[i] is None for r in ratings) and all(ctx.blank(r[i]) for r in raws):
                checked.problem("no-rating", i, None, "")
    if "response_id" in header:
        _duplicates(checked, "response_id", "duplicate-response-id", header["response_id"])
    return checked
