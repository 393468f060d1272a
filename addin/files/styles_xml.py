"""A workbook's `styles.xml`, edited by adding what our marks need and changing nothing else.

The part is never parsed into a tree and written back (that would rename namespace prefixes
that `mc:Ignorable` names, and lose what a tree model does not know). Each list we add to
(`numFmts`, `fonts`, `fills`, `borders`, `cellXfs`, `dxfs`) is split into its children's bytes;
new children are appended, the list's `count` is updated, everything else stays as it was.
A style we need that already exists (the user's own, or one a previous run added) is reused,
so a re-run does not grow the part and taking a mark back returns a cell to its own style index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from addin.files.package import FileError

LISTS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs")
# Where a missing list goes: before the first of these that the part has (the schema's order).
_ORDER = (*LISTS, "tableStyles", "colors", "extLst")
_AFTER = {name: _ORDER[i + 1 :] for i, name in enumerate(LISTS)}
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*("[^"]*"|'[^']*')""")
_FIRST_CUSTOM_FORMAT = 164


def attributes(tag: bytes) -> dict[str, str]:
    """The attributes of a start tag (`<c r="B7" s="3">` -> {'r': 'B7', 's': '3'}), values unescaped."""
    found = {}
    for name, value in _ATTR.findall(tag):
        found[name.decode()] = _unescape(value[1:-1].decode())
    return found


def _unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _tag(name: str, attrs: dict[str, str], body: bytes | None) -> bytes:
    head = f"<{name}" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return (head + "/>").encode() if body is None else (head + ">").encode() + body + f"</{name}>".encode()


@dataclass
class _List:
    name: str
    start: int  # span of the whole list element in the original part (-1: the part has none)
    end: int
    head: bytes  # its start tag
    items: list[bytes]
    added: int = 0
    index: dict[bytes, int] = field(default_factory=dict)  # canonical child -> first index


class Styles:
    """The style lists of one `styles.xml`, with lookups that find or add a style."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        root = re.search(rb"<(\w+:)?styleSheet\b", xml)
        if root is None:
            raise FileError("corrupt: styles.xml has no styleSheet element")
        self.p = (root.group(1) or b"").decode()
        self.lists = {name: self._list(name) for name in LISTS}
        self.formats = {  # numFmtId -> format code
            int(attributes(item).get("numFmtId", "0")): attributes(item).get("formatCode", "")
            for item in self.lists["numFmts"].items
        }
        self._keys: dict[tuple[str, ...], int] | None = None

    def _list(self, name: str) -> _List:
        p = re.escape(self.p.encode())
        found = re.search(
            rb"<" + p + name.encode() + rb"\b[^>]*?(/>|>.*?</" + p + name.encode() + rb">)", self.xml, re.S
        )
        if found is None:
            return _List(name, -1, -1, f"<{self.p}{name}>".encode(), [])
        child = {
            "numFmts": "numFmt",
            "fonts": "font",
            "fills": "fill",
            "borders": "border",
            "cellStyles": "cellStyle",
            "dxfs": "dxf",
        }.get(name, "xf")
        c = p + child.encode()
        body = found.group(1)
        items = [m.group() for m in re.finditer(rb"<" + c + rb"\b[^>]*?(?:/>|>.*?</" + c + rb">)", body, re.S)]
        head = re.match(rb"<[^>]*?(?=/?>)", found.group()).group() + b">"  # type: ignore[union-attr]
        made = _List(name, found.start(), found.end(), head, items)
        for i, item in enumerate(items):
            made.index.setdefault(canonical(item), i)
        return made

    # -- finding or adding the parts of a style --------------------------------------------------------

    def add(self, name: str, item: bytes) -> int:
        """The index of `item` in list `name`: an equal existing one, else appended."""
        found = self.lists[name]
        key = canonical(item)
        if key in found.index:
            return found.index[key]
        found.items.append(item)
        found.added += 1
        found.index[key] = len(found.items) - 1
        if name == "cellXfs":
            self._keys = None
        return len(found.items) - 1

    def number_format(self, code: str) -> int:
        """The numFmtId of a format code (a custom one is added with the next free id)."""
        for number, known in self.formats.items():
            if known == code:
                return number
        number = max([_FIRST_CUSTOM_FORMAT - 1, *self.formats]) + 1
        self.formats[number] = code
        self.add("numFmts", _tag(self.p + "numFmt", {"numFmtId": str(number), "formatCode": code}, None))
        return number

    def xf(self, index: int) -> bytes:
        items = self.lists["cellXfs"].items
        return items[index] if 0 <= index < len(items) else (items[0] if items else b"<xf/>")

    def fill_of(self, index: int) -> bytes | None:
        """The fill element of cell style `index` (None: no fill list, or an index past it)."""
        fills = self.lists["fills"].items
        number = int(attributes(self.xf(index)).get("fillId", "0") or 0)
        return fills[number] if 0 <= number < len(fills) else None

    def with_fill(self, index: int, fill: bytes) -> int:
        """Cell style `index` with `fill` instead of its own: an existing style that differs only so, if any."""
        number = self.add("fills", fill)
        if self._keys is None:
            self._keys = {}
            for i, item in enumerate(self.lists["cellXfs"].items):
                self._keys.setdefault(_fill_key(item), i)
        base = self.xf(index)
        key = _fill_key(base, str(number))
        if key in self._keys:
            return self._keys[key]
        attrs, body = _split(base)
        attrs["fillId"] = str(number)
        if number:
            attrs["applyFill"] = "1"
        made = self.add("cellXfs", _tag(self.p + "xf", attrs, body))
        self._keys = None
        return made

    def derived(self, index: int, changes: dict[str, str], font: bytes | None, wrap: bool) -> int:
        """Cell style `index` with other ids (`fontId`… taken from `changes`), a font, or wrapped text."""
        attrs, body = _split(self.xf(index))
        attrs.update(changes)
        if font is not None:
            attrs["fontId"], attrs["applyFont"] = str(self.add("fonts", font)), "1"
        for name, applied in (("fillId", "applyFill"), ("numFmtId", "applyNumberFormat")):
            if name in changes:
                attrs[applied] = "1"
        if wrap:
            alignment = self.p + "alignment"
            old = re.search(rb"<" + re.escape(alignment.encode()) + rb"\b[^>]*?/?>(?:</[^>]*alignment>)?", body or b"")
            kept = attributes(old.group()) if old else {}
            kept["wrapText"] = "1"
            body = (body or b"").replace(old.group(), b"") if old else (body or b"")
            body = _tag(alignment, kept, None) + body
            attrs["applyAlignment"] = "1"
        return self.add("cellXfs", _tag(self.p + "xf", attrs, body))

    def font(self, index: int) -> bytes:
        fonts = self.lists["fonts"].items
        number = int(attributes(self.xf(index)).get("fontId", "0") or 0)
        return fonts[number] if 0 <= number < len(fonts) else _tag(self.p + "font", {}, b"")

    # -- writing -----------------------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        return any(found.added for found in self.lists.values())

    def saved(self) -> bytes:
        """The part with the added children, byte-identical elsewhere."""
        if not self.changed:
            return self.xml
        edits: list[tuple[int, int, bytes]] = []
        for found in self.lists.values():
            if not found.added:
                continue
            body = (
                _with_count(found.head, len(found.items)) + b"".join(found.items) + f"</{self.p}{found.name}>".encode()
            )
            if found.start >= 0:
                edits.append((found.start, found.end, body))
            else:
                at = self._insertion(found.name)
                edits.append((at, at, body))
        out: list[bytes] = []
        at = 0
        for start, end, body in sorted(edits):
            out += [self.xml[at:start], body]
            at = end
        return b"".join([*out, self.xml[at:]])

    def _insertion(self, name: str) -> int:
        for after in _AFTER.get(name, ()):
            found = self.lists.get(after)
            if found is not None and found.start >= 0:
                return found.start
            m = re.search(rb"<" + re.escape((self.p + after).encode()) + rb"\b", self.xml)
            if m:
                return m.start()
        end = self.xml.rfind(f"</{self.p}styleSheet>".encode())
        if end < 0:
            raise FileError("corrupt: styles.xml does not end its styleSheet element")
        return end


def _with_count(head: bytes, count: int) -> bytes:
    if head.endswith(b"/>"):
        head = head[:-2] + b">"
    if re.search(rb"\bcount\s*=", head):
        return re.sub(rb"""\bcount\s*=\s*("[^"]*"|'[^']*')""", f'count="{count}"'.encode(), head, count=1)
    return head[:-1] + f' count="{count}">'.encode()


def _split(xf: bytes) -> tuple[dict[str, str], bytes | None]:
    """An `xf` element's attributes and its inner XML (None when it is empty)."""
    head = re.match(rb"<[^>]*?(?=/?>)", xf)
    attrs = attributes(head.group()) if head else {}
    inner = re.match(rb"<[^>]*?>(.*)</[^>]*>$", xf, re.S)
    return attrs, (inner.group(1) if inner and not xf.rstrip().endswith(b"/>") else None)


def canonical(item: bytes) -> bytes:
    """An element in a form where equal styles compare equal (attribute order, spacing, quotes)."""

    def tag(m: re.Match[bytes]) -> bytes:
        name = m.group(1)
        attrs = sorted(attributes(m.group(2)).items())
        return b"<" + name + "".join(f" {k}={quoteattr(v)}" for k, v in attrs).encode() + m.group(3)

    return re.sub(rb"<([\w:]+)((?:\s+[\w:]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?>)", tag, item.strip())


def _fill_key(xf: bytes, fill: str | None = None) -> tuple[str, ...]:
    attrs, body = _split(xf)
    number = fill if fill is not None else attrs.get("fillId", "0")
    rest = sorted((k, v) for k, v in attrs.items() if k not in ("fillId", "applyFill"))
    return (number or "0", json.dumps(rest), canonical(body or b"").decode())


# -- fills and their specs (`addin.sheets.canvas.fill_spec`) ----------------------------------------------


def solid_fill(rgb: str, p: str = "") -> bytes:
    """A plain fill of `rgb` (hex without alpha), foreground and background alike, as openpyxl's `solid`."""
    colour = f'rgb="FF{rgb.upper()}"'
    pattern = f'<{p}patternFill patternType="solid"><{p}fgColor {colour}/><{p}bgColor {colour}/></{p}patternFill>'
    return f"<{p}fill>{pattern}</{p}fill>".encode()


def no_fill(p: str = "") -> bytes:
    return f'<{p}fill><{p}patternFill patternType="none"/></{p}fill>'.encode()


def fill_spec_of(fill: bytes | None) -> str | None:
    """The spec (`addin.sheets.canvas.fill_spec`) of a fill element, None when it fills nothing."""
    if fill is None:
        return None
    pattern = re.search(rb"<(?:\w+:)?patternFill\b[^>]*", fill)
    if pattern is None:
        return json.dumps({"pattern": "xml", "fg": None, "bg": None, "xml": fill.decode()})  # gradient: kept as is
    kind = attributes(pattern.group()).get("patternType")
    if kind in (None, "none"):
        return None
    colours = {}
    for which in ("fg", "bg"):
        found = re.search(rb"<(?:\w+:)?" + which.encode() + rb"Color\b[^>]*", fill)
        colours[which] = _colour_spec(attributes(found.group())) if found else None
    return json.dumps({"pattern": kind, "fg": colours["fg"], "bg": colours["bg"]})


def _colour_spec(attrs: dict[str, str]) -> dict[str, object]:
    tint = float(attrs.get("tint", "0") or 0)
    if "theme" in attrs:
        return {"type": "theme", "value": int(attrs["theme"]), "tint": tint}
    if "indexed" in attrs:
        return {"type": "indexed", "value": int(attrs["indexed"]), "tint": tint}
    return {"type": "rgb", "value": attrs.get("rgb", "FF000000").upper(), "tint": tint}


def fill_from_spec(spec: str, p: str = "") -> bytes:
    """The fill element a spec describes (what `fill_spec_of`, openpyxl or a live Excel recorded)."""
    data = json.loads(spec)
    if data.get("xml"):
        return str(data["xml"]).encode()
    if not data.get("pattern") or data.get("unknown"):
        return no_fill(p)
    body = b"".join(_colour(p + which + "Color", data.get(which)) for which in ("fg", "bg"))
    return _tag(p + "fill", {}, _tag(p + "patternFill", {"patternType": str(data["pattern"])}, body or None))


def _colour(name: str, colour: dict[str, object] | None) -> bytes:
    if not colour:
        return b""
    kind, value = str(colour.get("type", "rgb")), colour.get("value")
    attrs = {kind if kind in ("theme", "indexed") else "rgb": str(value)}
    tint = float(str(colour.get("tint") or 0))
    if tint:
        attrs["tint"] = repr(tint)
    return _tag(name, attrs, None)


def text_xml(text: str) -> bytes:
    return escape(text).encode()


def font_with(
    base: bytes,
    p: str,
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    size: float | None = None,
    colour: str | None = None,
    underline: bool | None = None,
) -> bytes:
    """Font element `base` with the given aspects set (None leaves one as it is)."""
    inner = re.match(rb"<[^>]*?>(.*)</[^>]*>$", base.strip(), re.S)
    body = inner.group(1) if inner else b""
    head = re.match(rb"<[^>]*?(?=/?>)", base.strip())
    attrs = attributes(head.group()) if head else {}

    def put(name: str, element: bytes | None) -> None:
        nonlocal body
        body = re.sub(
            rb"<(?:\w+:)?" + name.encode() + rb"\b[^>]*?(?:/>|>.*?</(?:\w+:)?" + name.encode() + rb">)",
            b"",
            body,
            flags=re.S,
        )
        if element is not None:
            body = element + body

    if underline is not None:
        put("u", _tag(p + "u", {}, None) if underline else None)
    if italic is not None:
        put("i", _tag(p + "i", {}, None) if italic else None)
    if bold is not None:
        put("b", _tag(p + "b", {}, None) if bold else None)
    if size is not None:
        put("sz", _tag(p + "sz", {"val": f"{size:g}"}, None))
    if colour is not None:
        put("color", _tag(p + "color", {"rgb": "FF" + colour.upper()}, None))
    return _tag(p + "font", attrs, body)
