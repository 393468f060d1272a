"""A sheet's notes: its comments part and the VML drawing that shows them, edited by splicing.

A note is two things in a package: a `<comment>` in `xl/commentsN.xml` (its text and author)
and a `<v:shape>` of `ObjectType="Note"` in the sheet's legacy VML drawing (where its box is
drawn). Ours are written with the author `Complaint Desk`; taking a note back removes both
its comment and its shape and nothing else. A user's notes, threaded comments (whose legacy
comment's author is `tc=…`), form controls and buttons in the same VML drawing are kept as
the bytes they are. New shapes get ids past every id in the drawing, inside `o:idmap` blocks
of 1024 that no other drawing of the package uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from xml.sax.saxutils import escape

from addin.core.problems import column_letter
from addin.files.package import FileError, column_number
from addin.files.styles_xml import attributes

Cell = tuple[int, int]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
VML_NAMESPACES = (
    b'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    b'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)
NOTE_TYPE = (
    b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    b'<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
NOTE_SIZE = (320, 120)  # points: room for a few problem lines
_COMMENT = re.compile(rb"<(?:[\w.-]+:)?comment\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?comment>)", re.S)
_SHAPE = re.compile(rb"<v:shape\b(?:(?!<v:shape\b).)*?</v:shape>", re.S)
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_ROW_COLUMN = re.compile(rb"<x:Row>\s*(\d+)\s*</x:Row>\s*<x:Column>\s*(\d+)\s*</x:Column>", re.S)


@dataclass
class Notes:
    """One sheet's notes: what is there, and the two parts with our changes."""

    comments: bytes | None  # the comments part, None when the sheet has none
    vml: bytes | None  # its legacy VML drawing, None when it has none
    authors: dict[Cell, str] = field(default_factory=dict)  # every noted cell -> its author
    added: dict[Cell, tuple[str, str]] = field(default_factory=dict)  # cell -> (text, author)
    removed: set[Cell] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.comments is not None:
            names = _names(self.comments)
            for comment in _COMMENT.findall(self.comments):
                attrs = attributes(comment[: comment.find(b">")])
                cell = _cell(attrs.get("ref", ""))
                number = int(attrs.get("authorId", "0") or 0)
                if cell is not None:
                    self.authors[cell] = names[number] if 0 <= number < len(names) else ""

    def note(self, cell: Cell, text: str | None, author: str) -> None:
        """Give `cell` a note (replacing one of ours), or take its note away (`text` None)."""
        if text is None:
            self.added.pop(cell, None)
            if cell in self.authors:
                self.removed.add(cell)
            return
        if cell in self.authors:
            self.removed.add(cell)
        self.added[cell] = (text, author)

    def current(self, cells: list[Cell]) -> dict[Cell, str]:
        """The author of each cell's note as things stand (after this run's changes so far)."""
        found = {}
        for cell in cells:
            if cell in self.added:
                found[cell] = self.added[cell][1]
            elif cell in self.authors and cell not in self.removed:
                found[cell] = self.authors[cell]
        return found

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def empty(self) -> bool:
        """No note is left (the comments part can go)."""
        return not self.added and all(cell in self.removed for cell in self.authors)

    def comments_saved(self) -> bytes:
        """The comments part with our changes; a new one when the sheet had none."""
        source = (
            self.comments
            or (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}">'
                "<authors/><commentList/></comments>"
            ).encode()
        )
        root = re.search(rb"<([\w.-]+:)?comments\b", source)
        p = (root.group(1) or b"") if root else b""
        names = _names(source)
        kept = [
            c
            for c in _COMMENT.findall(source)
            if _cell(attributes(c[: c.find(b">")]).get("ref", "")) not in self.removed
        ]
        for author in dict.fromkeys(author for _, author in self.added.values()):
            if author not in names:
                names.append(author)
        made = [_comment(p, cell, text, names.index(author)) for cell, (text, author) in sorted(self.added.items())]
        return _with_list(_with_authors(source, p, names), p, kept + made)

    def vml_saved(self, block: int) -> bytes:
        """The VML drawing with our shapes; a new drawing (shape ids in idmap `block`) when there was none."""
        source = self.vml or (
            b"<xml "
            + VML_NAMESPACES
            + b'><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="'
            + str(block).encode()
            + b'"/></o:shapelayout>'
            + NOTE_TYPE
            + b"</xml>"
        )
        source = _SHAPE.sub(lambda m: b"" if _shape_cell(m.group()) in self.removed else m.group(), source)
        if not self.added:
            return source
        if b'id="_x0000_t202"' not in source:
            source = _before_end(source, NOTE_TYPE)
        ids = [int(i) for i in _SHAPE_ID.findall(source)]
        own = idmap_blocks(source)
        first = max([(min(own) if own else block) * 1024, *ids]) + 1
        shapes = b"".join(_shape(first + i, cell) for i, cell in enumerate(sorted(self.added)))
        source = _with_blocks(source, first, first + len(self.added))
        return _before_end(source, shapes)


def idmap_blocks(vml: bytes) -> set[int]:
    """The shape id blocks (of 1024) a VML drawing claims in its `o:idmap`."""
    found: set[int] = set()
    for data in re.findall(rb"""<o:idmap\b[^>]*?\sdata\s*=\s*["']([^"']*)["']""", vml):
        found.update(int(n) for n in re.findall(rb"\d+", data))
    return found


def _with_blocks(vml: bytes, first: int, last: int) -> bytes:
    """Make the drawing's idmap claim the blocks of shape ids first..last."""
    needed = set(range(first // 1024, last // 1024 + 1)) - idmap_blocks(vml)
    if not needed:
        return vml
    found = re.search(rb"""(<o:idmap\b[^>]*?\sdata\s*=\s*["'])([^"']*)(["'])""", vml)
    if found is None:
        return vml
    data = found.group(2) + b"," + b",".join(str(n).encode() for n in sorted(needed))
    return vml[: found.start(2)] + data.lstrip(b",") + vml[found.end(2) :]


def _before_end(vml: bytes, added: bytes) -> bytes:
    end = vml.rfind(b"</xml>")
    if end < 0:
        raise FileError("corrupt: a VML drawing does not end its xml element")
    return vml[:end] + added + vml[end:]


def _names(source: bytes) -> list[str]:
    found = re.search(rb"<(?:[\w.-]+:)?authors\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?authors>)", source, re.S)
    body = (found.group(1) or b"") if found else b""
    return [
        _text(t) for t in re.findall(rb"<(?:[\w.-]+:)?author\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?author>)", body, re.S)
    ]


def _with_authors(source: bytes, p: bytes, names: list[str]) -> bytes:
    if names == _names(source):
        return source
    tag = p.decode() + "author"
    body = "".join(f"<{tag}>{escape(n)}</{tag}>" for n in names).encode()
    element = b"<" + p + b"authors>" + body + b"</" + p + b"authors>"
    found = rb"<(?:[\w.-]+:)?authors\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?authors>)"
    return _put(source, element, found, rb"<(?:[\w.-]+:)?comments\b[^>]*>", "no comments element")


def _with_list(source: bytes, p: bytes, comments: list[bytes]) -> bytes:
    element = b"<" + p + b"commentList>" + b"".join(comments) + b"</" + p + b"commentList>"
    found = rb"<(?:[\w.-]+:)?commentList\b[^>]*?(?:/>|>.*</(?:[\w.-]+:)?commentList>)"
    return _put(source, element, found, rb"</(?:[\w.-]+:)?authors>|<(?:[\w.-]+:)?authors/>", "no authors")


def _put(source: bytes, element: bytes, found: bytes, after: bytes, missing: str) -> bytes:
    """`element` in place of what `found` matches, else right after what `after` matches."""
    match = re.search(found, source, re.S)
    if match:
        return source[: match.start()] + element + source[match.end() :]
    anchor = re.search(after, source)
    if anchor is None:
        raise FileError(f"corrupt: a comments part has {missing}")
    return source[: anchor.end()] + element + source[anchor.end() :]


def _comment(p: bytes, cell: Cell, text: str, author: int) -> bytes:
    q = p.decode()
    ref = f"{column_letter(cell[1])}{cell[0]}"
    body = escape(text).replace("\r", "&#13;")
    return (
        f'<{q}comment ref="{ref}" authorId="{author}"><{q}text><{q}r><{q}t xml:space="preserve">{body}</{q}t>'
        f"</{q}r></{q}text></{q}comment>"
    ).encode()


def _shape(number: int, cell: Cell) -> bytes:
    row, column = cell[0] - 1, cell[1] - 1
    width, height = NOTE_SIZE
    anchor = f"{column + 1}, 15, {max(row - 1, 0)}, 10, {column + 5}, 15, {max(row - 1, 0) + 7}, 4"
    return (
        f'<v:shape id="_x0000_s{number}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        f'margin-top:1.5pt;width:{width}pt;height:{height}pt;z-index:{number % 1024 + 1};visibility:hidden" '
        'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" '
        'obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
        '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
        f"<x:SizeWithCells/><x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
        f"<x:Row>{row}</x:Row><x:Column>{column}</x:Column></x:ClientData></v:shape>"
    ).encode()


def _shape_cell(shape: bytes) -> Cell | None:
    if b'ObjectType="Note"' not in shape:
        return None
    found = _ROW_COLUMN.search(shape)
    return (int(found.group(1)) + 1, int(found.group(2)) + 1) if found else None


def _cell(ref: str) -> Cell | None:
    found = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref.strip())
    if found is None:
        return None
    return int(found.group(2)), column_number(found.group(1).upper().encode())


def _text(xml: bytes | None) -> str:
    return unescape((xml or b"").decode())
