"""The deadline clock per complaint: its response and resolution deadlines, and where it stands against them.

Deadlines run on the run's clock (`addin.core.calendar.Clock`: calendar or business time)
from the receipt; a recorded pause that starts before the resolution deadline moves it by
the pause's length.
"""

from __future__ import annotations

from enum import StrEnum

from addin.core.calendar import Clock
from addin.core.flag_log import FlagLog, Limits


class State(StrEnum):
    OVERDUE = "overdue"
    NO_RESPONSE = "no-first-response"
    DUE_SOON = "due-soon"
    ON_TIME = "on-time"
    RESOLVED_LATE = "resolved-late"
    RESOLVED_ON_TIME = "resolved-on-time"
    RESOLVED = "resolved"  # resolved or closed, but without a resolved time to judge it by
    UNKNOWN = "unknown"  # no valid receipt time at or before the as-of time: nothing to measure


OPEN_STATES = frozenset({State.OVERDUE, State.NO_RESPONSE, State.DUE_SOON, State.ON_TIME})


def deadlines(i: int, start: int, severity: str, log: FlagLog, limits: Limits, clock: Clock) -> tuple[int, int]:
    """The response and resolution deadlines of complaint `i` received at `start`, on the clock's seconds."""
    response_due, due = start + limits.response[severity], start + limits.resolution[severity]
    if (pause := log.pause(i)) is not None and clock.seconds(pause[0]) < due:
        due += clock.seconds(pause[1]) - clock.seconds(pause[0])
    return response_due, due


def standing(  # the per-row hot path: its context comes as plain arguments
    i: int,
    start: int,
    response_due: int,
    due: int,
    severity: str,
    log: FlagLog,
    limits: Limits,
    clock: Clock,
    now: int,
) -> tuple[State, int | None, list[str]]:
    """The complaint's state, how late it is (overdue or resolved late), and its deadline flags."""
    if log.done(i):
        resolved = log.resolved[i]
        if resolved is None:
            return State.RESOLVED, None, []
        if (finished := clock.seconds(resolved)) > due:
            return State.RESOLVED_LATE, finished - due, ["resolved-late"]
        return State.RESOLVED_ON_TIME, None, []
    responded = log.responded[i] is not None or not log.has_response
    overdue = now > due
    silent = not responded and now > response_due
    soon = not overdue and (
        now - (due - limits.resolution[severity]) >= limits.resolution_soon[severity]
        or (not responded and not silent and now - start >= limits.response_soon[severity])
    )
    flags = ["overdue"] if overdue else []
    if silent:
        flags.append("no-first-response")
    if soon:
        flags.append("due-soon")
    if overdue:
        return State.OVERDUE, now - due, flags
    return (State.NO_RESPONSE if silent else State.DUE_SOON if soon else State.ON_TIME), None, flags
