"""The sample's data: a deterministic, realistic complaint log and survey with planted problems.

All data is valid except these planted problems (data rows counted from 0; `addin.build.sample`
writes the log's data from row 5 of its sheet, the survey's from row 4):

| sheet | data row | field | value | expected code |
|---|---|---|---|---|
| log | 0 | complaint_id | blank | missing-value |
| log | 1, 2 | complaint_id | same ID twice | duplicate-id (both) |
| log | 3 | received_at | `03/04/2026` | ambiguous-date |
| log | 4 | received_at | `2026-02-30` | invalid-date |
| log | 5 | received_at | `2062-11-03` (typo) | future-date |
| log | 6 | resolved_at | before received | resolved-before-received |
| log | 7 | first_response_at | before received | response-before-received |
| log | 8 | resolved_at | blank, status resolved | resolved-without-time |
| log | 9 | status | open with a resolved time | open-with-resolved-time (warning) |
| log | 10 | category | `工程质` / `Engineering qualty` | unknown-category |
| log | 11 | severity | `紧急` / `Urgent` | unknown-severity |
| log | 12 | status | `搁置` / `Parked` | unknown-status |
| log | 13 | complainants | 0 | invalid-complainants |
| log | 14 | legal | `可能` / `maybe` | invalid-yes-no |
| log | 15 | region | blank | missing-value |
| log | 16 | customer_id | `#N/A` (formula error) | error-value |
| survey | 0 | timeliness | 11 | invalid-rating |
| survey | 1 | skill | 8.5 | invalid-rating |
| survey | 2, 3 | response_id | same ID twice | duplicate-response-id (both) |
| survey | 4 | all ratings | blank | no-rating (warning) |
| survey | 5 | surveyed_at | blank | missing-value |
| survey | 6 | region | blank | missing-value |

Log rows 17-19 hold dates typed as text or serial numbers that are valid (`2026年10月8日`,
`22.10.2026`, a serial number, `2026/10/09 14:30`) and must not be reported.

Planted for the flags (as of `SAMPLE_AS_OF`; the random rows add more of each kind). Row
22 is the 3rd in 30 days; 23-26 form one cluster with all four as members:

| data rows | what | expected flags |
|---|---|---|
| 20, 21, 22 | one customer and category, 16 and 10 days apart; 20 closed before 21 | 21, 22: repeat, secondary |
| 23-26 | four customers, one category and subject (HX-9 lift), 8 days, general | cluster + under-graded (hot) |
| 27 | legal action recorded, graded general | under-graded (major, `legal`) |
| 28 | hot, received 3 hours before the as-of time, no first response | no-first-response |
| 29 | open 9 days, with a 5-day pause recorded (waiting since / ended) | on time: the pause moves the deadline |
| 30 | open 8 days, no pause | overdue by about a day |
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from addin.core.schema import DEFAULT_CATEGORIES, DEFAULT_DIMENSIONS, SEVERITIES, STATUSES, Label
from addin.core.settings_table import declared, sheet_rows

BASE = datetime(2026, 11, 20, 17, 30)  # the newest complaint in the sample; use --as-of after it
SAMPLE_AS_OF = "2026-11-21T09:00"
REGIONS = {"zh": ["华东", "华南", "华北", "西南", "华中"], "en": ["East", "South", "North", "Southwest", "Central"]}
SUBJECTS = {
    "zh": ["翡翠湾一期", "翡翠湾二期", "滨江花园", "云栖府", "KX-200 空调", "HX-9 电梯"],
    "en": ["Jade Bay I", "Jade Bay II", "Riverside Garden", "Cloud Manor", "KX-200 AC", "HX-9 lift"],
}
OWNERS = {
    "zh": ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"],
    "en": ["Zhang Wei", "Wang Fang", "Li Na", "Liu Yang", "Chen Jing", "Yang Lei"],
}
CHANNELS = {"zh": ["热线", "微信", "现场", "信函", "12315"], "en": ["phone", "e-mail", "web", "on site", "letter"]}
PRODUCTS = {"zh": ["住宅", "商业", "设备"], "en": ["Residential", "Commercial", "Equipment"]}
WORDS = {  # the words the log's own cells use for yes, no and "every region" (Recipients)
    "zh": {"yes": "是", "no": "否", "all": "全部"},
    "en": {"yes": "Y", "no": "N", "all": "*"},
}


@dataclass(frozen=True)
class Sample:
    """The records of the log and the survey by field key (the log's with a `remarks` key), and the rows of the
    Settings and Recipients sheets."""

    complaints: list[dict[str, object]]
    survey: list[dict[str, object]]
    settings: list[list[object]]
    recipients: list[list[object]]


def make_sample(*, rows: int, survey_rows: int, lang: str, seed: int) -> Sample:
    """The sample's data; the same arguments always give the same records."""
    rng = random.Random(seed)
    complaints = _complaints(rng, rows, lang)
    _plant_log(complaints, lang)
    survey = _survey(rng, survey_rows, lang)
    return Sample(complaints, survey, _settings_rows(lang), _recipients_rows(lang))


class ErrorFormula:
    """A cell holding a formula whose cached result is `#N/A`."""


def _label(labels: Sequence[Label], key: str, lang: str) -> str:
    return next(lab.text(lang) for lab in labels if lab.key == key)


def _customer_names(rng: random.Random, rows: int, lang: str) -> dict[str, str]:
    """Customer IDs, about one per three complaints, with a name each."""
    customers = [f"KH{n:05d}" for n in range(1, max(rows // 3, 10) + 1)]
    return {
        c: (rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(["先生", "女士"]))
        if lang == "zh"
        else rng.choice(["Mr ", "Ms "]) + rng.choice(["Smith", "Brown", "Lee", "Wong", "Garcia", "Chen"])
        for c in customers
    }


def _complaints(rng: random.Random, rows: int, lang: str) -> list[dict[str, object]]:
    names = _customer_names(rng, rows, lang)
    customers = list(names)
    words = WORDS[lang]
    records = []
    for i in range(rows):
        received = BASE - timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        if i == rows - 1:
            received = BASE
        severity = rng.choices(["general", "important", "hot", "major"], [70, 18, 9, 3])[0]
        responded = received + timedelta(minutes=rng.randrange(10, (90 if severity in ("hot", "major") else 20 * 60)))
        days = rng.choices([(0, 6), (6, 9), (9, 40)], [85, 11, 4])[0]  # most within the 7-day deadline
        resolved = received + timedelta(hours=rng.randrange(days[0] * 24 + 4, days[1] * 24))
        resolved_at: datetime | None = resolved
        paused = resumed = None
        if resolved > BASE:  # still open on the newest day of the sample
            status, resolved_at = rng.choices(["open", "in_progress", "waiting"], [30, 55, 15])[0], None
            if status == "waiting" and received + timedelta(days=1) < BASE:
                paused = received + timedelta(days=1)  # still waiting: no end yet, so no pause counted
        else:
            status = rng.choices(["resolved", "closed", "reopened"], [60, 38, 2])[0]
        customer = rng.choice(customers)
        records.append(
            {
                "complaint_id": f"TS2026-{i + 1:05d}",
                "received_at": received,
                "region": rng.choice(REGIONS[lang]),
                "customer_id": customer,
                "customer_name": names[customer],
                "channel": rng.choice(CHANNELS[lang]),
                "category": _label(DEFAULT_CATEGORIES, rng.choice(DEFAULT_CATEGORIES).key, lang),
                "subject": rng.choice(SUBJECTS[lang]) if rng.random() < 0.4 else "",
                "severity": _label(SEVERITIES, severity, lang),
                "status": _label(STATUSES, status, lang),
                "owner": rng.choice(OWNERS[lang]),
                "first_response_at": responded if responded <= BASE else None,
                "resolved_at": resolved_at,
                "complainants": rng.choices([1, 2, 3, 12], [85, 8, 5, 2])[0],
                "legal": words["no"],
                "media": words["yes"] if rng.random() < 0.02 else words["no"],
                "description": ("漏水" if lang == "zh" else "Water leak")
                if rng.random() < 0.5
                else ("维修不及时" if lang == "zh" else "Repair was late"),
                "paused_at": paused,
                "resumed_at": resumed,
                "remarks": "",
            }
        )
    return records


def _plant_log(records: list[dict[str, object]], lang: str) -> None:
    zh = lang == "zh"
    r = records
    r[0]["complaint_id"] = ""
    r[1]["complaint_id"] = r[2]["complaint_id"]
    r[3]["received_at"] = "03/04/2026"
    r[4]["received_at"] = "2026-02-30"
    r[5]["received_at"] = "2062-11-03"
    for k in (6, 8, 9):
        r[k]["received_at"] = BASE - timedelta(days=20)
        r[k]["first_response_at"] = BASE - timedelta(days=20) + timedelta(hours=1)
    r[6]["resolved_at"] = BASE - timedelta(days=25)
    r[6]["status"] = _label(STATUSES, "closed", lang)
    r[7]["first_response_at"] = _as_datetime(r[7]["received_at"]) - timedelta(hours=3)
    r[8]["status"], r[8]["resolved_at"] = _label(STATUSES, "resolved", lang), None
    r[9]["status"], r[9]["resolved_at"] = _label(STATUSES, "open", lang), BASE - timedelta(days=18)
    r[10]["category"] = "工程质" if zh else "Engineering qualty"
    r[11]["severity"] = "紧急" if zh else "Urgent"
    r[12]["status"] = "搁置" if zh else "Parked"
    r[13]["complainants"] = 0
    r[14]["legal"] = "可能" if zh else "maybe"
    r[15]["region"] = ""
    r[16]["customer_id"] = ErrorFormula()
    for k, text in ((17, "2026年10月8日"), (18, "22.10.2026"), (19, "2026/10/09 14:30")):
        r[k]["received_at"] = text
        r[k]["first_response_at"] = r[k]["resolved_at"] = None
        r[k]["status"] = _label(STATUSES, "in_progress", lang)
    r[17]["resolved_at"] = 46305.5  # 2026-10-10 12:00 as a bare serial number
    r[17]["status"] = _label(STATUSES, "resolved", lang)
    _plant_flags(records, lang)


def _plant_flags(records: list[dict[str, object]], lang: str) -> None:
    """The flag cases listed in the module docstring (rows 20-30)."""
    r = records

    def complaint(k: int, days_ago: float, status: str, severity: str = "general", **fields: object) -> None:
        received = BASE - timedelta(days=days_ago)
        r[k].update(
            received_at=received,
            first_response_at=received + timedelta(hours=1),
            resolved_at=None,
            status=_label(STATUSES, status, lang),
            severity=_label(SEVERITIES, severity, lang),
            complainants=1,
            legal=WORDS[lang]["no"],
            media=WORDS[lang]["no"],
            paused_at=None,
            resumed_at=None,
        )
        r[k].update(fields)

    property_management = _label(DEFAULT_CATEGORIES, "property_management", lang)
    for k, days_ago in ((20, 28), (21, 12), (22, 2)):
        complaint(k, days_ago, "in_progress", customer_id="KH90001", category=property_management, subject="")
    r[20].update(status=_label(STATUSES, "closed", lang), resolved_at=BASE - timedelta(days=25))
    r[21].update(status=_label(STATUSES, "resolved", lang), resolved_at=BASE - timedelta(days=9))
    lift, engineering = SUBJECTS[lang][5], _label(DEFAULT_CATEGORIES, "engineering_quality", lang)
    for n, k in enumerate(range(23, 27)):
        complaint(k, 9 - 2.5 * n, "in_progress", customer_id=f"KH9010{n}", category=engineering, subject=lift)
    complaint(27, 4, "in_progress", legal=WORDS[lang]["yes"])
    complaint(28, 0.125, "open", "hot", first_response_at=None)
    paused = BASE - timedelta(days=8)
    complaint(29, 9, "in_progress", paused_at=paused, resumed_at=paused + timedelta(days=5))
    complaint(30, 8, "in_progress")


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else BASE


def _survey(rng: random.Random, rows: int, lang: str) -> list[dict[str, object]]:
    records = []
    for i in range(rows):
        region = rng.choice(REGIONS[lang])
        bias = REGIONS[lang].index(region) * 0.3
        record: dict[str, object] = {
            "response_id": f"HF{i + 1:05d}",
            "surveyed_at": (BASE - timedelta(days=rng.randrange(0, 300))).date(),
            "region": region,
            "customer_id": f"KH{rng.randrange(1, max(rows // 2, 10)):05d}",
            "product_type": rng.choice(PRODUCTS[lang]),
            "business_type": rng.choice(["住宅", "商业"] if lang == "zh" else ["Housing", "Retail"]),
            "customer_type": rng.choice(["业主", "租户"] if lang == "zh" else ["Owner", "Tenant"]),
        }
        mood = rng.gauss(0, 0.9)  # one customer's general satisfaction, shared by their answers
        for d in DEFAULT_DIMENSIONS:
            rating = round(8.3 - bias + mood + rng.gauss(0, 0.8))
            record[d.key] = None if rng.random() < 0.04 else max(1, min(10, rating))
        records.append(record)
    records[0]["timeliness"] = 11
    records[1]["skill"] = 8.5
    records[2]["response_id"] = records[3]["response_id"]
    for d in DEFAULT_DIMENSIONS:
        records[4][d.key] = None
    records[5]["surveyed_at"] = None
    records[6]["region"] = ""
    return records


def _settings_rows(lang: str) -> list[list[object]]:
    """Every setting with its default and meaning (from the settings table), then the sample's own choices."""
    weight = declared("dimension.<key>.weight").meaning(lang)
    rows = sheet_rows(lang)
    rows += [[f"dimension.{d.key}.weight", 20, weight] for d in DEFAULT_DIMENSIONS]
    rows += [["rules.open-with-resolved-time", "warning", declared("rules.<code>").meaning(lang)]]
    return rows


def _recipients_rows(lang: str) -> list[list[object]]:
    rows: list[list[object]] = [[region, f"manager.{i + 1}@example.com"] for i, region in enumerate(REGIONS[lang])]
    return rows + [[WORDS[lang]["all"], "director@example.com"]]
