"""Notes, alerts and Recipients problems are data from the one catalogue, shown in the workbook's language."""

from __future__ import annotations

import pytest

from addin import excel
from addin.core.job import ALL_JOBS, Request, analyse
from addin.core.text import Message, message
from addin.mail.recipients import find_recipients
from tests.builders import AS_OF, complaint, log_grid, response, survey_grid
from tests.xlwings_standin import book_from_grids


def test_a_message_is_a_key_and_values_in_both_languages() -> None:
    note = message("note.invalid-ratings", n=3)
    assert note == Message("note.invalid-ratings", (("n", 3),))
    assert str(note) == "3 invalid ratings were left out of the scores; 'complaints validate' lists them"
    assert note.text("zh").startswith("3 个无效评分")
    with pytest.raises(KeyError):
        message("note.no-such-note")


def test_recipients_problems_say_which_cell_and_what() -> None:
    sheet = [["Region", "E-mail"], ["East", "not-an-address"], ["", "boss@example.com"], ["West", ""]]
    found = find_recipients({"Recipients": sheet})
    assert [(p.key, dict(p.values)["cell"]) for p in found.problems] == [
        ("note.recipient-bad-address", "Recipients!B2"),
        ("note.recipient-no-region", "Recipients!B3"),
        ("note.recipient-no-address", "Recipients!B4"),
    ]
    assert found.problems[0].text("zh") == "Recipients!B2：“not-an-address”不是电子邮件地址"


def test_notes_of_a_run_are_messages() -> None:
    sheets = {"Log": log_grid([complaint(1)]), "Survey": survey_grid([response(1, skill=11)])}
    found = analyse("log.xlsx", sheets, Request(AS_OF, ("score",)))  # type: ignore[arg-type]
    assert [n.key for n in found.notes] == ["note.invalid-ratings"]
    assert all(isinstance(n, Message) for n in analyse("log.xlsx", sheets, Request(AS_OF, ALL_JOBS)).notes)


def test_a_chinese_workbook_gets_a_chinese_alert() -> None:
    sheets = {"登记表": log_grid([complaint(1), complaint(2, complaint_id="C0001")], lang="zh")}
    book = book_from_grids("log.xlsx", sheets)
    said = excel.validate_log(book)
    head, note = said.splitlines()
    assert head == "2 个问题 — 见“校验结果”表"
    assert note.startswith("注意：")  # the table finder's reason itself is English for now
    assert book.app.alerts == [said]
    assert book.app.status[-1] is False  # the status bar is given back to Excel


def test_an_english_workbook_gets_an_english_alert() -> None:
    book = book_from_grids("log.xlsx", {"Log": log_grid([complaint(1)])})
    assert excel.validate_log(book).splitlines()[0] == "No problems found — see Validation"
