"""The two kinds of catalogue entry: one string (`Entry`) and a table's header row (`Row`), in both languages."""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("en", "zh")


@dataclass(frozen=True)
class Entry:
    """One display string (a `str.format` template) in both languages."""

    en: str
    zh: str

    def of(self, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: use {' or '.join(LANGS)}")
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Row:
    """A fixed row of cells (a table's header) in both languages, cell for cell."""

    en: tuple[str, ...]
    zh: tuple[str, ...]

    def of(self, lang: str) -> tuple[str, ...]:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: use {' or '.join(LANGS)}")
        return self.zh if lang == "zh" else self.en


# The end of every owned sheet's subtitle.
