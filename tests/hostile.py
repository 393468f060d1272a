"""A corpus of hostile workbooks for `tests/test_fuzz.py`: `build_corpus(folder, seed)` writes them.

Every file is derived from one small valid workbook (a 30-row complaint log and a 20-row
survey with English headers) written here as raw SpreadsheetML, so that shapes openpyxl
cannot make (no `r` attributes, UTF-16 parts, DTDs, raw `1e999999` numbers, broken zip
entries) can be made too. Same seed, same bytes: zip entries carry a fixed timestamp and
every random choice comes from `random.Random(seed)`.

Each file is a `Case(name, path, kind, expect)`; `expect` is what the command line must do
with it: "refused" (one line on stderr naming it, exit 3), "processed" (results and exit 0
or 1), or "either" (one of the two, but never a crash, a hang or a silent skip). Two optional
fields: `rewrite`, the expectation for `--annotate`/`--in-place` where it differs (a file
openpyxl cannot load or save faithfully may be refused there), and `same_as`, a case holding
the same log and survey (only packaged differently): when both are processed their findings
must be the same.

Classes (`kind`): valid, huge (extents), exhaustion (resources), broken (packages), values
(hostile values in every field) and random (every cell a random value).
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from addin.core.schema import DEFAULT_CATEGORIES, DEFAULT_DIMENSIONS, SEVERITIES, STATUSES
from addin.core.settings_table import SETTINGS
from tests.builders import LOG_KEYS, SURVEY_KEYS, complaint, header, response, standard_workbook

AS_OF = datetime(2026, 11, 22, 12, 0)
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
LOG_COLUMNS = [*LOG_KEYS, "description"]
LOG_SHEET, SURVEY_SHEET = "Complaints", "Survey"
LOG_TITLES = 2  # a title row and a blank row above the log's header (header on row 3)
DATE_FIELDS = frozenset({"received_at", "first_response_at", "resolved_at", "surveyed_at"})
# The numbers a Settings cell may hold; `dimension.<key>.scale|weight` are spelled out per dimension.
NUMERIC_SETTINGS = (
    [
        s.key
        for s in SETTINGS
        if not s.family and isinstance(s.example, int) and not isinstance(s.example, bool) and s.key != "mail.password"
    ]
    + ["deadline.due_soon"]
    + [f"dimension.{d.key}.{what}" for d in DEFAULT_DIMENSIONS for what in ("scale", "weight")]
)

M_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"
FORMULA_PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
]
CONTROL_CHARS = ["\x01", "\x0b", "\x1f"]
HUGE_INTEGER = "9" * 5000
NUMERIC_TEXTS = ["NaN", "inf", "-inf", "1e308", "-1e308", "1e999999", HUGE_INTEGER]
DATE_NUMBERS = [-1.0, -100000.0, -0.5, 0.0, 0.5, 60.0, 60.5, 61.0, 1e308, 3e6, 2958465.0, 2958466.0, 1e-300]


@dataclass(frozen=True)
class Case:
    name: str  # the file name
    path: Path
    kind: str  # the class: valid, huge, exhaustion, broken, values, random
    expect: str  # "refused", "processed" or "either"
    rewrite: str = ""  # the same for --annotate/--in-place when it differs (openpyxl cannot load or keep the file)
    same_as: str = ""  # a case holding the same data: when both are processed, their findings must be the same

    @property
    def expect_rewrite(self) -> str:
        return self.rewrite or self.expect


# ---------------------------------------------------------------- cell values the writer understands


@dataclass(frozen=True)
class Inline:
    """An inline string cell (`t="inlineStr"`)."""

    text: str


@dataclass(frozen=True)
class Err:
    """An error cell (`t="e"`)."""

    code: str = "#N/A"


@dataclass(frozen=True)
class Num:
    """A number cell with the `<v>` text written exactly as given (`1e999999`, `NaN`); `style` 1 is a date."""

    text: str
    style: int = 0


@dataclass(frozen=True)
class Formula:
    """A formula with a cached value; `kind` is the cell type of the cached value (str, n, b, e)."""

    text: str
    cached: str
    kind: str = "str"
    style: int = 0
    shared: str = ""  # extra attributes of <f>, e.g. ' t="shared" ref="L4:L9" si="0"'


@dataclass(frozen=True)
class RawCell:
    """Literal cell XML; `{ref}` is replaced by the cell reference."""

    xml: str


STYLE_DATETIME, STYLE_DATE, STYLE_FILLED = 1, 2, 3
_EXCEL_EPOCH = datetime(1899, 12, 30)


def serial(moment: datetime | date) -> float:
    """Excel's 1900-system serial number, its phantom 1900-02-29 included."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    days = (moment - _EXCEL_EPOCH).total_seconds() / 86400
    return days - 1 if moment < datetime(1900, 3, 1) else days


def column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ooxml_text(text: str, *, raw_controls: bool = False) -> str:
    """Text as Excel writes it: XML-escaped, control characters (and CR) as `_xHHHH_`."""
    text = text.replace("_x", "_x005F_x")
    out = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n") or ch == "\r" or code in (0xFFFE, 0xFFFF):
            out.append(ch if raw_controls and ch != "\r" else f"_x{code:04X}_")
        else:
            out.append(ch)
    return escape("".join(out))


def text_element(text: str, *, raw_controls: bool = False) -> str:
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f"<t{space}>{ooxml_text(text, raw_controls=raw_controls)}</t>"


def number_text(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    return repr(value) if value == value and abs(value) != float("inf") else "0"


# ---------------------------------------------------------------- a workbook as raw parts


class Book:
    """A workbook built from grids of values; `parts()` gives its package as {name: bytes}."""

    def __init__(self, *, raw_controls: bool = False) -> None:
        self.sheets: list[tuple[str, str | bytes]] = []  # name, sheet XML (bytes: written as is)
        self.strings: list[str] = []
        self._index: dict[str, int] = {}
        self.raw_controls = raw_controls
        self.defined_names: list[tuple[str, str]] = []

    def string(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.strings)
            self.strings.append(text)
        return self._index[text]

    def cell(self, ref: str, value: object) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, RawCell):
            return value.xml.replace("{ref}", ref)
        if isinstance(value, Inline):
            return f'<c r="{ref}" t="inlineStr"><is>{text_element(value.text, raw_controls=self.raw_controls)}</is></c>'
        if isinstance(value, Err):
            return f'<c r="{ref}" t="e"><v>{escape(value.code)}</v></c>'
        if isinstance(value, Num):
            style = f' s="{value.style}"' if value.style else ""
            return f'<c r="{ref}"{style}><v>{escape(value.text)}</v></c>'
        if isinstance(value, Formula):
            style = f' s="{value.style}"' if value.style else ""
            kind = "" if value.kind == "n" else f' t="{value.kind}"'
            body = f"<f{value.shared}>{escape(value.text)}</f>" if value.text or value.shared else ""
            return f'<c r="{ref}"{style}{kind}>{body}<v>{escape(value.cached)}</v></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{number_text(value)}</v></c>'
        if isinstance(value, datetime):
            return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{number_text(serial(value))}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{STYLE_DATE}"><v>{number_text(serial(value))}</v></c>'
        return f'<c r="{ref}" t="s"><v>{self.string(str(value))}</v></c>'

    def rows_xml(self, rows: Sequence[Sequence[object]], first_row: int = 1, dense: bool = False) -> list[str]:
        """Row elements; `dense` writes an empty `<c/>` for every gap and a `<row/>` for every empty row, so
        the refs can be dropped without moving any cell."""
        found = []
        for r, row in enumerate(rows, start=first_row):
            cells = "".join(
                self.cell(f"{column_letter(c)}{r}", v) or (f'<c r="{column_letter(c)}{r}"/>' if dense else "")
                for c, v in enumerate(row, start=1)
            )
            if cells or dense:
                found.append(f'<row r="{r}">{cells}</row>')
        return found

    def add_sheet(
        self,
        name: str,
        rows: Sequence[Sequence[object]],
        *,
        tail: str = "",
        extra_rows: Iterable[str] = (),
        dense: bool = False,
    ) -> None:
        """A worksheet from a grid starting at A1; `tail` goes after </sheetData> (an extLst, say)."""
        body = self.rows_xml(rows, dense=dense)
        width = max((len(r) for r in rows), default=1)
        self.sheets.append((name, sheet_xml(body + list(extra_rows), f"A1:{column_letter(width)}{len(rows)}", tail)))

    def parts(self) -> dict[str, bytes]:
        n = len(self.sheets)
        parts: dict[str, bytes] = {"[Content_Types].xml": content_types(n), "_rels/.rels": ROOT_RELS}
        parts["docProps/app.xml"] = APP_XML
        parts["docProps/core.xml"] = CORE_XML
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(self.sheets, start=1)
        )
        names = "".join(f'<definedName name="{k}">{escape(v)}</definedName>' for k, v in self.defined_names)
        parts["xl/workbook.xml"] = (
            f'{DECLARATION}<workbook xmlns="{M_NS}" xmlns:r="{R_NS}"><workbookPr/>'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
            f'{f"<definedNames>{names}</definedNames>" if names else ""}<calcPr calcId="191029"/></workbook>'
        ).encode()
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{R_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += f'<Relationship Id="rId{n + 1}" Type="{R_NS}/styles" Target="styles.xml"/>'
        rels += f'<Relationship Id="rId{n + 2}" Type="{R_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        parts["xl/_rels/workbook.xml.rels"] = (
            f"{DECLARATION}<Relationships xmlns={PKG_RELS}>{rels}</Relationships>".encode()
        )
        parts["xl/styles.xml"] = STYLES_XML
        for i, (_, xml) in enumerate(self.sheets, start=1):
            parts[f"xl/worksheets/sheet{i}.xml"] = xml if isinstance(xml, bytes) else xml.encode()
        parts["xl/sharedStrings.xml"] = self.shared_strings_xml()
        return parts

    def shared_strings_xml(self, doctype: str = "", extra: str = "") -> bytes:
        items = "".join(f"<si>{text_element(s, raw_controls=self.raw_controls)}</si>" for s in self.strings) + extra
        count = len(self.strings) + extra.count("<si>")
        return (
            f'{DECLARATION}{doctype}<sst xmlns="{M_NS}" count="{count}" uniqueCount="{count}">{items}</sst>'
        ).encode()


DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PKG_RELS = '"http://schemas.openxmlformats.org/package/2006/relationships"'
ROOT_RELS = (
    f"{DECLARATION}<Relationships xmlns={PKG_RELS}>"
    f'<Relationship Id="rId1" Type="{R_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{R_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
).encode()
APP_XML = (
    f'{DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
).encode()
CORE_XML = (
    f'{DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>hostile corpus</dc:creator>'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>'
).encode()
STYLES_XML = (
    f'{DECLARATION}<styleSheet xmlns="{M_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()


def content_types(sheets: int, extra: str = "") -> bytes:
    ct = "application/vnd.openxmlformats-officedocument"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{ct.replace("officedocument", "package")}.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/>'
        f"{extra}</Types>"
    ).encode()


def sheet_xml(rows: Sequence[str], dimension: str, tail: str = "", doctype: str = "") -> str:
    return (
        f'{DECLARATION}{doctype}<worksheet xmlns="{M_NS}" xmlns:r="{R_NS}"><dimension ref="{dimension}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"<sheetData>{''.join(rows)}</sheetData>{tail}</worksheet>"
    )


def pack(path: Path, parts: dict[str, bytes], *, level: int = 6) -> Path:
    """A zip with fixed timestamps, entries in the given order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


# ---------------------------------------------------------------- the valid workbook everything starts from


def base_records(rng: random.Random, n: int = 30) -> list[dict[str, object]]:
    """`n` plausible complaints (several regions, categories, statuses; a few repeat customers)."""
    regions = ["East", "West", "North", "South"]
    categories = [c.en for c in DEFAULT_CATEGORIES if c.key != "other"]
    records = []
    for i in range(1, n + 1):
        received = AS_OF - timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 9))
        first = received + timedelta(hours=rng.choice([1, 2, 3, 5]))
        status = rng.choice(["Resolved", "Resolved", "Closed", "Open", "In progress"])
        done = status in ("Resolved", "Closed")
        resolved = min(first + timedelta(days=rng.randint(0, 6), hours=2), datetime(2026, 11, 21, 18))
        records.append(
            complaint(
                i,
                received_at=received,
                customer_id=f"K{rng.randint(1, 24):03d}",
                region=rng.choice(regions),
                category=rng.choice(categories),
                subject=f"Model-{rng.randint(1, 9)}",
                severity=rng.choice(["General", "General", "Important"]),
                status=status,
                owner=rng.choice(["Li", "Wang", "Zhao", "Chen"]),
                first_response_at=first,
                resolved_at=resolved if done else None,
                complainants=rng.choice([1, 1, 1, 2]),
                description=rng.choice(["Noise", "Late delivery", "Leaking", "Rude staff", ""]),
            )
        )
    return records


def base_responses(rng: random.Random, n: int = 20) -> list[dict[str, object]]:
    regions = ["East", "West", "North", "South"]
    return [
        response(
            i,
            region=rng.choice(regions),
            surveyed_at=datetime(2026, 10, 1) + timedelta(days=rng.randint(0, 50)),
            **{k: rng.randint(4, 10) for k in SURVEY_KEYS[4:]},
        )
        for i in range(1, n + 1)
    ]


def log_rows(records: Sequence[dict[str, object]], keys: Sequence[str] = LOG_COLUMNS) -> list[list[object]]:
    titles: list[list[object]] = [["Complaint log"], []]
    return [*titles, [header(k) for k in keys], *([r.get(k) for k in keys] for r in records)]


def survey_rows(records: Sequence[dict[str, object]], keys: Sequence[str] = SURVEY_KEYS) -> list[list[object]]:
    return [[header(k) for k in keys], *([r.get(k) for k in keys] for r in records)]


def standard_book(
    records: Sequence[dict[str, object]],
    responses: Sequence[dict[str, object]],
    *,
    raw_controls: bool = False,
    log_keys: Sequence[str] = LOG_COLUMNS,
    dense: bool = False,
) -> Book:
    book = Book(raw_controls=raw_controls)
    book.add_sheet(LOG_SHEET, log_rows(records, log_keys), dense=dense)
    book.add_sheet(SURVEY_SHEET, survey_rows(responses))
    return book


# ---------------------------------------------------------------- zip surgery


def entry_offsets(data: bytes, name: str) -> tuple[int, int, int]:
    """(local header offset, central directory entry offset, compressed data offset) of an entry."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", data, local + 26)
    encoded = name.encode()
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    while central != -1:
        n_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + n_len] == encoded:
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    return local, central, local + 30 + name_len + extra_len


def patched(data: bytes, name: str, edit: Callable[[bytearray, int, int, int], None]) -> bytes:
    buffer = bytearray(data)
    edit(buffer, *entry_offsets(data, name))
    return bytes(buffer)


# ---------------------------------------------------------------- the corpus


class Corpus:
    def __init__(self, folder: Path, seed: int) -> None:
        self.folder, self.seed = folder, seed
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        self.records = base_records(random.Random(seed))
        self.responses = base_responses(random.Random(seed + 1))

    def add(self, name: str, kind: str, expect: str, data: bytes | dict[str, bytes], *, rewrite: str = "") -> Path:
        path = self.folder / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            pack(path, data)
        self.cases.append(Case(name, path, kind, expect, rewrite))
        return path

    def book(self, **kw: object) -> Book:
        return standard_book(self.records, self.responses, **kw)  # type: ignore[arg-type]

    def base_parts(self) -> dict[str, bytes]:
        return self.book().parts()

    def base_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.base_parts().items():
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()

    # -- valid controls

    def valid(self) -> None:
        self.add("valid-base.xlsx", "valid", "processed", self.base_parts())
        path = self.folder / "valid-openpyxl.xlsx"
        standard_workbook(path, self.records, self.responses)
        self.add(path.name, "valid", "processed", normalized(path.read_bytes()))
        self.add("log #1 (copy) v2.xlsx", "values", "processed", self.base_parts())

    # -- huge extents

    def huge(self) -> None:
        parts = self.base_parts()
        log = parts["xl/worksheets/sheet1.xml"].decode()

        def variant(name: str, expect: str, xml: str) -> None:
            self.add(name, "huge", expect, parts | {"xl/worksheets/sheet1.xml": xml.encode()})

        variant("huge-dimension.xlsx", "processed", re.sub(r'<dimension ref="[^"]*"/>', DIMENSION_ALL, log))
        stray = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>'
        variant("huge-stray-value.xlsx", "either", log.replace("</sheetData>", stray + "</sheetData>"))
        styled = f'<row r="1048576"><c r="XFD1048576" s="{STYLE_FILLED}"/></row>'
        variant("huge-stray-styled-empty.xlsx", "processed", log.replace("</sheetData>", styled + "</sheetData>"))
        dense = self.book(dense=True).parts()["xl/worksheets/sheet1.xml"].decode()
        no_cell_refs = re.sub(r'(<c) r="[A-Z]+\d+"', r"\1", dense)
        variant("huge-no-cell-refs.xlsx", "processed", no_cell_refs)
        variant("huge-no-row-refs.xlsx", "processed", re.sub(r'(<row) r="\d+"', r"\1", no_cell_refs))
        head, rows, tail = split_rows(log)
        variant("huge-rows-out-of-order.xlsx", "either", head + "".join(rows[:1] + rows[:0:-1]) + tail)

    # -- resource exhaustion

    def exhaustion(self) -> None:
        self.zip_bomb()
        parts = self.base_parts()
        log = parts["xl/worksheets/sheet1.xml"].decode()
        last = LOG_TITLES + 1 + len(self.records)
        empty = "".join(f'<row r="{n}" s="{STYLE_FILLED}" customFormat="1"/>' for n in range(last + 1, 1_000_001))
        million = log.replace("</sheetData>", empty + "</sheetData>")
        self.add("exhaust-million-styled-rows.xlsx", "exhaustion", "processed", parts | sheet1(million))

        # Each row valid but for the one planted value: resolved, a customer of its own, no subject (no clusters).
        many = [dict(r) for _ in range(2334) for r in self.records][:70_000]
        for i, r in enumerate(many, start=1):
            first = r["first_response_at"]
            assert isinstance(first, datetime)
            r |= {"complaint_id": f"E{i:05d}", "customer_id": f"K{i:05d}", "status": "Resolved", "severity": "General"}
            r["resolved_at"] = first + timedelta(hours=3)
        keys = [
            *("complaint_id", "received_at", "customer_id", "region", "category", "severity", "status"),
            *("first_response_at", "resolved_at"),
        ]
        errors = [r | {"region": Err("#N/A")} for r in many]
        self.add("exhaust-70k-error-cells.xlsx", "exhaustion", "processed", self.big(errors, keys))
        unknown = [r | {"category": f"Unheard-of category {i:05d}"} for i, r in enumerate(many)]
        self.add("exhaust-70k-unknown-categories.xlsx", "exhaustion", "processed", self.big(unknown, keys))

        long_text = "".join(chr(0x4E00 + self.rng.randrange(2000)) if i % 7 else "x" for i in range(40_000))
        records = [dict(r) for r in self.records]
        records[3]["subject"] = long_text  # a shared string
        self.add(
            "exhaust-long-shared-string.xlsx", "exhaustion", "either", standard_book(records, self.responses).parts()
        )
        records = [dict(r) for r in self.records]
        records[4]["description"] = Inline(long_text + "y" * 10_000)
        self.add(
            "exhaust-long-inline-string.xlsx", "exhaustion", "either", standard_book(records, self.responses).parts()
        )

        doctype = LAUGHS
        records = [dict(r) for r in self.records]
        records[2]["description"] = RawCell('<c r="{ref}" t="inlineStr"><is><t>&lol9;</t></is></c>')
        book = standard_book(records, self.responses)
        parts = book.parts()
        xml = parts["xl/worksheets/sheet1.xml"].decode().replace(DECLARATION, DECLARATION + doctype, 1)
        self.add("exhaust-dtd-sheet.xlsx", "exhaustion", "either", parts | sheet1(xml))
        records = [dict(r) for r in self.records]
        records[2]["description"] = RawCell('<c r="{ref}" t="s"><v>@INDEX@</v></c>')
        book = standard_book(records, self.responses)
        parts = book.parts()
        xml = parts["xl/worksheets/sheet1.xml"].decode().replace("@INDEX@", str(len(book.strings)))
        parts |= sheet1(xml) | {"xl/sharedStrings.xml": book.shared_strings_xml(doctype, "<si><t>&lol9;</t></si>")}
        self.add("exhaust-dtd-shared-strings.xlsx", "exhaustion", "either", parts)
        parts = self.base_parts()
        workbook = parts["xl/workbook.xml"].decode().replace(DECLARATION, DECLARATION + doctype, 1)
        workbook = workbook.replace('<sheet name="Survey"', '<sheet name="Survey&lol9;"')
        self.add("exhaust-dtd-workbook.xlsx", "exhaustion", "either", parts | {"xl/workbook.xml": workbook.encode()})

    def big(self, records: list[dict[str, object]], keys: Sequence[str]) -> dict[str, bytes]:
        book = Book()
        book.add_sheet(LOG_SHEET, log_rows(records, keys))
        book.add_sheet(SURVEY_SHEET, survey_rows(self.responses))
        return book.parts()

    def zip_bomb(self) -> None:
        """A third sheet whose XML inflates to 1.1 GiB of whitespace between two rows (about 1 MB zipped)."""
        book = self.book()
        book.add_sheet("Notes", [["Note"], ["see the log"]])
        parts = book.parts()
        head, rows, tail = split_rows(parts.pop("xl/worksheets/sheet3.xml").decode())
        path = self.folder / "exhaust-zip-bomb.xlsx"
        chunk = b" \n\t" * (1 << 18)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, data in parts.items():
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
            info = zipfile.ZipInfo("xl/worksheets/sheet3.xml", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as sink:
                sink.write((head + rows[0]).encode())
                written = 0
                while written < 1_181_116_006:  # 1.1 GiB
                    sink.write(chunk)
                    written += len(chunk)
                sink.write(("".join(rows[1:]) + tail).encode())
        self.cases.append(Case(path.name, path, "exhaustion", "either"))

    # -- broken packages

    def broken(self) -> None:
        good = self.base_bytes()
        sheet = "xl/worksheets/sheet1.xml"

        def garbage(b: bytearray, local: int, central: int, data: int) -> None:
            size = struct.unpack_from("<I", b, local + 18)[0]
            noise = random.Random(self.seed + 7).randbytes(size)
            b[data : data + size] = b"\xff" + noise[1:]  # BTYPE 11: an invalid deflate block

        def deflate64(b: bytearray, local: int, central: int, data: int) -> None:
            struct.pack_into("<H", b, local + 8, 9)
            struct.pack_into("<H", b, central + 10, 9)

        def encrypted(b: bytearray, local: int, central: int, data: int) -> None:
            for offset in (local + 6, central + 8):
                struct.pack_into("<H", b, offset, struct.unpack_from("<H", b, offset)[0] | 1)

        def bad_crc(b: bytearray, local: int, central: int, data: int) -> None:
            for offset in (local + 14, central + 16):
                struct.pack_into("<I", b, offset, struct.unpack_from("<I", b, offset)[0] ^ 0x5A5A5A5A)

        self.add("broken-garbage-deflate.xlsx", "broken", "refused", patched(good, sheet, garbage))
        self.add("broken-deflate64.xlsx", "broken", "refused", patched(good, sheet, deflate64))
        self.add("broken-encrypted-flag.xlsx", "broken", "refused", patched(good, sheet, encrypted))
        self.add("broken-bad-crc.xlsx", "broken", "refused", patched(good, sheet, bad_crc))
        parts = self.base_parts()
        self.add("broken-no-content-types.xlsx", "broken", "either", without(parts, "[Content_Types].xml"))
        self.add("broken-no-workbook.xlsx", "broken", "refused", without(parts, "xl/workbook.xml"))
        self.add("broken-missing-log-sheet.xlsx", "broken", "refused", without(parts, sheet))
        for k in range(15):
            self.add(f"broken-truncated-{k:02d}.xlsx", "broken", "refused", good[: len(good) * k // 15])
        flips = random.Random(self.seed + 11)
        for k in range(15):
            data = bytearray(good)
            offset = flips.randrange(len(data))
            data[offset] ^= 1 << flips.randrange(8)
            self.add(f"broken-bitflip-{k:02d}-at-{offset}.xlsx", "broken", "either", bytes(data))
        grammar = random.Random(self.seed + 13)
        for k in range(10):
            self.add(f"broken-random-sheet-{k:02d}.xlsx", "broken", "either", parts | sheet1(random_sheet(grammar)))

    # -- hostile values in every field

    def values(self) -> None:
        empty = standard_book([], [])
        self.add("values-empty-template.xlsx", "values", "processed", empty.parts())

        records = [dict(r) for r in self.records]
        responses = [dict(r) for r in self.responses]
        for i, text in enumerate(NUMERIC_TEXTS):
            records[i]["complainants"] = text
            responses[i] |= dict.fromkeys(SURVEY_KEYS[4:], text)
        self.add("values-numbers-as-text.xlsx", "values", "processed", standard_book(records, responses).parts())
        raw = ["1e999999", "-1e999999", "1e308", "-1e308", "NaN", "INF", "-INF", "5e-324", "-0", HUGE_INTEGER]
        records = [dict(r) for r in self.records]
        responses = [dict(r) for r in self.responses]
        for i, text in enumerate(raw):
            records[i]["complainants"] = Num(text)
            responses[i] |= dict.fromkeys(SURVEY_KEYS[4:], Num(text))
        book = standard_book(records, responses)
        self.add("values-numbers-raw.xlsx", "values", "processed", book.parts(), rewrite="either")

        extremes: list[tuple[str, object]] = [
            ("nan-text", "NaN"),
            ("inf-text", "inf"),
            ("minus-inf-text", "-inf"),
            ("1e308", 1e308),
            ("minus-1e308", -1e308),
            ("1e999999-text", "1e999999"),
            ("1e999999-raw", Num("1e999999")),
            ("5000-digits-text", HUGE_INTEGER),
        ]
        for label, value in extremes:
            book = self.book()
            book.add_sheet(
                "Settings", [["Setting", "Value", "Meaning"], *([key, value, ""] for key in NUMERIC_SETTINGS)]
            )
            # a raw infinite number: openpyxl cannot read it; the package editor keeps its bytes
            rewrite = "either" if isinstance(value, Num) else ""
            self.add(f"values-settings-{label}.xlsx", "values", "processed", book.parts(), rewrite=rewrite)

        text_fields = [k for k in LOG_COLUMNS if k not in DATE_FIELDS and k != "complainants"]
        for raw_controls, name, expect in (
            (False, "values-control-chars.xlsx", "processed"),
            (True, "values-control-chars-raw-xml.xlsx", "either"),
        ):
            records = [dict(r) for r in self.records]
            for i, r in enumerate(records):
                for j, key in enumerate(text_fields):
                    ch = CONTROL_CHARS[(i + j) % 3]
                    text = str(r.get(key) or "x")
                    r[key] = [ch + text, text + ch, text[:1] + ch + text[1:]][(i + 2 * j) % 3]
            responses = [dict(r) for r in self.responses]
            for i, r in enumerate(responses):
                for key in ("response_id", "customer_id", "region"):
                    r[key] = str(r[key]) + CONTROL_CHARS[i % 3]
            self.add(name, "values", expect, standard_book(records, responses, raw_controls=raw_controls).parts())

        records = [dict(r) for r in self.records]
        for i, r in enumerate(records):
            for j, key in enumerate(text_fields[1:]):
                if (i + j) % 3 == 0:
                    r[key] = FORMULA_PAYLOADS[(i + j) % len(FORMULA_PAYLOADS)]
            if i % 5 == 0:
                r["resolved_at"] = FORMULA_PAYLOADS[i % len(FORMULA_PAYLOADS)]
        responses = [dict(r) for r in self.responses]
        for i, r in enumerate(responses):
            r["region"] = FORMULA_PAYLOADS[i % len(FORMULA_PAYLOADS)] if i % 2 else r["region"]
            r["customer_id"] = FORMULA_PAYLOADS[(i + 3) % len(FORMULA_PAYLOADS)]
        self.add("values-formula-text.xlsx", "values", "processed", standard_book(records, responses).parts())
        records = [dict(r) for r in self.records]
        for i, payload in enumerate(FORMULA_PAYLOADS):
            records[i]["complaint_id"] = payload
            records[i + len(FORMULA_PAYLOADS)]["complaint_id"] = payload  # a duplicate too
            records[i + len(FORMULA_PAYLOADS)]["customer_id"] = records[i]["customer_id"]
        self.add(
            "values-formula-complaint-ids.xlsx", "values", "processed", standard_book(records, self.responses).parts()
        )

        self.formula_cells()
        self.date_numbers()
        self.unlabelled_columns()

        parts = self.base_parts()
        log = parts["xl/worksheets/sheet1.xml"].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        self.add(
            "values-utf16-sheet.xlsx", "values", "processed", parts | {"xl/worksheets/sheet1.xml": log.encode("utf-16")}
        )
        self.extensions()
        book = self.book()
        for title in ("Validation", "Flags", "Scores", "Summary", "_ComplaintDesk"):
            book.add_sheet(title, [["My own sheet called", title], ["kept", 1, datetime(2026, 1, 2)]])
        self.add("values-sheet-names-taken.xlsx", "values", "processed", book.parts())
        book = Book()
        book.add_sheet("O'Neil's log! #1", log_rows(self.records))
        book.add_sheet("Survey 'A' & <B>", survey_rows(self.responses))
        self.add("values-quoted-sheet-names.xlsx", "values", "processed", book.parts())

    def formula_cells(self) -> None:
        records = [dict(r) for r in self.records]
        first = LOG_TITLES + 2
        complainants = LOG_COLUMNS.index("complainants") + 1
        shared = f"{column_letter(complainants)}{first}:{column_letter(complainants)}{first + len(records) - 1}"
        for i, r in enumerate(records):
            r["customer_id"] = Formula(f'"K"&{i + 1}', f"K{i + 1}")
            r["region"] = Formula('"East"', "East") if i % 2 else Formula('UPPER("west")', "WEST")
            moment = r["received_at"]
            assert isinstance(moment, datetime)
            r["received_at"] = Formula(
                f"DATE({moment.year},{moment.month},{moment.day})+{moment.hour}/24",
                number_text(serial(moment.replace(minute=0, second=0))),
                "n",
                STYLE_DATETIME,
            )
            r["complainants"] = Formula("1+0", "1", "n", shared=f' t="shared" ref="{shared}" si="0"' if i == 0 else "")
            if i:
                r["complainants"] = Formula("", "1", "n", shared=' t="shared" si="0"')
            r["legal"] = Formula('IF(1,"N","Y")', "N")
            r["description"] = Formula("1/0", "#DIV/0!", "e")
        responses = [dict(r) for r in self.responses]
        for r in responses:
            r["overall"] = Formula("4*2", "8", "n")
            r["response_id"] = Formula(f'"{r["response_id"]}"', str(r["response_id"]))
        self.add("values-formula-cells.xlsx", "values", "processed", standard_book(records, responses).parts())

    def date_numbers(self) -> None:
        records = base_records(random.Random(self.seed + 3), 75)
        for i, r in enumerate(records):
            if i < 60:
                r["received_at"] = Num(str(i + 1), STYLE_DATETIME)
            else:
                r["received_at"] = Num(number_text(DATE_NUMBERS[(i - 60) % len(DATE_NUMBERS)]), STYLE_DATETIME)
            r["first_response_at"] = Num(number_text(DATE_NUMBERS[i % len(DATE_NUMBERS)]), STYLE_DATE)
            r["resolved_at"] = Num(number_text(DATE_NUMBERS[(i + 5) % len(DATE_NUMBERS)]), STYLE_DATETIME)
        responses = [dict(r) for r in self.responses]
        for i, r in enumerate(responses):
            r["surveyed_at"] = Num(number_text(DATE_NUMBERS[i % len(DATE_NUMBERS)]), STYLE_DATE)
        book = standard_book(records, responses)
        self.add("values-numbers-in-date-cells.xlsx", "values", "processed", book.parts(), rewrite="either")

    def unlabelled_columns(self) -> None:
        """Two unlabelled columns (dates, numbers) right after the log's last header, one more past a gap."""
        rows = log_rows(self.records)
        for i, row in enumerate(rows[LOG_TITLES + 1 :]):
            row += [datetime(2026, 5, 1) + timedelta(days=i), i * 1.5 + 0.25, None, f"my note {i}"]
        rows[LOG_TITLES + 5] += [None, "far right"]
        book = Book()
        book.add_sheet(LOG_SHEET, rows)
        book.add_sheet(SURVEY_SHEET, survey_rows(self.responses))
        self.add("values-unlabelled-columns.xlsx", "values", "processed", book.parts())

    def extensions(self) -> None:
        """x14 extensions under a prefix other than `x14` (the same namespace)."""
        validation = (
            f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:foo="{X14_NS}">'
            f'<foo:dataValidations count="1" xmlns:xm="{XM_NS}"><foo:dataValidation type="list" allowBlank="1" '
            'showErrorMessage="1"><foo:formula1><xm:f>Lists!$A$1:$A$4</xm:f></foo:formula1>'
            "<xm:sqref>D4:D200</xm:sqref></foo:dataValidation></foo:dataValidations></ext></extLst>"
        )
        book = Book()
        book.add_sheet(LOG_SHEET, log_rows(self.records), tail=validation)
        book.add_sheet(SURVEY_SHEET, survey_rows(self.responses))
        book.add_sheet("Lists", [["East"], ["West"], ["North"], ["South"]])
        self.add("values-x14-foo-data-validation.xlsx", "values", "either", book.parts())
        sparklines = (
            f'<extLst><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:foo="{X14_NS}">'
            f'<foo:sparklineGroups xmlns:xm="{XM_NS}"><foo:sparklineGroup displayEmptyCellsAs="gap">'
            '<foo:colorSeries rgb="FF376092"/><foo:sparklines><foo:sparkline><xm:f>Survey!E2:I2</xm:f>'
            "<xm:sqref>J2</xm:sqref></foo:sparkline></foo:sparklines></foo:sparklineGroup>"
            "</foo:sparklineGroups></ext></extLst>"
        )
        book = Book()
        book.add_sheet(LOG_SHEET, log_rows(self.records))
        book.add_sheet(SURVEY_SHEET, survey_rows(self.responses), tail=sparklines)
        self.add("values-x14-foo-sparklines.xlsx", "values", "either", book.parts())

    # -- every cell random

    def random_books(self, count: int = 5) -> None:
        rng = random.Random(self.seed + 17)
        for k in range(count):
            records = [{key: random_value(rng) for key in LOG_COLUMNS} for _ in range(30)]
            responses = [{key: random_value(rng) for key in SURVEY_KEYS} for _ in range(20)]
            book = standard_book(records, responses).parts()  # may hold infinities: the rewrite may refuse
            self.add(f"random-values-{k}.xlsx", "random", "processed", book, rewrite="either")


DIMENSION_ALL = '<dimension ref="A1:XFD1048576"/>'
BASE = "valid-base.xlsx"
# The base's log and survey, only packaged or laid out differently (or with data outside both tables).
SAME_DATA = frozenset(
    {
        "valid-openpyxl.xlsx",
        "log #1 (copy) v2.xlsx",
        "huge-dimension.xlsx",
        "huge-stray-value.xlsx",
        "huge-stray-styled-empty.xlsx",
        "huge-no-cell-refs.xlsx",
        "huge-no-row-refs.xlsx",
        "huge-rows-out-of-order.xlsx",
        "exhaust-zip-bomb.xlsx",
        "exhaust-million-styled-rows.xlsx",
        "values-utf16-sheet.xlsx",
        "values-unlabelled-columns.xlsx",
        "values-x14-foo-data-validation.xlsx",
        "values-x14-foo-sparklines.xlsx",
        "values-sheet-names-taken.xlsx",
        "values-quoted-sheet-names.xlsx",
    }
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def sheet1(xml: str) -> dict[str, bytes]:
    return {"xl/worksheets/sheet1.xml": xml.encode()}


def without(parts: dict[str, bytes], name: str) -> dict[str, bytes]:
    return {k: v for k, v in parts.items() if k != name}


def split_rows(xml: str) -> tuple[str, list[str], str]:
    start = xml.index("<sheetData>") + len("<sheetData>")
    end = xml.index("</sheetData>")
    return xml[:start], re.findall(r"<row\b.*?</row>|<row\b[^>]*/>", xml[start:end]), xml[end:]


def normalized(data: bytes) -> bytes:
    """An openpyxl file with fixed timestamps (its core properties and zip entries)."""
    stamp = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = stamp.sub(rb"\g<1>2026-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return buffer.getvalue()


# ---------------------------------------------------------------- random values and random sheet XML

_SCRIPTS = [
    (0x41, 0x5A),
    (0x61, 0x7A),
    (0x4E00, 0x9FFF),  # CJK
    (0x0590, 0x05FF),  # Hebrew (RTL)
    (0x0600, 0x06FF),  # Arabic (RTL)
    (0x1F300, 0x1F64F),  # emoji
    (0x0300, 0x036F),  # combining marks
    (0xFF01, 0xFF5E),  # full-width forms
]
_ODD = ["\u200b", "\u200e", "\u200f", "\u202e", "\ufeff", "\u00a0", "\u3000", "\n", "\t", "\U0001f468\u200d\U0001f469"]


def random_text(rng: random.Random) -> str:
    length = rng.choice([0, 1, 2, 5, 12, 40, 300])
    out = []
    for _ in range(length):
        if rng.random() < 0.15:
            out.append(rng.choice(_ODD))
        else:
            low, high = rng.choice(_SCRIPTS)
            out.append(chr(rng.randint(low, high)))
    return "".join(out)


_LABELS = (
    [c.en for c in DEFAULT_CATEGORIES]
    + [c.zh for c in DEFAULT_CATEGORIES]
    + [s.en for s in SEVERITIES + STATUSES]
    + [s.zh for s in SEVERITIES + STATUSES]
    + ["East", "West", "Y", "N", "是", "否", "2026-11-01", "2026/13/45", "03/04/2026", "K001", "C0001"]
)


def random_value(rng: random.Random) -> object:
    kind = rng.randrange(10)
    if kind == 0:
        return None
    if kind == 1:
        return random_text(rng)
    if kind == 2:
        return rng.choice(_LABELS)
    if kind == 3:
        return rng.choice([0, 1, -1, 7, 10, 11, 2**31, -(2**63), 2**63 - 1, 10**15 + 1, rng.randint(-999, 999)])
    if kind == 4:
        return rng.choice([1e308, -1e308, 5e-324, -0.0, 1e-300, 0.1, 2.5, 9.999999, rng.uniform(-1e6, 1e6)])
    if kind == 5:
        return rng.choice([True, False])
    if kind == 6:
        return rng.choice([date(1900, 1, 1), date(9999, 12, 31), date(1900, 2, 28), date(1900, 3, 1)])
    if kind == 7:
        return datetime(2026, 11, 22, 12) + timedelta(days=rng.uniform(-400, 40))
    if kind == 8:
        return rng.choice([datetime(1900, 1, 1), datetime(9999, 12, 31, 23, 59, 59), datetime(2026, 11, 22, 12)])
    return rng.choice([Err("#N/A"), Err("#DIV/0!"), Inline(random_text(rng)), Num("1e999999"), ""])


_HEADER_ROW = "".join(
    f'<c r="{column_letter(c)}1" t="inlineStr"><is><t>{escape(header(k))}</t></is></c>'
    for c, k in enumerate(LOG_COLUMNS, start=1)
)


def random_sheet(rng: random.Random) -> str:
    """A log sheet from a small grammar: a real header row, then rows and cells of random refs, types and values."""

    def ref() -> str:
        pick = rng.random()
        if pick < 0.75:
            return f' r="{column_letter(rng.randint(1, 20))}{rng.randint(1, 400)}"'
        if pick < 0.85:
            return ""
        return f' r="{rng.choice(["A0", "1A", "", "a5", "AAAA1", "A-1", "A99999999999", "Z", "@@@"])}"'

    def value() -> str:
        return rng.choice(
            [
                str(rng.randint(-5, 50)),
                repr(rng.uniform(-1e9, 1e9)),
                "1e999999",
                "NaN",
                "",
                "abc",
                "-",
                "0x1F",
                "46327.5",
                str(rng.randint(0, 10**6)),
                "&amp;&lt;",
            ]
        )

    def cell() -> str:
        kind = rng.choice(["s", "n", "e", "b", "str", "inlineStr", "d", "zz", None])
        attrs = ref() + (f' t="{kind}"' if kind else "") + (f' s="{rng.randint(0, 5)}"' if rng.random() < 0.3 else "")
        inner = rng.choice(
            [
                f"<v>{value()}</v>",
                f"<is><t>{escape(random_text(rng))}</t></is>",
                f"<f>SUM(A1:A{rng.randint(1, 9)})</f><v>{value()}</v>",
                "",
                "<v/>",
                f"<v>{rng.choice(['#N/A', '#REF!', '#DIV/0!', 'TRUE'])}</v>",
            ]
        )
        return f"<c{attrs}>{inner}</c>" if inner else f"<c{attrs}/>"

    rows = [f'<row r="1">{_HEADER_ROW}</row>']
    for _ in range(rng.randint(5, 60)):
        r = f' r="{len(rows) + 1}"'
        if rng.random() < 0.3:
            r = rng.choice([f' r="{rng.randint(1, 400)}"', "", ' r="0"', ' r="-3"', ' r="x"'])
        rows.append(f"<row{r}>{''.join(cell() for _ in range(rng.randint(0, 18)))}</row>")
    if rng.random() < 0.3:
        rows.insert(rng.randrange(len(rows)), "<row/>" * rng.randint(1, 5))
    return sheet_xml(rows, rng.choice(["A1:Z400", "A1", "", "B2:A1", "XFD1048576"]))


def build_corpus(folder: Path, seed: int = 2026) -> list[Case]:
    """Write the whole corpus into `folder` (created if needed); returns its cases in a fixed order."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder, seed)
    corpus.valid()
    corpus.huge()
    corpus.exhaustion()
    corpus.broken()
    corpus.values()
    corpus.random_books()
    corpus.cases = [replace(c, same_as=BASE) if c.name in SAME_DATA else c for c in corpus.cases]
    names = [c.name for c in corpus.cases]
    assert len(names) == len(set(names)), "file names must be unique"
    return corpus.cases
