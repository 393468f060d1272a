"""Build the committed Excel files from text: `python -m addin.build [--out workbooks]`.

* `complaints_template.xlsm`: the sample log and survey (English), Settings, Recipients, an
  Instructions sheet, five buttons on the log sheet wired to `macros/Buttons.bas`, and an
  `xlwings.conf` sheet (which Python the buttons use);
* `ComplaintDesk.xlam`: the add-in, with `macros/Ribbon.bas` behind the "Complaints" ribbon tab
  of `macros/customUI.xml` (the 2006 customUI form, which openpyxl keeps).
Both carry xlwings' own BSD-licensed VBA module and its Dictionary class, taken from the
installed xlwings (pinned in pyproject), so users need no xlwings add-in: the template its
standalone `xlwings.bas`, the add-in `xlwings_custom_addin.bas` (see `xlwings_modules`). The VBA project is
source only (`addin.build.ovba`): Excel compiles it when the file is first opened.

Same inputs, same bytes: fixed document dates, fixed zip timestamps, no random GUIDs.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwings

from addin.build.ovba import Module, document_module, vba_project
from addin.build.sample import FIXED_CREATED, write_sample
from addin.files.reader import load

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "macros"
XLWINGS = Path(xlwings.__file__).parent
CUSTOM_PROJECT_NAME = 'Public Const PROJECT_NAME As String = "myaddin"'
ADDIN_PROJECT_NAME = 'Public Const PROJECT_NAME As String = "xlwings"'
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
ADDIN_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
MACRO_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEMPLATE_ROWS = 60  # example complaints and responses in the template: enough to see every button work


@dataclass(frozen=True)
class Button:
    macro: str  # Sub in Buttons.bas
    caption: str
    ribbon: str  # Sub in Ribbon.bas


BUTTONS = (
    Button("ValidateLog", "Validate log", "Ribbon_ValidateLog"),
    Button("ShowScores", "Scores", "Ribbon_Scores"),
    Button("ShowFlags", "Flags", "Ribbon_Flags"),
    Button("RunAll", "Run all", "Ribbon_RunAll"),
    Button("EmailSummary", "Email summary", "Ribbon_EmailSummary"),
)
# The xlwings.conf sheet. xlwings' GetConfig reads column A (key) and B (value) from A1 down to the
# first empty cell in A, and a key found there ends the lookup even when its value is empty, hiding the
# user's config file. So the A:B block holds only keys with a value (none by default: xlwings' defaults
# and the user's file apply), and the keys one may set are documented from column D, which it never reads.
XLWINGS_SETTINGS: tuple[tuple[str, str], ...] = ()
USER_CONFIG = (
    r"Windows: %USERPROFILE%\.xlwings\xlwings.conf; macOS: ~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf"
)
XLWINGS_CONF_NOTES = (
    "Settings for the buttons: a key in column A, its value in column B, from A1 down with no empty row.",
    "Add only the keys you set: a key here, even with an empty value, hides the same key in the user's",
    f"xlwings config file ({USER_CONFIG}; `xlwings config create` writes it).",
    "With nothing set here or there, the buttons run `python` on the PATH.",
)
XLWINGS_CONF_KEYS = (  # key, example value, what it is for
    (
        "Interpreter_Win",
        r"C:\Users\you\AppData\Local\Programs\Python\Python311\python.exe",
        "Windows: python.exe with complaint-desk installed",
    ),
    ("Interpreter_Mac", "/usr/local/bin/python3", "macOS: python3 with complaint-desk installed (`which python3`)"),
    (
        "PYTHONPATH",
        r"C:\src\complaint-desk",
        "extra folders to import from (not needed when complaint-desk is pip-installed)",
    ),
    ("Show Console", "True", "Windows: shows a console with Python's output, for troubleshooting"),
)
INSTRUCTIONS = (
    "Complaint Desk — how to use this workbook",
    "",
    "1. Replace the example rows on Complaints and Survey with your own (keep the header rows).",
    "2. Click a button on the Complaints sheet (or use the Complaints tab of the ComplaintDesk add-in):",
    "   Validate log — every problem listed on the Validation sheet with a link to its cell; cells marked.",
    "   Scores — satisfaction scores per dimension and region against the target (Scores sheet).",
    "   Flags — overdue, due-soon, repeat and secondary complaints, clusters (Flags sheet, ⚑ columns).",
    "   Run all — all three, and the Summary sheet for managers.",
    "   Email summary — each region's summary to its managers on the Recipients sheet (* = whole company);",
    "   the mail server comes from the COMPLAINTS_SMTP_* environment variables (see the README).",
    "3. Settings holds the rules (deadlines, target, …); Recipients the managers per region.",
    "The buttons need Python with complaint-desk installed: see the xlwings.conf sheet and the README.",
    "A re-run replaces only what the add-in wrote; your own sheets, colours and notes are kept.",
)


def read_macro(name: str) -> str:
    return (MACROS / name).read_text(encoding="utf-8")


def xlwings_modules(*, addin: bool = False) -> list[Module]:
    """xlwings' VBA module and the Dictionary class it needs, from the installed package.

    The template gets the standalone `xlwings.bas`: RunPython passes ThisWorkbook, the template itself.
    The add-in gets `xlwings_custom_addin.bas`, xlwings' module for custom add-ins: RunPython passes
    ActiveWorkbook (so `Book.caller()` is the user's workbook, and the add-in, which macOS leaves out of
    `app.books`, is never looked up) and GetConfig reads the active workbook's config sheet, then the
    add-in's, then the directory's and the user's file. Its PROJECT_NAME, "myaddin", names that sheet
    and file; xlwings' docs have a custom add-in change it, and here it becomes "xlwings", so both files
    read the `xlwings.conf` sheet and the user's xlwings config file the README describes.
    """
    if not addin:
        return [Module("xlwings", (XLWINGS / "xlwings.bas").read_text(encoding="utf-8"), "standard"), _dictionary()]
    code = (XLWINGS / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    if code.count(CUSTOM_PROJECT_NAME) != 1:
        raise ValueError(f"xlwings_custom_addin.bas no longer has exactly one line {CUSTOM_PROJECT_NAME!r}")
    return [Module("xlwings", code.replace(CUSTOM_PROJECT_NAME, ADDIN_PROJECT_NAME), "standard"), _dictionary()]


def _dictionary() -> Module:
    return Module("Dictionary", (XLWINGS / "addin" / "Dictionary.cls").read_text(encoding="utf-8"), "class")


def _project(sheets: int, own: list[Module], *, addin: bool = False) -> bytes:
    documents = [document_module("ThisWorkbook", WORKBOOK_BASE)]
    documents += [document_module(f"Sheet{n}", SHEET_BASE) for n in range(1, sheets + 1)]
    return vba_project([*documents, *own, *xlwings_modules(addin=addin)])


def _write_xlwings_conf(ws: xlsxwriter.worksheet.Worksheet, note: object) -> None:
    """Active settings in A:B (none may be empty, see XLWINGS_SETTINGS); the documentation from column D."""
    ws.set_column(0, 1, 20)
    ws.set_column(3, 3, 18)
    ws.set_column(4, 4, 60)
    ws.set_column(5, 5, 80)
    for r, (key, value) in enumerate(XLWINGS_SETTINGS):
        if not key or not value:
            raise ValueError(f"xlwings.conf: {key!r} needs a value, or an empty one hides the user's config file")
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)
    for r, line in enumerate(XLWINGS_CONF_NOTES):
        ws.write_string(r, 3, line, note)
    top = len(XLWINGS_CONF_NOTES) + 1
    for c, title in enumerate(("Key", "Example value", "What for"), start=3):
        ws.write_string(top, c, title, note)
    for r, row in enumerate(XLWINGS_CONF_KEYS, start=top + 1):
        for c, value in enumerate(row, start=3):
            ws.write_string(r, c, value)


def _workbook(target: io.BytesIO) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    book.set_properties({"created": FIXED_CREATED, "author": "Complaint Desk", "title": "Complaint Desk"})
    book.set_vba_name("ThisWorkbook")
    return book


def _sample_sheets() -> dict[str, list[list[object]]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.xlsx"
        write_sample(path, rows=TEMPLATE_ROWS, survey_rows=TEMPLATE_ROWS, lang="en", seed=2026)
        return load(path).sheets


def _write_grid(ws: xlsxwriter.worksheet.Worksheet, grid: list[list[object]], formats: dict[str, object]) -> None:
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value in (None, ""):
                continue
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, formats["datetime"])
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), formats["date"])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))


def build_template(path: Path) -> None:
    sheets = _sample_sheets()
    buffer = io.BytesIO()
    book = _workbook(buffer)
    formats = {
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True}),
        "title": book.add_format({"bold": True, "font_size": 16}),
        "note": book.add_format({"bold": True}),
    }
    titles = [*sheets, "Instructions", "xlwings.conf"]
    for n, title in enumerate(titles, start=1):
        ws = book.add_worksheet(title)
        ws.set_vba_name(f"Sheet{n}")
        if title in sheets:
            _write_grid(ws, sheets[title], formats)
            ws.set_column(0, 20, 14)
        if n == 1:  # the log: buttons on its title rows, above the table's header (row 4)
            for k, button in enumerate(BUTTONS):
                ws.insert_button(
                    0, 4 + 2 * k, {"macro": button.macro, "caption": button.caption, "width": 120, "height": 30}
                )
            ws.activate()
        if title == "Instructions":
            ws.set_column(0, 0, 110)
            for r, line in enumerate(INSTRUCTIONS):
                ws.write_string(r, 0, line, formats["title"] if r == 0 else None)
        if title == "xlwings.conf":
            _write_xlwings_conf(ws, formats["note"])
    book.add_vba_project(
        io.BytesIO(_project(len(titles), [Module("Buttons", read_macro("Buttons.bas"), "standard")])), is_stream=True
    )
    book.close()
    path.write_bytes(_normalised(buffer.getvalue()))


def build_addin(path: Path) -> None:
    buffer = io.BytesIO()
    book = _workbook(buffer)
    ws = book.add_worksheet("xlwings.conf")
    ws.set_vba_name("Sheet1")
    _write_xlwings_conf(ws, book.add_format({"bold": True}))
    book.add_vba_project(
        io.BytesIO(_project(1, [Module("Ribbon", read_macro("Ribbon.bas"), "standard")], addin=True)), is_stream=True
    )
    book.close()
    path.write_bytes(_normalised(buffer.getvalue(), ribbon=read_macro("customUI.xml").encode("utf-8")))


def _normalised(package: bytes, ribbon: bytes | None = None) -> bytes:
    """The package with fixed zip timestamps; with `ribbon`, turned into an add-in carrying that customUI."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if ribbon is not None and info.filename == "[Content_Types].xml":
                data = data.replace(MACRO_TYPE.encode(), ADDIN_TYPE.encode())
            if ribbon is not None and info.filename == "_rels/.rels":
                link = f'<Relationship Id="rIdCustomUI" Type="{UI_RELATIONSHIP}" Target="customUI/customUI.xml"/>'
                data = data.replace(b"</Relationships>", link.encode() + b"</Relationships>")
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
        if ribbon is not None:
            target.writestr(zipfile.ZipInfo("customUI/customUI.xml", ZIP_TIME), ribbon, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    template, addin = out / "complaints_template.xlsm", out / "ComplaintDesk.xlam"
    build_template(template)
    build_addin(addin)
    return [template, addin]
