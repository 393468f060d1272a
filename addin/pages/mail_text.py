"""The e-mail body: a summary `Page` as plain text and as HTML, the same tables as the sheet.

Every value is formatted by its block's number format (`layout.NUMBER_FORMATS` names), so
the body reads like the sheet: 12.5%, 79.2, 2026-11-22 14:30. HTML is written with inline
styles (mail clients drop style sheets) and every value is escaped. The plain text lines up
its columns counting East Asian wide characters as two.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import datetime

from addin.core.values import clean_text
from addin.pages.page import HEADER_FILL, Block, Link, Page

_CELL = "padding:3px 8px;border:1px solid #BFBFBF;"
_NUMBER = "text-align:right;"


def formatted(value: object, number: str | None) -> str:
    """A cell as the sheet shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M") if number == "datetime" else clean_text(value)
        return clean_text(value)
    if number == "percent":
        return f"{value * 100:.1f}%"
    if number == "score":
        return f"{value:.1f}"
    return clean_text(value)


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cells(block: Block) -> list[list[str]]:
    return [
        [formatted(v, block.formats.get(c)) for c, v in enumerate(row)] + [""] * (block.width - len(row))
        for row in block.rows
    ]


def width(text: str) -> int:
    """Columns a text takes in a fixed-width font (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool) -> str:
    space = " " * (size - width(text))
    return space + text if right else text + space


def plain_text(page: Page, intro: str = "", outro: str = "") -> str:
    """The page as fixed-width text: title, subtitle, then each block under its caption."""
    lines = [page.title, page.subtitle, ""]
    if intro:
        lines += [intro, ""]
    for block in page.blocks:
        cells = _cells(block)
        table = ([block.header] if block.header else []) + cells
        right = [
            any(_numeric(row[c]) for row in block.rows if c < len(row)) for c in range(block.width)
        ]  # numbers line up on the right
        sizes = [max(width(row[c]) for row in table if c < len(row)) for c in range(block.width)]
        if block.caption:
            lines.append(block.caption)
        for i, row in enumerate(table):
            line = "  ".join(_pad(text, sizes[c], right[c] and i >= bool(block.header)) for c, text in enumerate(row))
            lines.append("  " + line.rstrip())
            if i == 0 and block.header:
                lines.append("  " + "  ".join("-" * s for s in sizes))
        lines.append("")
    if outro:
        lines.append(outro)
    return "\n".join(lines).rstrip() + "\n"


def html_body(page: Page, intro: str = "", outro: str = "") -> str:
    """The page as a small HTML document with inline styles; every value escaped."""
    e = html.escape
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>',
        '<body style="font-family:Calibri,Arial,sans-serif;font-size:14px;color:#222">',
        f'<h2 style="margin:0 0 4px 0">{e(page.title)}</h2>',
        f'<p style="color:#595959;margin:0 0 12px 0">{e(page.subtitle)}</p>',
    ]
    if intro:
        parts.append(f"<p>{e(intro)}</p>")
    for block in page.blocks:
        if block.caption:
            parts.append(f'<h3 style="margin:16px 0 4px 0;font-size:15px">{e(block.caption)}</h3>')
        parts.append('<table style="border-collapse:collapse">')
        if block.header:
            heads = "".join(f'<th style="{_CELL}background:#{HEADER_FILL}">{e(h)}</th>' for h in block.header)
            parts.append(f"<tr>{heads}</tr>")
        for r, (row, texts) in enumerate(zip(block.rows, _cells(block), strict=True)):
            tds = []
            for c, text in enumerate(texts):
                value = row[c] if c < len(row) else None
                style = _CELL + (_NUMBER if _numeric(value) else "")
                if (fill := block.fills.get((r, c))) is not None:
                    style += f"background:#{fill};"
                tds.append(f'<td style="{style}">{e(text)}</td>')
            parts.append(f"<tr>{''.join(tds)}</tr>")
        parts.append("</table>")
    if outro:
        parts.append(f'<p style="margin-top:16px">{e(outro)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
