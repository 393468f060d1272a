"""The managers' summary: figures worked out by hand, the sheets and files it goes into, safety."""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.core.job import summary_of
from addin.core.summary import Summary
from addin.files.reader import load
from addin.files.run import JOBS, FileResult, Options, analyse, process_file
from addin.files.xlsx_writer import pages_bytes
from addin.mail import plan as dispatch
from addin.mail.plan import bodies, plan
from addin.mail.recipients import Recipients
from addin.pages.plan import Output, Pages
from tests.builders import AS_OF, managers_records, managers_workbook

GOLDEN = Path(__file__).parent / "data" / "summary_body.txt"


def analysed(path: Path) -> FileResult:
    loaded = load(path)
    return analyse(path, loaded.sheets, Options(as_of=AS_OF, jobs=JOBS), date1904=False, owned=loaded.owned)


def values(path: Path, sheet: str) -> list[list[object]]:
    return [list(row) for row in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True)]


def row_of(rows: list[list[object]], first: str) -> list[object]:
    return next(r for r in rows if r and r[0] == first)


@pytest.fixture
def summary(tmp_path: Path) -> Summary:
    result = analysed(managers_workbook(tmp_path / "log.xlsx"))
    assert result.summary is not None
    return result.summary


def test_headline_figures(summary: Summary) -> None:
    t = summary.total
    # 7 received; open: C3, C4, C5, C7; overdue: C3 (due 21 Nov 09:00); due soon: C5 (6 of 7 days used)
    assert (t.received, t.open, t.overdue, t.due_soon) == (7, 4, 1, 1)
    assert (t.open_share, t.overdue_share) == (pytest.approx(4 / 7), pytest.approx(1 / 4))
    # resolved: C1 in 2 days (on time), C2 in 10 (late), C6 in 4 (on time)
    assert (t.resolved, t.judged, t.on_time) == (3, 3, 2)
    assert t.median_days == 4 and t.mean_days == pytest.approx(16 / 3)
    # C7 repeats C3 (same customer and category); C2 and C3 stayed unresolved 7+ days: hot, recorded general
    assert (t.repeat, t.under_graded, summary.clusters) == (1, 2, 0)
    assert (summary.first, summary.last) == (AS_OF.replace(day=1, hour=9), AS_OF.replace(day=21, hour=9))


def test_tables_by_region_category_and_satisfaction(summary: Summary) -> None:
    regions = {name: c for name, c in summary.regions}
    assert list(regions) == ["East", "West", "North"]  # most complaints first
    assert (regions["East"].received, regions["East"].open, regions["East"].overdue) == (4, 2, 1)
    assert (regions["West"].due_soon, regions["West"].on_time_share) == (1, None)
    assert dict((n, c.received) for n, c in summary.categories) == {"Product quality": 6, "Parts supply": 1}
    scored = [(s.region, float(s.overall), s.rank) for s in summary.satisfaction if s.overall is not None]
    assert scored == [("East", 80.0, 1), ("West", 70.0, 2), (None, 76.0, None)]
    west = summary.satisfaction[1]
    assert west.short(summary.target) == 10 and set(west.dimensions.values()) == {70}


def test_action_list_is_open_flagged_complaints_most_urgent_first_with_owners(summary: Summary) -> None:
    listed = [(a.complaint, a.region, a.owner, a.assessment.flags) for a in summary.actions]
    assert listed == [
        ("C0003", "East", "Li", ("overdue", "under-graded")),
        ("C0005", "West", "Wang", ("due-soon",)),
        ("C0007", "East", "Li", ("repeat",)),
    ]
    assert summary.actions_total == 3


def test_region_slice_holds_only_that_region(tmp_path: Path) -> None:
    result = analysed(managers_workbook(tmp_path / "log.xlsx"))
    east = summary_of(result, "east ")  # matched like headers: case and spaces folded
    assert east.total.received == 4 and [n for n, _ in east.regions] == ["East"]
    assert [s.region for s in east.satisfaction] == ["East"]  # no company row, no other region
    assert {a.region for a in east.actions} == {"East"}


def test_run_writes_summary_first_and_a_standalone_summary_without_the_log(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    result = process_file(source, Options(as_of=AS_OF, jobs=JOBS))
    report, standalone = result.outputs["report"], result.outputs["summary"]
    assert standalone == tmp_path / "log.summary.xlsx"
    assert openpyxl.load_workbook(report).sheetnames[0] == "Summary"
    book = openpyxl.load_workbook(standalone)
    assert book.sheetnames == ["Summary", "Scores", "Flags"]
    rows = values(standalone, "Summary")
    assert row_of(rows, "Complaints received")[1] == 7
    assert row_of(rows, "Overdue (share of open)")[1:3] == [1, 0.25]
    assert row_of(rows, "Overall satisfaction (target 80)")[1] == 76.0
    assert len(book["Summary"]._charts) == 2
    flagged_categories = {row[15] for row in values(standalone, "Flags")[4:] if row[0]}
    assert flagged_categories == {"Product quality", "Parts supply"}  # labels, not the keys behind them
    # it travels without the log, so no link may point into it
    assert all(cell.hyperlink is None for row in book["Summary"].iter_rows() for cell in row)


def test_summary_never_shows_descriptions_or_customer_data(tmp_path: Path) -> None:
    records = [r | {"customer_name": "Mrs Secret", "description": "private words"} for r in managers_records()]
    source = managers_workbook(tmp_path / "log.xlsx", records)
    result = process_file(source, Options(as_of=AS_OF, jobs=JOBS))
    seen = {str(v) for row in values(result.outputs["summary"], "Summary") for v in row if v is not None}
    assert not {v for v in seen if "Secret" in v or "private" in v or v.startswith("K0")}


def test_annotate_adds_an_owned_summary_sheet_once(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    for _ in range(2):
        process_file(source, Options(as_of=AS_OF, jobs=JOBS, mode="in-place"))
    book = openpyxl.load_workbook(source)
    assert book.sheetnames.count("Summary") == 1 and "Summary2" not in book.sheetnames
    assert row_of(values(source, "Summary"), "Open (share of received)")[1] == 4
    assert book.active.title == "Complaints"  # the workbook opens where it did (addin/files/package_canvas.py)


def test_chinese_workbook_gets_a_chinese_summary(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    result = process_file(source, Options(as_of=AS_OF, jobs=JOBS, lang="zh"))
    rows = values(result.outputs["summary"], "汇总")
    assert row_of(rows, "受理投诉")[1] == 7


@pytest.mark.parametrize("text", ["=1+1", "+C1", "-2", "@SUM(A1)", '=HYPERLINK("http://x","y")'])
def test_formula_like_text_from_the_log_stays_text_everywhere(tmp_path: Path, text: str) -> None:
    records = managers_records()
    records[2] = records[2] | {"owner": text, "region": text}  # C0003: open, overdue, in the action list
    source = managers_workbook(tmp_path / "log.xlsx", records)
    result = process_file(source, Options(as_of=AS_OF, jobs=JOBS))
    annotated = process_file(source, Options(as_of=AS_OF, jobs=JOBS, mode="annotate")).outputs["annotated"]
    for path in (result.outputs["summary"], result.outputs["report"], annotated):
        cells = [c for row in openpyxl.load_workbook(path)["Summary"].iter_rows() for c in row if c.value == text]
        assert cells, path
        assert all(c.data_type == "s" for c in cells), path
    plain, html = bodies(summary_of(analysed(source)))
    assert text in plain and f">{escape(text)}</td>" in html


def test_plain_text_body_matches_the_golden_file(tmp_path: Path) -> None:
    result = analysed(managers_workbook(tmp_path / "log.xlsx"))
    message = plan(result, Recipients(), source="test", to=("boss@example.com",)).messages[0].message
    assert message.get_body(("plain",)).get_content() == GOLDEN.read_text(encoding="utf-8")


def test_a_too_large_attachment_leaves_the_flags_out_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = analysed(managers_workbook(tmp_path / "log.xlsx"))
    assert result.summary is not None and result.flags is not None
    pages = [p.content(None) for p in Pages(result).plan(Output.SUMMARY)]
    with_flags, without = len(pages_bytes(pages)), len(pages_bytes(pages[:-1]))
    monkeypatch.setattr(dispatch, "MAX_ATTACHMENT", (with_flags + without) // 2)
    message = plan(result, Recipients(), source="test", to=("boss@example.com",)).messages[0].message
    part = next(message.iter_attachments())
    assert openpyxl.load_workbook(io.BytesIO(part.get_content())).sheetnames == ["Summary", "Scores"]
    plain = message.get_body(("plain",)).get_content()
    assert "holds the Summary and Scores sheets" in plain and "The Flags sheet was left out" in plain


def test_html_body_escapes_every_value(tmp_path: Path) -> None:
    records = managers_records()
    records[2] = records[2] | {"owner": "<script>alert(1)</script> & co"}
    result = analysed(managers_workbook(tmp_path / "log.xlsx", records))
    _, html = bodies(summary_of(result))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_run_command_names_the_summary_output(tmp_path: Path) -> None:
    source = managers_workbook(tmp_path / "log.xlsx")
    result = CliRunner().invoke(cli, ["run", str(source), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "log.summary.xlsx" in result.output
