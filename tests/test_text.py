"""The one catalogue of display text (`addin.core.text`), and display text that follows the live rules."""

from __future__ import annotations

import ast
import string
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from addin.cli import cli
from addin.core.flag_rules import FlagRules
from addin.core.problems import RULES, SUGGESTION
from addin.core.text import CATALOGUE, LANGS, Entry, Row, template, text, texts
from addin.pages.flags import legend_texts
from tests.builders import AS_OF, complaint, log_grid, response, survey_grid, write_workbook

ADDIN = Path(__file__).parent.parent / "addin"
# The sample generator writes its own content (Chinese and English sample data), not the add-in's text.
OWN_TEXT = [p for p in ADDIN.rglob("*.py") if "text" not in p.parent.name and p.parent.name != "build"]


def placeholders(pattern: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages_with_the_same_placeholders(key: str) -> None:
    found = CATALOGUE[key]
    pairs = list(zip(found.en, found.zh, strict=True)) if isinstance(found, Row) else [(found.en, found.zh)]
    assert pairs, key
    for en, zh in pairs:
        assert isinstance(en, str) and isinstance(zh, str)
        assert bool(en) == bool(zh), f"{key}: one language is empty"
        assert placeholders(en) == placeholders(zh), key


def test_keys_are_namespaced() -> None:
    namespaces = {key.split(".")[0] for key in CATALOGUE}
    assert namespaces == {
        "sheet",
        "validation",
        "scores",
        "flags",
        "summary",
        "problem",
        "alert",
        "run",
        "note",
        "error",
        "mail",
    }
    assert all("." in key and key == key.strip() for key in CATALOGUE)


def test_lookups() -> None:
    assert text("flags.legend.due-soon", "en", due_soon="80") == "Due soon (80% or more of the allowed time used)"
    assert text("flags.legend.due-soon", "zh", due_soon="80") == "即将到期（已用时限 80% 以上）"
    assert template("validation.title", "zh") == "校验结果 — {name}"
    assert texts("validation.side", "en") == ("Code", "Severity", "Count")
    with pytest.raises(KeyError):
        text("validation.header", "en")  # a row, not one string
    with pytest.raises(KeyError):
        texts("validation.title", "en")
    with pytest.raises(KeyError):
        text("validation.title", "fr", name="x")


def test_problem_messages_are_the_catalogues() -> None:
    for code, rule in RULES.items():
        entry = CATALOGUE[f"problem.{code}"]
        assert isinstance(entry, Entry) and (rule.en, rule.zh) == (entry.en, entry.zh)
    assert {key.removeprefix("problem.") for key in CATALOGUE if key.startswith("problem.")} == {*RULES, "suggestion"}
    assert SUGGESTION == {lang: template("problem.suggestion", lang) for lang in LANGS}


@pytest.mark.parametrize("module", sorted(str(p.relative_to(ADDIN)) for p in OWN_TEXT))
def test_no_module_keeps_its_own_table_of_text(module: str) -> None:
    """A dict keyed by language ("en"/"zh") outside the catalogue is a second place to look for text."""
    tree = ast.parse((ADDIN / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            assert not keys & set(LANGS), f"{module}:{node.lineno} has a per-language table"
        if isinstance(node, ast.Name):
            assert node.id != "_TEXT", f"{module}:{node.lineno}"


# --- display text from the live rules ------------------------------------------------------------

SETTINGS: list[list[object]] = [
    ["deadline.due_soon", "80%"],
    ["repeat.window_days", 14],
    ["cluster.window_days", 10],
    ["cluster.min_customers", 4],
    ["severity.hot_complainants", 5],
    ["severity.major_complainants", 12],
    ["severity.hot_after_days", 5],
    ["severity.major_after_days", 20],
    ["score.target", 85],
    ["score.min_responses", 10],
]
# What each changed rule makes the sheets say; the defaults (75%, 30 days, 3 customers, …) must not appear.
EXPECTED = {
    "en": [
        "Due soon (80% or more of the allowed time used)",
        "5 or more complainants",
        "12 or more complainants",
        "unresolved 5 days after receipt",
        "unresolved 20 days after receipt",
        "same complaint from 4 or more customers within 10 days",
        "in 14 days",
        "target 85",
        "fewer than 10 responses",
        "Overall satisfaction (target 85)",
    ],
    "zh": [
        "即将到期（已用时限 80% 以上）",
        "5 人以上集体投诉",
        "12 人以上集体投诉",
        "投诉 5 天后仍未解决",
        "投诉 20 天后仍未解决",
        "10 天内 4 位以上不同客户的相同投诉",
        "14 天内第 2 次",
        "目标 85 分",
        "样本少于 10 份",
        "总体满意度（目标 85）",
    ],
}
DEFAULTS = {
    "en": ["75%", "3 or more complainants", "10 or more complainants", "unresolved 7 days", "unresolved 30 days",
           "3 or more customers", "within 30 days", "in 30 days", "target 80", "fewer than 30"],
    "zh": ["75%", "3 人以上", "10 人以上", "投诉 7 天后", "投诉 30 天后", "30 天内", "3 位以上", "目标 80", "少于 30"],
}  # fmt: skip


def _case(n: int, days_ago: float, **changes: object) -> dict[str, object]:
    """An open complaint received `days_ago` days before the as-of time."""
    received = AS_OF - timedelta(days=days_ago)
    changes = {"subject": f"S{n}", "first_response_at": received + timedelta(hours=1)} | changes
    return complaint(n, received_at=received, resolved_at="", status="In progress", **changes)


def _rules_workbook(path: Path, lang: str) -> Path:
    records = [
        _case(1, 6.5),  # due soon at 80% of its 7 days; unresolved 5 days: hot
        _case(2, 1, complainants=5),  # hot by complainants
        _case(3, 1, complainants=12),  # major by complainants
        _case(4, 21),  # unresolved 20 days: major
        _case(5, 12, customer_id="K900"),
        _case(6, 1, customer_id="K900"),  # repeat of 5 within 14 days
        *(_case(n, 2 + n % 3, subject="AC-9") for n in range(7, 11)),  # 4 customers, one subject: a cluster
    ]
    responses = [response(n) for n in range(1, 4)]  # 3 responses: fewer than 10
    settings: list[list[object]] = [["Setting", "Value"], *SETTINGS]
    sheets = {"Complaints": log_grid(records, lang=lang), "Survey": survey_grid(responses, lang=lang)}
    return write_workbook(path, sheets | {"Settings" if lang == "en" else "设置": settings})


def _written_text(path: Path) -> str:
    """Every text cell of the annotated workbook but the Settings sheet (which holds the values as typed)."""
    wb = openpyxl.load_workbook(path)
    sheets = [ws for ws in wb.worksheets if ws.title not in ("Settings", "设置")]
    return "\n".join(c.value for ws in sheets for row in ws.iter_rows() for c in row if isinstance(c.value, str))


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_state_the_live_rules_not_the_defaults(tmp_path: Path, lang: str) -> None:
    path = _rules_workbook(tmp_path / "log.xlsx", lang)
    result = CliRunner().invoke(cli, ["run", str(path), "--annotate", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    written = _written_text(tmp_path / "log.annotated.xlsx")
    missing = [phrase for phrase in EXPECTED[lang] if phrase not in written]
    assert not missing, written
    stale = [phrase for phrase in DEFAULTS[lang] if phrase in written]
    assert not stale


@pytest.mark.parametrize(("share", "shown"), [(Fraction(3, 4), "75"), (Fraction(4, 5), "80"), (Fraction(2, 3), "66.7")])
def test_due_soon_legend_follows_the_setting(share: Fraction, shown: str) -> None:
    rules = FlagRules(due_soon=share)
    assert legend_texts(rules, "en")[1] == f"Due soon ({shown}% or more of the allowed time used)"
    assert legend_texts(rules, "zh")[1] == f"即将到期（已用时限 {shown}% 以上）"
