"""How sure a header text names a field: exact, a near miss (typo, plural, a longer question), or no match.

A header matches a field *exactly* when it folds (`addin.core.schema.normalize`: width, case,
spaces, underscores, camelCase joins, punctuation) to one of the field's names. Otherwise it
may be a *near miss*, with a confidence below 1:

* a plural or singular of a name (`Complaint IDs`, `Categories`): 0.95;
* a typo, by `difflib`'s ratio of the folded texts (`Complain ID` 0.95, `Catgory` 0.93);
* for a rating dimension, a longer header that contains one of its names of four letters or
  more (a form's question: `How satisfied are you with our service attitude?`): 0.85. Other
  fields are not looked for inside longer headers: `Customer type` is no customer name.

A near miss at `SURE` or above is used, and said in a sheet-level note (never silently): the
user can make it exact with `headers.<field>`. Below it, the header is not used; `complaints map`
still shows it as the closest field.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from addin.core.schema import Field, Kind, normalize

SURE = 0.85  # lowest confidence a near miss is used at (and reported)
CLOSEST = 0.6  # lowest confidence `complaints map` names as the closest field
PLURAL, CONTAINED = 0.95, 0.85
MIN_CONTAINED = 4  # a name shorter than this is never looked for inside a longer header
MAX_HEADER = 200  # longer texts are not headers


@dataclass(frozen=True)
class Match:
    """A header's best field and how sure: 1.0 exact, below 1 a near miss."""

    field: Field
    confidence: float
    name: str  # the field's name it resembles

    @property
    def exact(self) -> bool:
        return self.confidence >= 1


class Matcher:
    """Header texts matched against one table's fields (each distinct text once)."""

    def __init__(self, fields: Iterable[Field]) -> None:
        self.exact: dict[str, Field] = {}
        self.names: list[tuple[str, Field]] = []
        for f in fields:
            for name in f.all_names:
                folded = normalize(name)
                if folded and folded not in self.exact:
                    self.exact[folded] = f
                    self.names.append((folded, f))
        self.match = lru_cache(maxsize=4096)(self._match)

    def _match(self, text: str) -> Match | None:
        folded = normalize(text)
        if not folded or len(folded) > MAX_HEADER:
            return None
        if (f := self.exact.get(folded)) is not None:
            return Match(f, 1.0, folded)
        for variant in _number_variants(folded):
            if (f := self.exact.get(variant)) is not None:
                return Match(f, PLURAL, variant)
        best: Match | None = None
        for name, f in self.names:
            confidence = _resemblance(folded, name, f.kind is Kind.RATING)
            if confidence > (best.confidence if best else 0):
                best = Match(f, confidence, name)
        return best


def _number_variants(folded: str) -> tuple[str, ...]:
    """The singular and plural forms of an English header (`ids` -> `id`, `categories` -> `category`)."""
    if not folded.isascii():
        return ()
    variants = [folded + "s"]
    if folded.endswith("ies"):
        variants.append(folded[:-3] + "y")
    if folded.endswith("es"):
        variants.append(folded[:-2])
    if folded.endswith("s"):
        variants.append(folded[:-1])
    return tuple(variants)


def _resemblance(folded: str, name: str, rating: bool) -> float:
    """A typo's ratio, or `CONTAINED` for a longer header holding a rating's name; 0 when neither is close."""
    if rating and len(name) >= MIN_CONTAINED and len(folded) > len(name) and name in folded:
        return CONTAINED
    if min(len(folded), len(name)) < MIN_CONTAINED:
        return 0.0  # `ID` and `IP` are different words
    matcher = difflib.SequenceMatcher(None, folded, name)
    if matcher.real_quick_ratio() < CLOSEST or matcher.quick_ratio() < CLOSEST:
        return 0.0
    return round(matcher.ratio(), 2)
