"""Real review data: 2,244 Skytrax airline reviews turned into a survey sheet and scored.

Country is the region, `overall_rating` (1-10) is the "overall" dimension, the seven
sub-ratings (1-5, `NA` or 0 = not answered) are further dimensions declared on a 1-5 scale
in the workbook's Settings sheet. Every score is checked against an independent computation
from the CSV in this test. The reviews were scraped from airlinequality.com and carry no
licence we could verify, so no copy is committed: the test skips without `../shared`.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from datetime import date
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import cli
from tests.builders import write_workbook

DATA = Path(__file__).parents[2] / "shared" / "datasets" / "skytrax_ratings.csv"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"needs the shared dataset {DATA}")

SUB_RATINGS = [
    "seat_comfort",
    "cabin_staff",
    "food_beverages",
    "inflight_entertainment",
    "ground_service",
    "wifi_connectivity",
    "value_money",
]
DIMENSIONS = [*SUB_RATINGS, "overall"]


def rating(text: str) -> int | None:
    return None if text in ("NA", "0", "") else int(text)


def records() -> list[dict[str, object]]:
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    converted = []
    for n, row in enumerate(rows, start=1):
        record: dict[str, object] = {
            "customer": f"SK{n:05d}",
            "region": None if row["author_country"] in ("NA", "") else row["author_country"],
            "date": date.fromisoformat(row["date"]),
            "overall": rating(row["overall_rating"]),
        }
        record |= {k: rating(row[f"{k}_rating"]) for k in SUB_RATINGS}
        converted.append(record)
    return converted


def workbook(path: Path, data: list[dict[str, object]]) -> Path:
    header = ["Customer ID", "Region", "Survey date", *[f"{k}_rating" for k in SUB_RATINGS], "overall_rating"]
    grid: list[list[object]] = [header]
    grid += [[r["customer"], r["region"], r["date"], *[r[k] for k in SUB_RATINGS], r["overall"]] for r in data]
    settings: list[list[object]] = [["dimensions", "; ".join(DIMENSIONS)], ["dimension.overall.name", "overall_rating"]]
    for k in SUB_RATINGS:
        settings += [[f"dimension.{k}.name", f"{k}_rating"], [f"dimension.{k}.scale", 5]]
    return write_workbook(path, {"Reviews": grid, "Settings": settings})


def expected(data: list[dict[str, object]]) -> dict[str | None, dict[str, object]]:
    """Per country: exact score per dimension and the equally weighted overall, computed here."""
    ratings: dict[str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for r in data:
        for k in DIMENSIONS:
            if r[k] is not None:
                ratings[r["region"]][k].append(r[k])  # type: ignore[arg-type, index]
    result: dict[str | None, dict[str, object]] = {}
    for country, by_dim in ratings.items():
        scores = {
            k: Fraction(sum(v) * 100, len(v) * (10 if k == "overall" else 5)) if (v := by_dim.get(k)) else None
            for k in DIMENSIONS
        }
        overall = None
        if all(s is not None for s in scores.values()):
            overall = sum(scores.values(), Fraction(0)) / len(DIMENSIONS)  # type: ignore[arg-type]
        result[country] = {
            "scores": scores,
            "overall": overall,
            "answered": {k: len(by_dim.get(k, [])) for k in DIMENSIONS},
        }
    return result


def floor1(value: Fraction | None) -> float | None:
    return None if value is None else math.floor(value * 10) / 10


def test_skytrax_reviews_scored_like_an_independent_computation(tmp_path: Path) -> None:
    data = records()
    path = workbook(tmp_path / "skytrax.xlsx", data)
    result = CliRunner().invoke(cli, ["score", str(path), "--json", "--as-of", "2026-11-22", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["files"][0]["groups"]
    truth = expected(data)
    regions = [g for g in groups if not g["company"] and len(g["keys"]) == 1]
    assert {g["keys"]["region"] for g in regions} == set(truth)
    for g in regions:
        want = truth[g["keys"]["region"]]
        for k in DIMENSIONS:
            got = g["dimensions"][k]
            assert got["answered"] == want["answered"][k], (g["keys"], k)  # type: ignore[index]
            assert got["score"] == floor1(want["scores"][k]), (g["keys"], k)  # type: ignore[index]
        assert g["overall"] == floor1(want["overall"]), g["keys"]  # type: ignore[arg-type]
    uk = next(g for g in regions if g["keys"]["region"] == "United Kingdom")
    assert uk["responses"] > 600 and uk["dimensions"]["seat_comfort"]["scale"] == 5
    # Wi-fi is answered by 28 of 2,244 reviewers, so most countries have no overall score
    assert sum(1 for g in regions if g["overall"] is None) > len(regions) / 2
    ranked = sorted((g for g in regions if g["rank"] is not None), key=lambda g: g["rank"])
    assert all(a["overall"] >= b["overall"] for a, b in pairwise(ranked))
