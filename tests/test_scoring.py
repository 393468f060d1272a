from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import pytest

from addin.core.scoring import ScoreError, Scores, grade, score_survey, shown, shown_gap
from addin.core.settings import ConfigError, Entry, Origin, Settings, build_settings
from addin.core.stats import correlation, t_quantile
from addin.core.validate import Parsed, check_workbook
from addin.files.config import toml_entries
from addin.files.reader import load
from tests.builders import AS_OF, complaint, log_grid, write_workbook

DIMS = ("skill", "attitude", "timeliness", "parts", "overall")


def parsed(records: Sequence[Mapping[str, object]]) -> Parsed:
    """A survey as the checks leave it: parsed columns, None where blank."""
    keys = ("customer_id", "region", "surveyed_at", "product_type", *DIMS)
    values = {k: [r.get(k) for r in records] for k in keys}
    return Parsed("Survey", list(range(2, 2 + len(records))), values)


def row(region: str = "East", when: datetime = datetime(2026, 10, 1), **ratings: int | None) -> dict[str, object]:
    base: dict[str, object] = dict.fromkeys(DIMS, 8)
    base.update(ratings)
    return {"customer_id": "K1", "region": region, "surveyed_at": when, **base}


def settings(*entries: tuple[str, object]) -> Settings:
    result, problems = build_settings([Entry(k, v) for k, v in entries])
    assert problems == []
    return result


def group(scores: Scores, **keys: str | None) -> object:
    wanted = tuple(keys.items())
    return next(g for g in scores.groups if g.keys == wanted)


def seeds_example() -> list[dict[str, object]]:
    """The seeds' 38 customers rating timeliness 6x1, 7x2, 8x34, 9x1."""
    ratings = [6] + [7] * 2 + [8] * 34 + [9]
    return [row(timeliness=r) for r in ratings]


def test_seeds_worked_example_to_the_digit() -> None:
    scores = score_survey(parsed(seeds_example()), Settings())
    timeliness = group(scores, region="East").dimensions["timeliness"]  # type: ignore[attr-defined]
    assert (timeliness.answered, timeliness.total) == (38, 301)
    assert timeliness.score == Fraction(3010, 38) and shown(timeliness.score) == 79.2
    gap = timeliness.gap
    assert gap.points_short == 3  # target 80 needs 304 points
    assert gap.extra_top == 2  # (301 + 20) / 40 = 8.025
    assert gap.raise_to_top == 1  # the single 6 raised to 10 adds 4 points
    assert timeliness.grades == (1, 36, 1, 0, 0)
    assert timeliness.csat == Fraction(37, 38)


def test_a_score_just_under_target_never_shows_or_counts_as_target() -> None:
    records = [row(skill=8) for _ in range(249)] + [row(skill=7)]  # 1999 / 250 -> 79.96
    skill = group(score_survey(parsed(records), Settings()), region="East").dimensions["skill"]  # type: ignore[attr-defined]
    assert skill.score == Fraction(7996, 100)
    assert shown(skill.score) == 79.9 and round(float(skill.score), 1) == 80.0
    assert skill.gap.points_short == 1
    exact = group(score_survey(parsed([row(skill=8)] * 5), Settings()), region="East").dimensions["skill"]  # type: ignore[attr-defined]
    assert exact.score == 80 and exact.gap is None


def test_overall_shortfall_is_rounded_up_for_display() -> None:
    assert shown_gap(Fraction(1, 100)) == 0.1 and shown_gap(Fraction(3, 10)) == 0.3


def test_blank_ratings_are_left_out_not_counted_as_zero() -> None:
    records = [row(parts=10), row(parts=None), row(parts=None), row(parts=6)]
    east = group(score_survey(parsed(records), Settings()), region="East")
    parts = east.dimensions["parts"]  # type: ignore[attr-defined]
    assert (parts.answered, parts.score) == (2, 80)
    assert east.responses == 4  # type: ignore[attr-defined]


def test_a_group_with_no_answers_and_one_missing_a_dimension() -> None:
    empty = dict.fromkeys(DIMS)
    records = [row("East"), row("West", **empty), row("North", parts=None)]
    scores = score_survey(parsed(records), Settings())
    west, north = group(scores, region="West"), group(scores, region="North")
    assert (west.rows, west.responses, west.overall, west.rank) == (1, 0, None, None)  # type: ignore[attr-defined]
    assert all(d.score is None and d.gap is None for d in west.dimensions.values())  # type: ignore[attr-defined]
    assert west.missing == DIMS and west.weakest is None  # type: ignore[attr-defined]
    assert north.overall is None and north.missing == ("parts",) and north.rank is None  # type: ignore[attr-defined]
    assert scores.excluded == 1


def test_overall_is_the_weighted_mean() -> None:
    weights = [(f"dimension.{k}.weight", w) for k, w in zip(DIMS, (10, 10, 20, 20, 40), strict=True)]
    records = [row(skill=10, attitude=10, timeliness=5, parts=5, overall=9)]
    east = group(score_survey(parsed(records), settings(*weights)), region="East")
    assert east.overall == Fraction(10 + 10 + 10 + 10 + 36)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("weights", "message"),
    [((20, 20, 20, 20, 10), "add up to 90%, not 100%"), ((20, 20, 20, 20, None), "no weight for overall")],
)
def test_weights_must_add_up_to_100(weights: tuple[int | None, ...], message: str) -> None:
    entries = [
        Entry(f"dimension.{k}.weight", w, Origin("Settings", i, 2))
        for i, (k, w) in enumerate(zip(DIMS, weights, strict=True), start=1)
        if w is not None
    ]
    result, problems = build_settings(entries)
    assert [(p.code, p.sheet, p.row, p.column) for p in problems] == [("invalid-weights", "Settings", 1, 2)]
    assert message in problems[0].message()
    with pytest.raises(ScoreError, match=message):
        score_survey(parsed([row()]), result)


@pytest.mark.parametrize("key", ["dimension.skill.weight", "score.target"])
@pytest.mark.parametrize("value", ["NaN", "inf", "lots"])
def test_numbers_that_are_not_numbers_are_invalid_settings(key: str, value: str) -> None:
    _, problems = build_settings([Entry(key, value, Origin("Settings", 2, 2))])
    assert [(p.code, p.row) for p in problems] == [("invalid-setting", 2)]


def test_weights_from_a_config_file_stop_the_run(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[dimension.skill]\nweight = 50\n[dimension.overall]\nweight = 40\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no weight for attitude"):
        build_settings(toml_entries(config))


def test_weights_of_dropped_dimensions_are_ignored() -> None:
    result = settings(("dimensions", "skill; overall"), ("dimension.parts.weight", 20))
    assert result.weights == {"skill": 50, "overall": 50}


def test_renamed_and_added_dimensions_from_the_settings_sheet(tmp_path: Path) -> None:
    sheet = [
        ["Key", "Value"],
        ["dimensions", "skill; empathy; overall"],
        ["dimension.skill.name", "Technician skill|技师技能"],
        ["dimension.empathy.name", "Empathy|同理心"],
        ["dimension.empathy.scale", 5],
        ["dimension.skill.weight", 25],
        ["dimension.empathy.weight", 25],
        ["dimension.overall.weight", 50],
    ]
    survey = [["Customer ID", "Region", "Survey date", "Technician skill", "同理心", "Overall service"]]
    survey += [["K1", "East", datetime(2026, 10, 1), 6, 4, 9], ["K2", "East", datetime(2026, 10, 2), 8, 5, None]]
    path = write_workbook(tmp_path / "w.xlsx", {"Log": log_grid([complaint(1)]), "Survey": survey, "Settings": sheet})
    loaded = load(path)
    outcome = check_workbook(loaded.sheets, as_of=AS_OF)
    assert outcome.report.problems == []
    east = group(score_survey(outcome.survey_values, outcome.settings), region="East")
    dims = east.dimensions  # type: ignore[attr-defined]
    assert list(dims) == ["skill", "empathy", "overall"]
    assert dims["empathy"].score == 90  # (4 + 5) / 2 / 5 * 100
    assert dims["overall"].score == 90 and dims["skill"].score == 70
    assert east.overall == Fraction(25 * 70 + 25 * 90 + 50 * 90, 100)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("scale", "expected"),
    [(10, [4, 4, 3, 3, 2, 2, 1, 1, 0, 0]), (5, [4, 3, 2, 1, 0])],
)
def test_grade_bands(scale: int, expected: list[int]) -> None:
    assert [grade(r, scale) for r in range(1, scale + 1)] == expected


def test_a_one_to_five_dimension_scores_and_grades_on_its_own_scale() -> None:
    result = settings(("dimension.parts.scale", 5))
    records = [row(parts=5), row(parts=4), row(parts=4), row(parts=3)]
    parts = group(score_survey(parsed(records), result), region="East").dimensions["parts"]  # type: ignore[attr-defined]
    assert parts.score == 80  # mean 4 / 5 x 100
    assert parts.grades == (1, 2, 1, 0, 0) and parts.csat == Fraction(3, 4)
    short = group(score_survey(parsed([row(parts=3)] * 3), result), region="East").dimensions["parts"]  # type: ignore[attr-defined]
    assert short.score == 60 and short.gap.points_short == 3  # needs 12 of 15 points


def test_ranking_ties_share_a_rank() -> None:
    records = [row("A", skill=9), row("B", skill=9), row("C", skill=5), row("D", skill=10)]
    scores = score_survey(parsed(records), Settings())
    ranks = {g.keys[0][1]: g.rank for g in scores.level(company=False, with_by=False)}
    assert ranks == {"D": 1, "A": 2, "B": 2, "C": 4}


def test_blank_region_is_shown_but_not_ranked() -> None:
    scores = score_survey(parsed([row("A", skill=5), row(None, skill=10)]), Settings())  # type: ignore[arg-type]
    blank = group(scores, region=None)
    assert blank.rank is None and group(scores, region="A").rank == 1  # type: ignore[attr-defined]


def test_weakest_dimension_ties_go_to_the_first_in_settings_order() -> None:
    east = group(score_survey(parsed([row(attitude=5, parts=5)]), Settings()), region="East")
    assert east.weakest == "attitude"  # type: ignore[attr-defined]


def test_low_sample_threshold_and_target_from_settings() -> None:
    result = settings(("score.min_responses", 3), ("score.target", "85"))
    scores = score_survey(parsed([row("A"), row("A"), row("A"), row("B")]), result)
    assert not group(scores, region="A").low_sample and group(scores, region="B").low_sample  # type: ignore[attr-defined]
    assert group(scores, region="A").overall_short == 5  # type: ignore[attr-defined]
    assert score_survey(parsed([row("A")]), result, target=Fraction(75)).groups[0].overall_short is None


def test_groups_by_cut_fields_with_company_totals() -> None:
    q3, q4 = datetime(2026, 8, 1), datetime(2026, 11, 1)
    records = [
        {**row("East", q3, skill=6), "product_type": "AC"},
        {**row("East", q4, skill=8), "product_type": "AC"},
        {**row("West", q4, skill=10), "product_type": "Lift"},
        {**row("West", q4, skill=4), "product_type": None},
    ]
    scores = score_survey(parsed(records), Settings(), by=["quarter", "product_type"])
    keys = [g.keys for g in scores.groups]
    assert (("region", "East"), ("quarter", "2026Q3"), ("product_type", "AC")) in keys
    assert (("region", "West"), ("quarter", "2026Q4"), ("product_type", None)) in keys
    assert (("quarter", "2026Q4"), ("product_type", "AC")) in keys  # company x cut values
    company = group(scores)
    assert company.rows == 4 and company.dimensions["skill"].score == 70  # type: ignore[attr-defined]
    by_region = scores.level(company=False, with_by=False)
    assert sum(g.rows for g in by_region) == company.rows  # type: ignore[attr-defined]
    q4_lift = group(scores, region="West", quarter="2026Q4", product_type="Lift")
    assert q4_lift.rank == 1  # type: ignore[attr-defined]


def test_group_values_fold_width_and_case_and_keep_the_first_spelling() -> None:
    scores = score_survey(parsed([row("East"), row("east"), row("ＥＡＳＴ")]), Settings())
    assert [(g.keys, g.rows) for g in scores.level(company=False, with_by=False)] == [((("region", "East"),), 3)]


def test_quarter_over_quarter_change_per_region() -> None:
    records = [
        row("East", datetime(2026, 5, 1), **dict.fromkeys(DIMS, 7)),
        row("East", datetime(2026, 8, 1), **dict.fromkeys(DIMS, 8)),
        row("East", datetime(2027, 2, 1), **dict.fromkeys(DIMS, 9)),  # 2026Q4 has no answers
    ]
    trend = [t for t in score_survey(parsed(records), Settings()).trend if t.region == "East"]
    assert [(t.quarter, t.overall, t.change) for t in trend] == [
        ("2026Q2", 70, None),
        ("2026Q3", 80, 10),
        ("2027Q1", 90, None),
    ]


def test_confidence_interval_matches_the_t_formula() -> None:
    ratings = [6, 7, 8, 8, 9, 10, 7, 8]
    skill = group(score_survey(parsed([row(skill=r) for r in ratings]), Settings()), region="East").dimensions["skill"]  # type: ignore[attr-defined]
    mean = sum(ratings) / len(ratings)
    sd = math.sqrt(sum((r - mean) ** 2 for r in ratings) / (len(ratings) - 1))
    half = 2.365 * sd / math.sqrt(len(ratings)) * 10  # t(0.975, 7) from the tables
    low, high = skill.interval
    assert low == pytest.approx(mean * 10 - half, abs=0.01) and high == pytest.approx(mean * 10 + half, abs=0.01)


@pytest.mark.parametrize(("df", "table"), [(1, 12.706), (2, 4.303), (3, 3.182), (7, 2.365), (30, 2.042), (120, 1.980)])
def test_t_quantile_against_the_tables(df: int, table: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(table, abs=0.004)


def test_correlation_from_counted_pairs() -> None:
    assert correlation({(1, 2): 1, (2, 4): 1, (3, 6): 1}) == pytest.approx(1.0)
    assert correlation({(1, 3): 2, (3, 1): 2}) == pytest.approx(-1.0)
    assert correlation({(1, 1): 5}) is None and correlation({(1, 2): 1, (2, 3): 1}) is None


def test_key_drivers_and_quadrants() -> None:
    records = []
    for i, level in enumerate([4, 5, 6, 7, 8, 9, 10] * 3):
        # skill moves with overall (important) but is low; parts is high and unrelated
        records.append(row(skill=level - 2, overall=level, attitude=8, timeliness=7 + i % 2, parts=9 + (i % 2)))
    drivers = {d.key: d for d in score_survey(parsed(records), Settings()).drivers}
    assert set(drivers) == {"skill", "attitude", "timeliness", "parts"}
    assert drivers["skill"].correlation == pytest.approx(1.0) and drivers["skill"].quadrant == "focus"
    assert drivers["attitude"].correlation is None and drivers["attitude"].quadrant is None  # constant answers
    assert drivers["parts"].quadrant in ("maintain", "monitor")


def test_no_survey_or_no_rating_column_is_a_clear_error() -> None:
    with pytest.raises(ScoreError, match="no survey sheet"):
        score_survey(None, Settings())
    with pytest.raises(ScoreError, match="none of the rating columns"):
        score_survey(Parsed("S", [2], {"region": ["East"]}), Settings())


def test_unknown_cut_field_is_refused() -> None:
    result, problems = build_settings([Entry("score.by", "quarter; colour", Origin("Settings", 3, 2))])
    assert [p.code for p in problems] == ["invalid-setting"]
    assert "cannot group by colour" in problems[0].message()
    assert result.score_by == ()
