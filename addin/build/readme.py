"""`python -m addin.build.readme`: rewrite the README's settings, limits and fields tables from their declarations.

Each table sits between two marker lines; `tests/test_settings_table.py` fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

from addin.core.settings_table import fields_markdown, markdown
from addin.files.limits import markdown as limits_markdown

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- settings table: made by python -m addin.build.readme from addin/core/settings_table.py -->"
END = "<!-- end of settings table -->"


LIMITS_BEGIN = "<!-- limits table: made by python -m addin.build.readme from addin/files/limits.py -->"
LIMITS_END = "<!-- end of limits table -->"
FIELDS_BEGIN = "<!-- fields table: made by python -m addin.build.readme from addin/core/schema.py and aliases.py -->"
FIELDS_END = "<!-- end of fields table -->"


def with_table(text: str) -> str:
    """The README text with its settings, limits and fields tables made anew."""
    tables = (
        (BEGIN, END, markdown),
        (LIMITS_BEGIN, LIMITS_END, limits_markdown),
        (FIELDS_BEGIN, FIELDS_END, fields_markdown),
    )
    for begin, end, table in tables:
        start, stop = text.index(begin) + len(begin), text.index(end)
        text = text[:start] + "\n" + table() + text[stop:]
    return text


def main() -> None:
    text = README.read_text(encoding="utf-8")
    README.write_text(with_table(text), encoding="utf-8")
    print(README)


if __name__ == "__main__":
    main()
