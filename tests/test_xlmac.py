"""The buttons through xlwings' real macOS engine (`xlwings._xlmac`), with only AppleScript faked
(`tests/fake_appscript.py`): what arrives at Excel is the exact AppleScript command the project's
calls turn into. Each test names the finding of issue 14 it guards: the 2-D read that raised in
`_xlmac`, unions cut to their first cell, the chart title, text re-typed by Excel.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from addin.core.values import CellError
from addin.excel import buttons
from addin.excel.canvas import XlwingsCanvas
from addin.sheets.canvas import ChartSpec, Style, rgb_spec
from tests import xlwings_standin
from tests.fake_appscript import Workbook, XlError, book_from_grids, open_book, parse_address, planted_grids

AS_OF = datetime(2026, 11, 21, 9, 0)
BUTTONS = {
    "validate_log": ("validate",),
    "scores": ("score",),
    "flags": ("flag",),
    "run_all": ("validate", "score", "flag"),
}


def _standin(grids: dict[str, list[list[object]]]) -> xlwings_standin.Book:
    plain = {t: [[v.text if isinstance(v, XlError) else v for v in row] for row in g] for t, g in grids.items()}
    return xlwings_standin.book_from_grids("log.xlsx", plain)


@pytest.fixture
def mac(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, object, Workbook]]:
    workbook = book_from_grids("log.xlsx", planted_grids())
    book, excel = open_book(monkeypatch, workbook)
    yield book, excel, workbook


def test_engine_is_the_real_mac_module(mac: tuple[object, object, Workbook]) -> None:
    book, excel, _ = mac
    assert type(book.impl).__module__ == "xlwings._xlmac"  # type: ignore[attr-defined]
    assert [s.name for s in book.sheets] == ["Complaints", "Survey"]  # type: ignore[attr-defined]
    assert "app('Microsoft Excel').workbooks['log.xlsx'].worksheets.name" not in {c.ref for c in excel.calls}  # type: ignore[attr-defined]


def test_read_is_one_value_get_and_errors_are_cell_errors(mac: tuple[object, object, Workbook]) -> None:
    """The sheet is one raw value read; only because it holds an error, one string_value read gives its text."""
    book, excel, _ = mac
    grid = XlwingsCanvas(book).read("Complaints")
    assert grid[10][0] == "C0010" and grid[10][LOG_OWNER] == CellError("#N/A")
    assert grid[1][0] == "C0001" and grid[11][LOG_OWNER] == "Li"
    reads = excel.sent("get", "worksheets['Complaints'].cells[")  # type: ignore[attr-defined]
    whole = "app('Microsoft Excel').workbooks['log.xlsx'].worksheets['Complaints'].cells['$A$1:$N$13']"
    assert [c.ref for c in reads if c.ref.endswith((".value", ".string_value"))] == [
        f"{whole}.value",
        f"{whole}.string_value",
    ]


LOG_OWNER = 8  # the owner column (I) of log_grid


def test_single_cell_read_without_errors_works_today(mac: tuple[object, object, Workbook]) -> None:
    """A scalar read takes the path that does not hit the 2-D bug: the fake answers like Excel."""
    book, _, _ = mac
    assert book.sheets["Complaints"].range("A2").value == "C0001"  # type: ignore[attr-defined]


def test_multi_area_paint_reaches_excel_one_whole_area_per_call(mac: tuple[object, object, Workbook]) -> None:
    """_xlmac cuts "A5:V9,A12:V12" to A5 (it splits on ':'), so each area goes in its own call, whole."""
    book, excel, workbook = mac
    XlwingsCanvas(book).paint("Complaints", [(5, 1, 9, 22), (12, 1, 12, 22)], "FFC7CE")
    sets = excel.sent("set", ".interior_object.color")  # type: ignore[attr-defined]
    sheet = "app('Microsoft Excel').workbooks['log.xlsx'].worksheets['Complaints']"
    assert [(c.ref, c.args) for c in sets] == [
        (f"{sheet}.cells['A5:V9'].interior_object.color", ((255, 199, 206),)),
        (f"{sheet}.cells['A12:V12'].interior_object.color", ((255, 199, 206),)),
    ]
    assert workbook.sheet("Complaints").cells[(12, 3)].fill == (255, 199, 206)
    assert workbook.sheet("Complaints").cells[(9, 22)].fill == (255, 199, 206)


def test_single_area_style_arrives_as_applescript(mac: tuple[object, object, Workbook]) -> None:
    book, excel, workbook = mac
    style = Style(bold=True, italic=False, size=12, colour="9C0006", fill="FFEB9C", wrap=True, number_format="0.0%")
    XlwingsCanvas(book).style("Survey", [(2, 1, 4, 3)], style)
    cells = "app('Microsoft Excel').workbooks['log.xlsx'].worksheets['Survey'].cells['A2:C4']"
    sets = [(c.ref.removeprefix(cells), c.args) for c in excel.sent("set", cells)]  # type: ignore[attr-defined]
    assert sets == [
        (".font_object.bold", (True,)),
        (".font_object.italic", (False,)),
        (".font_object.font_size", (12,)),
        (".font_object.color", ((156, 0, 6),)),
        (".interior_object.color", ((255, 235, 156),)),
        (".wrap_text", (True,)),
        (".number_format", ("0.0%",)),
    ]
    assert workbook.sheet("Survey").cells[(4, 3)].number_format == "0.0%"


def test_notes_are_applescript_comments(mac: tuple[object, object, Workbook]) -> None:
    book, excel, workbook = mac
    xl = XlwingsCanvas(book)
    xl.note("Complaints", (7, 4), "[missing] Region is empty", author="Complaint Desk")
    assert workbook.sheet("Complaints").cells[(7, 4)].note == "[missing] Region is empty"
    assert xl.notes("Complaints", [(7, 4), (7, 5)]) == {(7, 4): True}
    xl.note("Complaints", (7, 4), None, author="Complaint Desk")
    assert workbook.sheet("Complaints").cells[(7, 4)].note is None
    sent = [str(c) for c in excel.calls if "comment" in c.command.lower()]  # type: ignore[attr-defined]
    cell = "app('Microsoft Excel').workbooks['log.xlsx'].worksheets['Complaints'].cells['$D$7']"
    assert f"{cell}.add_comment(comment_text='[missing] Region is empty')" in sent
    assert f"{cell}.clear_Excel_comments()" in sent


def test_fill_read_arrives_as_interior_reads(mac: tuple[object, object, Workbook]) -> None:
    book, excel, workbook = mac
    workbook.sheet("Complaints").cell(3, 2).fill = (255, 0, 0)
    assert XlwingsCanvas(book).fills("Complaints", [(3, 2, 3, 2)]) == {(3, 2): rgb_spec("FF0000")}
    assert any("cells['$B$3" in c.ref and c.ref.endswith(".interior_object.color") for c in excel.sent("get"))  # type: ignore[attr-defined]


CHART = ChartSpec(
    title="Scores by region",
    anchor=(2, 8),
    categories=(3, 1, 6, 1),
    series=((2, 2, 6, 2),),
    line=None,
    y_title="Score",
    y_max=10,
)


def test_chart_source_is_one_block_of_categories_and_values(mac: tuple[object, object, Workbook]) -> None:
    """No union on macOS: categories and values beside them go as one block (A2:B6), never cut to a cell."""
    book, _, workbook = mac
    XlwingsCanvas(book).chart("Survey", CHART)
    chart = workbook.sheet("Survey").charts[0]
    assert parse_address(chart.source or "") == [(2, 1, 6, 2)]


def test_chart_title_is_shown(mac: tuple[object, object, Workbook]) -> None:
    book, _, workbook = mac
    XlwingsCanvas(book).chart("Survey", CHART)
    chart = workbook.sheet("Survey").charts[0]
    assert (chart.has_title, chart.title) == (True, "Scores by region")


def test_text_is_stored_as_text(mac: tuple[object, object, Workbook]) -> None:
    book, excel, workbook = mac
    rows = [["0012", "03/04/2026", "2026-10-26 17:30", "=not a formula", 12.5]]
    XlwingsCanvas(book).write("Survey", 20, 1, rows)
    stored = [workbook.sheet("Survey").cells[(20, c)].value for c in range(1, 6)]
    assert stored == rows[0]
    cells = excel.sent(contains="worksheets['Survey'].cells[")  # type: ignore[attr-defined]
    text_format = [i for i, c in enumerate(cells) if c.ref.endswith(".number_format") and c.args == ("@",)]
    value = [i for i, c in enumerate(cells) if c.ref.endswith(".value") and c.command == "set"]
    assert text_format and value and text_format[0] < value[0]


@pytest.mark.parametrize("button", BUTTONS)
def test_button_alert_as_on_the_standin(button: str, mac: tuple[object, object, Workbook]) -> None:
    book, excel, _ = mac
    expected = buttons.press(BUTTONS[button], _standin(planted_grids()), as_of=AS_OF)  # type: ignore[arg-type]
    assert buttons.press(BUTTONS[button], book, as_of=AS_OF) == expected  # type: ignore[arg-type]
    assert excel.alerts == [("Complaint Desk", expected)]  # type: ignore[attr-defined]
    assert excel.props["status_bar"] is False  # type: ignore[attr-defined]


@pytest.mark.parametrize("button", BUTTONS)
def test_button_calls_arrive_intact(button: str, mac: tuple[object, object, Workbook]) -> None:
    """One value read per sheet (Flags reads the log's header row once more); no address reaches Excel cut."""
    book, excel, _ = mac
    buttons.press(BUTTONS[button], book, as_of=AS_OF)  # type: ignore[arg-type]
    value_reads = [c.ref for c in excel.sent("get") if c.ref.endswith(".value")]  # type: ignore[attr-defined]
    log_reads = sum("worksheets['Complaints'].cells[" in ref for ref in value_reads)
    assert log_reads == (2 if button in ("flags", "run_all") else 1)
    assert sum("worksheets['Survey'].cells[" in ref for ref in value_reads) == 1
    sent = [c.ref.split(".cells[", 1)[1].split("]", 1)[0].strip("'") for c in excel.calls if ".cells[" in c.ref]  # type: ignore[attr-defined]
    assert sent and not [a for a in sent if "," in a]  # _xlmac would keep only the first cell of a union
