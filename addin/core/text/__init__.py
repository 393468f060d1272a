"""Every string people read, in English and Chinese, in one catalogue; values are filled in by `str.format`.

Keys are namespaced by where the text appears (`validation.title`, `flags.legend.due-soon`,
`problem.missing-column`, `alert.sent`, `note.no-scores`); an `Entry` is one string, a `Row`
a header row. Both languages of a key use the same placeholders (`tests/test_text.py`), and a
number that comes from a rule is a placeholder filled from the live settings, never written
into the text. The entries are in `sheets.py` and `messages.py`; this package imports nothing else
from addin, so any layer may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from addin.core.text.entry import LANGS, Entry, Row
from addin.core.text.messages import MESSAGES
from addin.core.text.sheets import SHEETS

__all__ = ["CATALOGUE", "LANGS", "Entry", "Message", "Row", "entry", "message", "template", "text", "texts"]

_CATALOGUE: dict[str, Entry | Row] = {**SHEETS, **MESSAGES}
CATALOGUE: Mapping[str, Entry | Row] = MappingProxyType(_CATALOGUE)
# Lookups by language, built once: `text()` runs for every flagged row of a 100k-row log.
_STRINGS = {lang: {k: v.of(lang) for k, v in _CATALOGUE.items() if isinstance(v, Entry)} for lang in LANGS}
_ROWS = {lang: {k: v.of(lang) for k, v in _CATALOGUE.items() if isinstance(v, Row)} for lang in LANGS}


@dataclass(frozen=True)
class Message:
    """A note or problem for the user as data: a catalogue key and its values, shown in either language.

    `str()` gives English (the command line, logs); a workbook's alert uses its language.
    """

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "en") -> str:
        return text(self.key, lang, **dict(self.values))

    def __str__(self) -> str:
        return self.text("en")


def message(key: str, **values: object) -> Message:
    """A `Message`; an unknown key is a `KeyError` here, where it is made, not where it is shown."""
    if key not in _STRINGS["en"]:
        raise KeyError(key)
    return Message(key, tuple(values.items()))


def entry(key: str) -> Entry:
    """The catalogue's string `key` in both languages; `KeyError` for an unknown key or a `Row`."""
    found = CATALOGUE[key]
    if not isinstance(found, Entry):
        raise KeyError(f"{key} is a row: use texts()")
    return found


def template(key: str, lang: str) -> str:
    """The string `key` in `lang` with its placeholders unfilled (for text filled in elsewhere)."""
    return _STRINGS[lang][key]


def text(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang`, its placeholders filled from `values`."""
    return _STRINGS[lang][key].format(**values)


def texts(key: str, lang: str) -> tuple[str, ...]:
    """The row `key` in `lang` (a table's header cells)."""
    return _ROWS[lang][key]
