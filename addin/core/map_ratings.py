"""A survey's own rating columns, found by their values, proposed as its dimensions (`complaints map`).

Real surveys rarely ask our default dimensions (service skill, attitude, timeliness, parts,
overall): an airline review has seat comfort and cabin staff, a form has its own questions.
When some default dimension has no column, the columns no header took whose values are whole
numbers up to 5 or 10 become the proposed `dimensions` (with the defaults that were found), each
with its header as its name and the scale its values show. The proposal lists them; the user
edits the keys or drops a column that is no rating.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from addin.core.values import fold

MIN_VALUES = 5  # fewer answers say nothing about a column
MIN_DISTINCT = 3  # a 0/1 or yes/no column is no rating
_NUMBER = re.compile(r"^\d{1,3}(\.0+)?$")
_NOT_KEY = re.compile(r"[^a-z0-9]+")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SUFFIX = re.compile(r"_(rating|score|stars)$")


@dataclass(frozen=True)
class Dimension:
    """A proposed dimension: its key, the header it is read from and its highest rating."""

    key: str
    header: str
    scale: int
    new: bool  # not one of the default dimensions


def rating_scale(cells: list[object]) -> int | None:
    """5 or 10 when most values are whole numbers from 0 up to it, with a few distinct ones; else None."""
    numbers = [int(float(t)) for t in (fold(v) for v in cells) if _NUMBER.match(t) and float(t) <= 10]
    if len(numbers) < MIN_VALUES or len(numbers) < 0.8 * len(cells) or len(set(numbers)) < MIN_DISTINCT:
        return None
    top = max(numbers)
    if top < 4:
        return None
    return 5 if top <= 5 else 10


def dimension_key(header: str, index: int, taken: set[str]) -> str:
    """A settings key for a header: `seat_comfort_rating` -> `seat_comfort`; `q3` for one that is not ASCII."""
    key = _SUFFIX.sub("", _NOT_KEY.sub("_", header.casefold()).strip("_"))
    if not _KEY.match(key):
        key = f"q{index + 1}"
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}_{n}", n + 1
    taken.add(unique)
    return unique
