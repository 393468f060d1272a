"""`python -m addin.build.readme`: rewrite the README's settings table from `addin.core.settings_table`.

The table sits between two marker lines; `tests/test_settings_table.py` fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

from addin.core.settings_table import markdown

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- settings table: made by python -m addin.build.readme from addin/core/settings_table.py -->"
END = "<!-- end of settings table -->"


def with_table(text: str) -> str:
    """The README text with its settings table made anew."""
    start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + markdown() + text[stop:]


def main() -> None:
    text = README.read_text(encoding="utf-8")
    README.write_text(with_table(text), encoding="utf-8")
    print(README)


if __name__ == "__main__":
    main()
