"""The workbook part, its relationships and the content types, edited by splicing.

What changes: `<sheet>` entries of our owned sheets (dropped, or appended after the last sheet),
their relationships and content-type overrides, our defined names (`CD_Owned_*`, and the
filter and print-title names of our sheets). Sheet-scoped names (`localSheetId`) and the
workbook view's `activeTab` / `firstSheet` follow their sheets when an earlier sheet goes.
Every other byte of these parts stays: the user's names, calculation settings, pivot caches,
extensions and namespace prefixes.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape
from xml.sax.saxutils import escape, quoteattr

from addin.files.package import FileError, part_target
from addin.files.styles_xml import attributes

RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = RELATIONSHIPS + "/worksheet"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


@dataclass
class Entry:
    """One child element of a list (a `<sheet>`, a `<definedName>`, a `<Relationship>`…)."""

    xml: bytes
    attrs: dict[str, str]
    text: str = ""


def elements(xml: bytes, tag: str) -> list[tuple[int, int, Entry]]:
    pattern = rb"<(?:[\w.-]+:)?" + tag.encode() + rb"\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?" + tag.encode() + rb">)"
    found = []
    for m in re.finditer(pattern, xml, re.S):
        head = m.group()[: m.group().find(b">")]
        found.append((m.start(), m.end(), Entry(m.group(), attributes(head), unescape((m.group(1) or b"").decode()))))
    return found


def _span(xml: bytes, tag: str) -> tuple[int, int] | None:
    """Where the inside of list element `tag` is ((start, start) for `<tag/>`)."""
    m = re.search(rb"<(?:[\w.-]+:)?" + tag.encode() + rb"\b[^>]*?(/?)>", xml)
    if m is None:
        return None
    if m.group(1):
        return m.start(), -m.end()  # negative end: self-closing, to be opened
    close = re.compile(rb"</(?:[\w.-]+:)?" + tag.encode() + rb">").search(xml, m.end())
    if close is None:
        raise FileError(f"corrupt: the workbook's {tag} element is not closed")
    return m.end(), close.start()


class Book:
    """`xl/workbook.xml` and `xl/_rels/workbook.xml.rels`: the sheets, names and views."""

    def __init__(self, workbook: bytes, rels: bytes) -> None:
        self.xml, self.rels_xml = workbook, rels
        root = re.search(rb"<([\w.-]+:)?workbook\b[^>]*>", workbook)
        if root is None:
            raise FileError("corrupt: xl/workbook.xml has no workbook element")
        self.p = (root.group(1) or b"").decode()
        r = re.search(rb"xmlns:([\w.-]+)\s*=\s*[\"']" + re.escape(RELATIONSHIPS.encode()) + rb"[\"']", root.group())
        self.r = r.group(1).decode() if r else ""
        self.sheets = [e for _, _, e in elements(self._inside("sheets"), "sheet")]
        self.names = [e for _, _, e in elements(self._inside("definedNames"), "definedName")]
        self.rels = [e for _, _, e in elements(rels, "Relationship")]
        self.dropped: set[str] = set()  # sheet names
        self.added: list[tuple[str, str, bool]] = []  # (name, part, very hidden)
        self.new_names: list[tuple[str, str, str | None]] = []  # (name, text, scope: a sheet name or None)
        self.dropped_names: set[str] = set()
        self.dropped_rels: set[str] = set()  # relationship ids

    def _inside(self, tag: str) -> bytes:
        span = _span(self.xml, tag)
        return b"" if span is None or span[1] < 0 else self.xml[span[0] : span[1]]

    def rid(self, sheet: Entry) -> str:
        """A `<sheet>`'s relationship id (its prefix declared on the root or, as openpyxl writes, on itself)."""
        own = [k.split(":", 1)[1] for k, v in sheet.attrs.items() if k.startswith("xmlns:") and v == RELATIONSHIPS]
        for prefix in [*own, self.r]:
            if prefix and f"{prefix}:id" in sheet.attrs:
                return sheet.attrs[f"{prefix}:id"]
        return ""

    def parts(self) -> dict[str, str]:
        """Worksheet name -> its part (chart sheets left out), for the sheets as they were."""
        targets = {
            e.attrs.get("Id"): e.attrs.get("Target", "") for e in self.rels if e.attrs.get("Type") == WORKSHEET_REL
        }
        return {
            s.attrs.get("name", ""): part_target("xl/workbook.xml", targets[self.rid(s)])
            for s in self.sheets
            if self.rid(s) in targets
        }

    def titles(self) -> list[str]:
        kept = [s.attrs.get("name", "") for s in self.sheets if s.attrs.get("name", "") not in self.dropped]
        return kept + [name for name, _, _ in self.added]

    def defined(self) -> dict[str, str]:
        """Global defined name -> its text, as this run has left them."""
        found = {e.attrs.get("name", ""): e.text for e in self.names if "localSheetId" not in e.attrs}
        for name in self.dropped_names:
            found.pop(name, None)
        found.update({name: text for name, text, scope in self.new_names if scope is None})
        return found

    def drop_rel(self, part: str) -> None:
        for e in self.rels:
            if part_target("xl/workbook.xml", e.attrs.get("Target", "")) == part:
                self.dropped_rels.add(e.attrs.get("Id", ""))

    # -- writing -----------------------------------------------------------------------------------------

    def workbook_saved(self) -> bytes:
        old = [s.attrs.get("name", "") for s in self.sheets]
        titles = self.titles()
        index = {i: titles.index(name) for i, name in enumerate(old) if name not in self.dropped}
        xml = self._with_sheets()
        xml = self._with_names(xml, index, titles)
        return _with_views(xml, index, titles, self._hidden(titles))

    def _hidden(self, titles: list[str]) -> set[int]:
        states = {s.attrs.get("name", ""): s.attrs.get("state", "visible") for s in self.sheets}
        states.update({name: "veryHidden" for name, _, hidden in self.added if hidden})
        return {i for i, t in enumerate(titles) if states.get(t, "visible") != "visible"}

    def _with_sheets(self) -> bytes:
        ids = [
            int(s.attrs.get("sheetId", "0") or 0) for s in self.sheets if s.attrs.get("name", "") not in self.dropped
        ]
        made = []
        r, xmlns = (self.r, "") if self.r else ("cdr", f' xmlns:cdr="{RELATIONSHIPS}"')
        for n, (name, _, hidden) in enumerate(self.added):
            state = ' state="veryHidden"' if hidden else ""
            made.append(
                f'<{self.p}sheet name={quoteattr(name)} sheetId="{max(ids, default=0) + n + 1}"{state}'
                f' {r}:id="{self.new_rid(n)}"{xmlns}/>'
            )
        return _edit_list(self.xml, "sheets", lambda e: e.attrs.get("name", "") in self.dropped, "sheet", "".join(made))

    def new_rid(self, n: int) -> str:
        dropped = {self.rid(s) for s in self.sheets if s.attrs.get("name", "") in self.dropped} | self.dropped_rels
        taken = {e.attrs.get("Id", "") for e in self.rels} - dropped
        number, found = 0, list[str]()
        while len(found) <= n:
            number += 1
            if f"rIdCD{number}" not in taken:
                found.append(f"rIdCD{number}")
        return found[n]

    def _with_names(self, xml: bytes, index: dict[int, int], titles: list[str]) -> bytes:
        def dropped(e: Entry) -> bool:
            local = e.attrs.get("localSheetId")
            if local is None:
                return e.attrs.get("name", "") in self.dropped_names
            return not local.isdigit() or int(local) not in index

        made = []
        for name, text, scope in self.new_names:
            local = "" if scope is None else f' localSheetId="{titles.index(scope)}" hidden="1"'
            made.append(f"<{self.p}definedName name={quoteattr(name)}{local}>{escape(text)}</{self.p}definedName>")
        if _span(xml, "definedNames") is None:
            if not made:
                return xml
            end = max(xml.find(f"</{self.p}{tag}>".encode()) for tag in ("sheets", "externalReferences"))
            end = xml.find(b">", end) + 1
            xml = xml[:end] + f"<{self.p}definedNames></{self.p}definedNames>".encode() + xml[end:]
        xml = _edit_list(xml, "definedNames", dropped, "definedName", "".join(made))
        return _shift_locals(xml, index)

    def rels_saved(self) -> bytes:
        made = "".join(
            f'<Relationship Id="{self.new_rid(n)}" Type="{WORKSHEET_REL}" '
            f'Target="{escape(posixpath.relpath(part, "xl"))}"/>'
            for n, (_, part, _) in enumerate(self.added)
        )
        dropped_sheets = {self.rid(s) for s in self.sheets if s.attrs.get("name", "") in self.dropped}

        def dropped(e: Entry) -> bool:
            return e.attrs.get("Id", "") in dropped_sheets | self.dropped_rels

        return _edit_list(self.rels_xml, "Relationships", dropped, "Relationship", made)


def _edit_list(xml: bytes, tag: str, dropped: object, child: str, added: str) -> bytes:
    """List element `tag` without the children `dropped(entry)` says go, and with `added` at its end."""
    span = _span(xml, tag)
    if span is None:
        raise FileError(f"corrupt: the package has no {tag} element")
    start, end = span
    if end < 0:  # <tag/>: open it
        head = xml[start:-end]
        xml = xml[:start] + head[:-2].rstrip() + b">" + head[:0] + _close(head) + xml[-end:]
        start, end = _span(xml, tag) or (0, 0)
    inside = xml[start:end]
    out, at = [], 0
    for s, e, entry in elements(inside, child):
        if callable(dropped) and dropped(entry):
            out.append(inside[at:s])
            at = e
    out.append(inside[at:])
    return xml[:start] + b"".join(out) + added.encode() + xml[end:]


def _close(head: bytes) -> bytes:
    name = re.match(rb"<([\w.:-]+)", head)
    assert name is not None  # a start tag found by _span
    return b"</" + name.group(1) + b">"


def _shift_locals(xml: bytes, index: dict[int, int]) -> bytes:
    def shifted(m: re.Match[bytes]) -> bytes:
        old = int(m.group(2))
        return m.group(1) + str(index.get(old, old)).encode() + m.group(3)

    span = _span(xml, "definedNames")
    if span is None or span[1] < 0:
        return xml
    inside = re.sub(rb"""(\slocalSheetId\s*=\s*["'])(\d+)(["'])""", shifted, xml[span[0] : span[1]])
    return xml[: span[0]] + inside + xml[span[1] :]


def _with_views(xml: bytes, index: dict[int, int], titles: list[str], hidden: set[int]) -> bytes:
    """activeTab / firstSheet of each workbook view, pointing at the same sheet as before."""
    visible = [i for i in range(len(titles)) if i not in hidden]

    def view(m: re.Match[bytes]) -> bytes:
        head = m.group()
        for name in ("activeTab", "firstSheet"):
            found = re.search(rb"(\s" + name.encode() + rb"""\s*=\s*["'])(\d+)(["'])""", head)
            if found is None:
                continue
            new = index.get(int(found.group(2)))
            if new is None or new in hidden:
                new = visible[0] if visible else 0
            head = head[: found.start(2)] + str(new).encode() + head[found.end(2) :]
        return head

    return re.sub(rb"<(?:[\w.-]+:)?workbookView\b[^>]*>", view, xml)


class ContentTypes:
    """`[Content_Types].xml`: overrides of removed parts go, new parts get theirs."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        self.defaults = {e.attrs.get("Extension", "").lower() for _, _, e in elements(xml, "Default")}
        self.overrides = {
            e.attrs.get("PartName", "").lstrip("/"): e.attrs.get("ContentType", "")
            for _, _, e in elements(xml, "Override")
        }

    def saved(self, removed: set[str], added: dict[str, str], defaults: dict[str, str]) -> bytes:
        new = "".join(
            f'<Default Extension="{ext}" ContentType="{kind}"/>'
            for ext, kind in defaults.items()
            if ext not in self.defaults
        )
        new += "".join(f'<Override PartName="/{escape(part)}" ContentType="{kind}"/>' for part, kind in added.items())

        def dropped(e: Entry) -> bool:
            return e.attrs.get("PartName", "").lstrip("/") in removed | set(added)

        if not new and not any(p in self.overrides for p in removed):
            return self.xml
        return _edit_list(self.xml, "Types", dropped, "Override", new)
