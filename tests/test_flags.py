"""The flag rules on logs built in code: each rule at and around its boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from addin.core.flags import Assessment, FlagReport, State, assess
from addin.core.settings import Entry, build_settings
from addin.core.validate import Parsed

AS_OF = datetime(2026, 11, 20, 12)  # a Friday
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)


def complaint(**fields: object) -> dict[str, object]:
    received = fields.get("received_at", AS_OF - HOUR)
    row: dict[str, object] = {
        "received_at": received,
        "customer_id": "C1",
        "region": "East",
        "category": "customer_service",
        "subject": None,
        "severity": "general",
        "status": "in_progress",
        "owner": "Li Na",
        "first_response_at": received + MINUTE if isinstance(received, datetime) else None,
        "resolved_at": None,
        "complainants": 1,
        "legal": False,
        "media": False,
        "paused_at": None,
        "resumed_at": None,
    }
    row.update(fields)
    return row


def resolved(at: datetime, **fields: object) -> dict[str, object]:
    return complaint(status="resolved", resolved_at=at, **fields)


def run(
    *rows: dict[str, object], as_of: datetime = AS_OF, business: bool | None = None, **settings: object
) -> FlagReport:
    keys = sorted({k for r in rows for k in r})
    values = {k: [r.get(k) for r in rows] for k in keys}
    values["complaint_id"] = [r.get("complaint_id", f"T{n}") for n, r in enumerate(rows, start=1)]
    parsed = Parsed("Log", list(range(2, len(rows) + 2)), values)
    built, problems = build_settings([Entry(k.replace("__", "."), v) for k, v in settings.items()])
    assert not problems, problems
    return assess(parsed, built, as_of=as_of, business=business)


def one(*rows: dict[str, object], **kwargs: object) -> Assessment:
    return run(*rows, **kwargs).assessments[-1]  # type: ignore[arg-type]


# --- deadlines and states -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "response", "resolution"),
    [
        ("general", 24 * HOUR, 7 * DAY),
        ("important", 24 * HOUR, 7 * DAY),
        ("hot", 2 * HOUR, 7 * DAY),
        ("major", 2 * HOUR, 7 * DAY),
    ],
)
def test_default_deadlines_per_severity(severity: str, response: timedelta, resolution: timedelta) -> None:
    start = AS_OF - 10 * MINUTE
    a = one(complaint(received_at=start, severity=severity))
    assert (a.response_due, a.resolution_due) == (start + response, start + resolution)


def test_deadlines_come_from_settings() -> None:
    start = AS_OF - 10 * MINUTE
    a = one(
        complaint(received_at=start, severity="hot"),
        deadline__response_hours__hot="0.5",
        deadline__resolution_days__hot="3",
    )
    assert (a.response_due, a.resolution_due) == (start + 30 * MINUTE, start + 3 * DAY)


@pytest.mark.parametrize(
    ("age", "state", "late"),
    [
        (7 * DAY - MINUTE, State.DUE_SOON, None),
        (7 * DAY, State.DUE_SOON, None),  # exactly at the deadline: not yet past it
        (7 * DAY + MINUTE, State.OVERDUE, 60),
        (9 * DAY + 3 * HOUR + 10 * MINUTE, State.OVERDUE, (2 * DAY + 3 * HOUR + 10 * MINUTE).total_seconds()),
    ],
)
def test_overdue_at_the_seven_day_boundary(age: timedelta, state: State, late: float | None) -> None:
    a = one(complaint(received_at=AS_OF - age))
    assert (a.state, a.late_seconds) == (state, late)
    assert ("overdue" in a.flags) is (state is State.OVERDUE)


def test_overdue_text_says_days_and_hours() -> None:
    from addin.pages.flags import state_text

    a = one(complaint(received_at=AS_OF - 9 * DAY - 3 * HOUR - 10 * MINUTE))
    assert state_text(a, "en") == "Overdue by 2 days 3 hours"
    assert state_text(a, "zh") == "超期 2 天 3 小时"


@pytest.mark.parametrize(
    ("used", "state"),
    [(timedelta(days=5, hours=6) - MINUTE, State.ON_TIME), (timedelta(days=5, hours=6), State.DUE_SOON)],
)
def test_due_soon_at_75_percent_of_the_allowed_time(used: timedelta, state: State) -> None:
    assert one(complaint(received_at=AS_OF - used)).state is state


def test_due_soon_share_from_settings() -> None:
    assert one(complaint(received_at=AS_OF - 4 * DAY), deadline__due_soon="50%").state is State.DUE_SOON


@pytest.mark.parametrize(
    ("took", "state", "flagged"),
    [(7 * DAY, State.RESOLVED_ON_TIME, False), (7 * DAY + MINUTE, State.RESOLVED_LATE, True)],
)
def test_resolved_late_only_after_the_deadline(took: timedelta, state: State, flagged: bool) -> None:
    start = AS_OF - 20 * DAY
    a = one(resolved(start + took, received_at=start))
    assert a.state is state
    assert ("resolved-late" in a.flags) is flagged


@pytest.mark.parametrize(
    ("severity", "age", "flagged"),
    [("general", 24 * HOUR, False), ("general", 24 * HOUR + MINUTE, True), ("hot", 2 * HOUR + MINUTE, True)],
)
def test_no_first_response_past_its_due_time(severity: str, age: timedelta, flagged: bool) -> None:
    a = one(complaint(received_at=AS_OF - age, severity=severity, first_response_at=None))
    assert ("no-first-response" in a.flags) is flagged
    if flagged:
        assert a.state is State.NO_RESPONSE
    responded = one(complaint(received_at=AS_OF - age, severity=severity))
    assert "no-first-response" not in responded.flags


def test_response_clock_can_make_a_complaint_due_soon() -> None:
    a = one(complaint(received_at=AS_OF - 90 * MINUTE, severity="hot", first_response_at=None))
    assert a.state is State.DUE_SOON  # 75% of the 2-hour response time used


# --- pause ----------------------------------------------------------------------------------


def test_a_recorded_pause_moves_the_resolution_deadline() -> None:
    start = AS_OF - 9 * DAY
    paused = complaint(received_at=start, paused_at=start + DAY, resumed_at=start + 6 * DAY)
    a = one(paused)
    assert a.resolution_due == start + 12 * DAY
    assert a.state is State.ON_TIME


@pytest.mark.parametrize(
    "pause",
    [
        {"paused_at": AS_OF - 8 * DAY},  # only the start: an open pause does not count
        {"resumed_at": AS_OF - 3 * DAY},  # only the end
        {"paused_at": AS_OF - DAY, "resumed_at": AS_OF},  # began after the deadline had passed
        {"paused_at": AS_OF - 8 * DAY, "resumed_at": AS_OF + DAY},  # ends after the as-of time: not yet
    ],
)
def test_a_pause_without_both_ends_or_after_the_deadline_does_not_count(pause: dict[str, object]) -> None:
    a = one(complaint(received_at=AS_OF - 9 * DAY, **pause))
    assert a.state is State.OVERDUE
    assert a.resolution_due == AS_OF - 2 * DAY


# --- repeats, secondary complaints, clusters -----------------------------------------------------


@pytest.mark.parametrize(("gap", "repeat"), [(29, True), (30, True), (31, False)])
def test_repeat_within_thirty_days_of_receipt(gap: int, repeat: bool) -> None:
    earlier = complaint(received_at=AS_OF - (gap + 1) * DAY, complaint_id="A")
    later = complaint(received_at=AS_OF - DAY, complaint_id="B")
    a = one(earlier, later)
    assert ("repeat" in a.flags) is repeat
    assert a.repeat_of == ((0,) if repeat else ())


def test_repeat_names_the_earlier_complaints_and_counts_them() -> None:
    report = run(
        complaint(received_at=AS_OF - 25 * DAY),
        complaint(received_at=AS_OF - 10 * DAY),
        complaint(received_at=AS_OF - 10 * DAY, category="sales_management"),  # another matter
        complaint(received_at=AS_OF - 10 * DAY, customer_id="C2"),  # another customer
        complaint(received_at=AS_OF - DAY),
    )
    first, second, *_, third = report.assessments
    assert (first.repeat_count, "repeat" in first.flags) == (1, False)
    assert (second.repeat_of, second.repeat_count) == ((0,), 2)
    assert (third.repeat_of, third.repeat_count) == ((0, 1), 3)  # the 3rd in 30 days
    assert [a.repeat_count for a in report.assessments[2:4]] == [1, 1]


def test_window_length_from_settings() -> None:
    rows = (complaint(received_at=AS_OF - 9 * DAY), complaint(received_at=AS_OF - DAY))
    assert "repeat" in one(*rows).flags
    assert "repeat" not in one(*rows, repeat__window_days="7").flags


@pytest.mark.parametrize(
    ("earlier_resolved", "secondary"),
    [(AS_OF - 6 * DAY, True), (AS_OF - 5 * DAY, True), (AS_OF - 4 * DAY, False)],
)
def test_secondary_when_the_earlier_one_was_resolved_before(earlier_resolved: datetime, secondary: bool) -> None:
    earlier = resolved(earlier_resolved, received_at=AS_OF - 8 * DAY)
    later = complaint(received_at=AS_OF - 5 * DAY)
    a = one(earlier, later)
    assert "repeat" in a.flags
    assert ("secondary" in a.flags) is secondary
    assert (a.suggested == "important") is secondary


def test_closed_earlier_complaint_also_makes_a_secondary_one() -> None:
    earlier = complaint(received_at=AS_OF - 8 * DAY, status="closed", resolved_at=AS_OF - 7 * DAY)
    assert "secondary" in one(earlier, complaint(received_at=AS_OF - DAY)).flags


def _same_matter(customer: str, days_ago: float) -> dict[str, object]:
    return complaint(received_at=AS_OF - days_ago * DAY, customer_id=customer, subject="HX-9 lift")


@pytest.mark.parametrize(
    ("rows", "members"),
    [
        ([("C1", 20), ("C2", 10)], ()),  # two customers
        ([("C1", 20), ("C2", 10), ("C3", 1)], (0, 1, 2)),  # three within 30 days
        ([("C1", 32), ("C2", 10), ("C3", 1)], ()),  # the first is 31 days before the last: outside
        ([("C1", 32), ("C2", 10), ("C3", 1), ("C4", 1)], (1, 2, 3)),
        ([("C1", 20), ("C1", 10), ("C1", 1)], ()),  # one customer three times is a repeat, not a cluster
        ([("C1", 30), ("C2", 15), ("C3", 0.5)], (0, 1, 2)),  # exactly 30 days (dates of receipt)
    ],
)
def test_cluster_needs_three_customers_within_thirty_days(
    rows: list[tuple[str, float]], members: tuple[int, ...]
) -> None:
    report = run(*(_same_matter(c, d) for c, d in rows))
    found = [a.index for a in report.assessments if "cluster" in a.flags]
    assert tuple(found) == members
    if members:
        (cluster,) = report.clusters
        assert cluster.members == members and cluster.customers == len({rows[i][0] for i in members})
        assert all(
            "cluster" in report.assessments[i].rules or report.assessments[i].suggested == "major" for i in members
        )


def test_different_subjects_or_blank_subjects_make_no_cluster() -> None:
    rows = [_same_matter(c, d) for c, d in (("C1", 3), ("C2", 2), ("C3", 1))]
    rows[2]["subject"] = "KX-200 AC"
    assert not run(*rows).clusters
    rows[2]["subject"] = None
    assert not run(*rows).clusters


def test_subject_spelling_is_folded_and_clusters_are_separate_runs() -> None:
    rows = [_same_matter(c, d) for c, d in (("C1", 80), ("C2", 79), ("C3", 78), ("C4", 3), ("C5", 2), ("C6", 1))]
    rows[1]["subject"] = "hx-9 LIFT "
    report = run(*rows)
    assert [c.members for c in report.clusters] == [(0, 1, 2), (3, 4, 5)]
    assert [c.id for c in report.clusters] == ["C1", "C2"]


def test_cluster_size_from_settings() -> None:
    rows = [_same_matter(c, d) for c, d in (("C1", 3), ("C2", 2))]
    assert not run(*rows).clusters
    assert run(*rows, cluster__min_customers="2").clusters


# --- suggested severity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "suggested", "rules"),
    [
        ({"complainants": 2}, "general", ()),
        ({"complainants": 3}, "hot", ("complainants-hot",)),
        ({"complainants": 9}, "hot", ("complainants-hot",)),
        ({"complainants": 10}, "major", ("complainants-major",)),
        ({"legal": True}, "major", ("legal",)),
        ({"media": True, "legal": True}, "major", ("legal", "media")),
        ({"status": "reopened"}, "important", ("reopened",)),
        ({"received_at": AS_OF - 7 * DAY + MINUTE}, "general", ()),
        ({"received_at": AS_OF - 7 * DAY}, "hot", ("unresolved-hot",)),  # still open exactly a week later
        ({"received_at": AS_OF - 30 * DAY + MINUTE}, "hot", ("unresolved-hot",)),
        ({"received_at": AS_OF - 30 * DAY}, "major", ("unresolved-major",)),
    ],
)
def test_suggested_severity_and_its_rule(fields: dict[str, object], suggested: str, rules: tuple[str, ...]) -> None:
    a = one(complaint(**fields))
    assert (a.suggested, a.rules) == (suggested, rules)
    assert ("under-graded" in a.flags) is (suggested != "general")


@pytest.mark.parametrize(("took", "suggested"), [(7 * DAY, "general"), (7 * DAY + MINUTE, "hot")])
def test_resolved_exactly_a_week_after_receipt_was_resolved_within_it(took: timedelta, suggested: str) -> None:
    start = AS_OF - 20 * DAY
    assert one(resolved(start + took, received_at=start)).suggested == suggested


def test_a_recorded_pause_does_not_count_towards_escalation() -> None:
    start = AS_OF - 8 * DAY
    a = one(complaint(received_at=start, paused_at=start + DAY, resumed_at=start + 3 * DAY))
    assert a.suggested == "general"  # unresolved 8 days, 2 of them waiting on the customer


@pytest.mark.parametrize(
    ("recorded", "flagged"), [("general", True), ("important", True), ("hot", False), ("major", False)]
)
def test_under_graded_only_when_recorded_lower(recorded: str, flagged: bool) -> None:
    assert ("under-graded" in one(complaint(severity=recorded, complainants=5)).flags) is flagged


def test_thresholds_from_settings() -> None:
    a = one(complaint(complainants=5), severity__major_complainants="5")
    assert (a.suggested, a.rules) == ("major", ("complainants-major",))
    assert one(complaint(received_at=AS_OF - 3 * DAY), severity__hot_after_days="3").suggested == "hot"


def test_blank_severity_uses_the_suggested_one_for_its_deadlines() -> None:
    start = AS_OF - 10 * MINUTE
    a = one(complaint(received_at=start, severity=None, complainants=4))
    assert (a.recorded, a.suggested, a.response_due) == (None, "hot", start + 2 * HOUR)
    assert "under-graded" not in a.flags


# --- the as-of time ---------------------------------------------------------------------------


def test_same_as_of_same_answer_and_later_events_have_not_happened_yet() -> None:
    start = datetime(2026, 11, 1, 9)
    rows = (
        resolved(start + 9 * DAY, received_at=start, first_response_at=start + 30 * HOUR),
        complaint(received_at=start + 12 * DAY),
    )
    assert run(*rows, as_of=start + 8 * DAY).assessments == run(*rows, as_of=start + 8 * DAY).assessments
    before, not_yet = run(*rows, as_of=start + 8 * DAY).assessments
    assert before.state is State.OVERDUE and "no-first-response" not in before.flags  # responded 30 h in
    assert not_yet.state is State.UNKNOWN and not not_yet.flags  # received after the as-of time
    early = run(*rows, as_of=start + 25 * HOUR).assessments[0]
    assert early.flags == ("no-first-response",)
    late = run(*rows, as_of=start + 20 * DAY).assessments[0]
    assert late.state is State.RESOLVED_LATE


def test_rows_without_a_valid_receipt_are_not_judged() -> None:
    a = one(complaint(received_at=None, first_response_at=None))
    assert (a.state, a.flags, a.resolution_due) == (State.UNKNOWN, (), None)


def test_flagged_list_is_sorted_by_urgency() -> None:
    report = run(
        complaint(received_at=AS_OF - 95 * MINUTE, complaint_id="soon", severity="hot", first_response_at=None),
        complaint(received_at=AS_OF - 8 * DAY, complaint_id="late-1d"),
        complaint(received_at=AS_OF - 20 * DAY, complaint_id="late-13d"),
        complaint(received_at=AS_OF - 3 * DAY, complaint_id="silent", first_response_at=None),
        complaint(received_at=AS_OF - 8 * DAY, complaint_id="late-major", legal=True),
        resolved(AS_OF - 2 * DAY, received_at=AS_OF - 12 * DAY, complaint_id="closed-late"),
    )
    ids = report.parsed.column("complaint_id")
    order = [ids[a.index] for a in report.flagged()]
    # overdue (major first, then longest overdue), no first response, due soon, then closed ones
    assert order == ["late-major", "late-13d", "late-1d", "silent", "soon", "closed-late"]
    assert report.counts()["overdue"] == 3
