"""Every setting, declared once: its key, how it is typed and checked, its default, what it means, where it lands.

The Settings-sheet and TOML parsers (`addin.core.settings`), the defaults of `Settings` and
`FlagRules`, the README's settings table and the sample workbooks' Settings sheet are all made
from `SETTINGS`; `python -m addin.build --readme` rewrites the README's table (a test fails
when it is stale). A key with `<…>` stands for a family (`rules.<code>`: one per rule code).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, time
from fractions import Fraction

from addin.core import setting_values as v
from addin.core.problems import RULES
from addin.core.schema import (
    DEFAULT_CATEGORIES,
    DEFAULT_DIMENSIONS,
    DEFAULT_SCALE,
    LOG_FIELDS,
    SEVERITIES,
    STATUSES,
    SURVEY_BASE_FIELDS,
)

RESPONSE_HOURS = {"general": 24, "important": 24, "hot": 2, "major": 2}  # DOMAIN.md §2: on site within 2 h
RESOLUTION_DAYS = 7  # every severity: the seeds escalate a complaint unresolved after a week


@dataclass(frozen=True)
class Setting:
    key: str
    parse: v.Parser  # the typed value from a cell or TOML value; `ValueError(reason)` when it cannot be
    default: object  # the parsed default; None: nothing is set
    typed: str  # the default as a user would type it ("" when there is none to type)
    en: str  # what it means, for the README and the Settings sheet
    zh: str
    lands: str  # where the value goes
    example: object  # a valid non-default value as a user types it (tests change every setting with it)

    @property
    def family(self) -> bool:
        return "<" in self.key

    def meaning(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _s(
    key: str, parse: v.Parser, default: object, typed: str, en: str, zh: str, lands: str, example: object
) -> Setting:
    return Setting(key, parse, default, typed, en, zh, lands, example)


_DIMENSION_KEYS = tuple(d.key for d in DEFAULT_DIMENSIONS)
_CATEGORIES_TYPED = "; ".join(f"{c.en}|{c.zh}" for c in DEFAULT_CATEGORIES)

# fmt: off
SETTINGS: tuple[Setting, ...] = (
    _s("log.sheet", v.sheet_name, None, "", "use this sheet as the complaint log (no search by headers)",
       "指定投诉登记表所在工作表（不按表头查找）", "Settings.log_sheet", "Complaints"),
    _s("survey.sheet", v.sheet_name, None, "", "use this sheet as the survey",
       "指定满意度回访表所在工作表", "Settings.survey_sheet", "Survey"),
    _s("log.absent", v.log_absent, (), "",
       "fields the log does not have (`region; severity`): no missing-column error, one note (see the README)",
       "投诉登记表没有的字段（不报缺列，只提示一次）", "Settings.absent", "region"),
    _s("survey.absent", v.survey_absent, (), "", "fields the survey does not have (`region`)",
       "回访表没有的字段", "Settings.absent", "region"),
    _s("cells.blank", v.names, v.DEFAULT_BLANKS, "; ".join(v.DEFAULT_BLANKS),
       "texts that mean an empty cell in every field (compared ignoring case and width)",
       "在任何字段中都视为空单元格的文字", "Settings.blanks", "TBD"),
    _s("headers.<field>", v.names, (), "", "extra header aliases for a field (`headers.complaint_id = Ticket No`)",
       "字段的其他表头名称", "Settings.header_aliases", "Complaint number"),
    _s("categories", v.labels, DEFAULT_CATEGORIES, _CATEGORIES_TYPED,
       "the complaint categories, `English|中文|alias` separated by `;` (replaces the list)",
       "投诉类别（英文|中文|别名，分号分隔；替换默认列表）", "Settings.categories", None),
    _s("aliases.<enum>.<key>", v.names, (), "",
       "extra labels for a severity or status (`aliases.status.closed = done`)",
       "投诉等级或处理状态的其他写法", "Settings.severities, Settings.statuses", "done"),
    _s("dimensions", v.keys, _DIMENSION_KEYS, "; ".join(_DIMENSION_KEYS), "the rating dimension keys, in order",
       "评分维度（按顺序）", "Settings.dimensions", None),
    _s("dimension.<key>.name", v.dimension_name, None, "", "`English|中文|alias` headers of a dimension",
       "评分维度的表头（英文|中文|别名）", "Settings.dimensions", None),
    _s("dimension.<key>.scale", v.scale, DEFAULT_SCALE, str(DEFAULT_SCALE), "highest rating of a dimension (10 or 5)",
       "评分维度的最高分（10 或 5）", "Settings.dimensions", 5),
    _s("dimension.<key>.weight", v.weight, None, "",
       "weight in %; all or none, adding up to 100 (default: equal shares)",
       "权重（%），全部给出且合计 100（默认平均）", "Settings.weights", None),
    _s("score.target", v.target, Fraction(80), "80", "target score on the 100 scale",
       "目标分（百分制）", "Settings.target", 85),
    _s("score.min_responses", v.whole(1, "a whole number of responses, such as 30"), 30, "30",
       "groups with fewer responses get a low-sample warning",
       "回访数少于此值的组标注样本偏少", "Settings.min_responses", 3),
    _s("score.by", v.cut_fields, (), "", f"group by these besides region ({', '.join(v.CUT_FIELDS)})",
       "除区域外的分组字段", "Settings.score_by", "quarter"),
    _s("score.outcome", v.text, "overall", "overall", "the dimension the key drivers are correlated with",
       "关键驱动分析的结果维度", "Settings.outcome", "attitude"),
    _s("rules.<code>", v.choice(("error", "warning", "off")), None, "",
       "level of a validation rule: error, warning or off (default: the rule's own)",
       "校验规则级别：error / warning / off", "Settings.rule_levels", "off"),
    _s("output.lang", v.choice(v.LANGS), "auto", "auto", "language of the results: auto, en or zh",
       "输出语言：auto / en / zh", "Settings.lang", "zh"),
    *(
        _s(f"deadline.response_hours.{s.key}", v.positive("hours", "24"), Fraction(RESPONSE_HOURS[s.key]),
           str(RESPONSE_HOURS[s.key]), f"hours to the first response, {s.key} complaints",
           f"首次响应时限（小时），{s.zh}", f"FlagRules.response_hours['{s.key}']", RESPONSE_HOURS[s.key] + 1)
        for s in SEVERITIES
    ),
    *(
        _s(f"deadline.resolution_days.{s.key}", v.positive("days", "7"), Fraction(RESOLUTION_DAYS),
           str(RESOLUTION_DAYS), f"days to resolution, {s.key} complaints",
           f"解决时限（天），{s.zh}", f"FlagRules.resolution_days['{s.key}']", RESOLUTION_DAYS + 2)
        for s in SEVERITIES
    ),
    _s("deadline.due_soon", v.share, Fraction(3, 4), "75%",
       "share of the allowed time after which an open complaint is due soon",
       "已用时限达到此比例即为即将到期", "FlagRules.due_soon", "80%"),
    _s("clock.mode", v.business, False, "calendar", "`calendar`, or `business` days (weekends and holidays skipped)",
       "计时方式：calendar（自然日）或 business（工作日）", "FlagRules.business", "business"),
    _s("clock.country", v.country, "CN", "CN", "whose official holidays: `CN` (with adjusted working days) or `none`",
       "法定节假日：CN（含调休）或 none", "FlagRules.country", "none"),
    _s("clock.holidays", v.dates, frozenset(), "", "extra days off (dates separated by `;`)",
       "额外休息日（日期，分号分隔）", "FlagRules.holidays", None),
    _s("clock.workdays", v.dates, frozenset(), "", "extra working days (dates separated by `;`)",
       "额外工作日（日期，分号分隔）", "FlagRules.workdays", None),
    _s("repeat.window_days", v.whole(0), 30, "30", "same customer and category within this many days is a repeat",
       "同一客户同类投诉在此天数内视为重复投诉", "FlagRules.repeat_days", 45),
    _s("cluster.window_days", v.whole(0), 30, "30", "a cluster's complaints fall within this many days",
       "群发投诉的时间窗口（天）", "FlagRules.cluster_days", 40),
    _s("cluster.min_customers", v.whole(2), 3, "3",
       "different customers with the same category and subject that make a cluster",
       "同类同对象投诉达到此客户数即为群发", "FlagRules.cluster_customers", 4),
    _s("severity.hot_complainants", v.whole(2), 3, "3", "complainants in one complaint that make it hot",
       "投诉人数达到此值升为热点", "FlagRules.hot_complainants", 4),
    _s("severity.major_complainants", v.whole(2), 10, "10", "complainants in one complaint that make it major",
       "投诉人数达到此值升为重大", "FlagRules.major_complainants", 12),
    _s("severity.hot_after_days", v.whole(1), 7, "7", "unresolved this many days after receipt: hot",
       "受理后超过此天数未解决升为热点", "FlagRules.hot_after_days", 8),
    _s("severity.major_after_days", v.whole(1), 30, "30", "unresolved this many days after receipt: major",
       "受理后超过此天数未解决升为重大", "FlagRules.major_after_days", 31),
    _s("mail.host", v.text, None, "", "SMTP server (`COMPLAINTS_SMTP_HOST` wins)",
       "SMTP 服务器", "Settings.mail", "smtp.example.com"),
    _s("mail.port", v.port, None, "", "SMTP port (default 587 for starttls, 465 for ssl, 25 for none)",
       "SMTP 端口", "Settings.mail", 2525),
    _s("mail.security", v.security, "starttls", "starttls", "`starttls`, `ssl` or `none`",
       "连接加密：starttls / ssl / none", "Settings.mail", "ssl"),
    _s("mail.user", v.text, None, "", "log in as this user (no login when empty)",
       "SMTP 登录用户", "Settings.mail", "desk"),
    _s("mail.from", v.address, None, "", "sender address (default: the user, if it is an address)",
       "发件人地址", "Settings.mail", "desk@example.com"),
    _s("mail.cafile", v.text, None, "", "CA file for a server your system does not trust",
       "服务器证书的 CA 文件", "Settings.mail", "ca.pem"),
    _s("mail.timeout", v.whole(1, "a whole number of seconds, such as 60"), 60, "60", "seconds to wait for the server",
       "等待服务器的秒数", "Settings.mail", 30),
    _s("mail.subject", v.subject, None, "", "subject template with {name}, {region}, {date}",
       "邮件主题模板（可用 {name}、{region}、{date}）", "Settings.mail", "Complaints {date}"),
    _s("mail.cc", v.addresses, (), "", "copy every message to these addresses",
       "抄送地址", "Settings.mail", "cc@example.com"),
    _s("mail.password", v.refused, None, "", "refused: " + v.NO_PASSWORD,
       "不接受：密码只从环境变量或系统钥匙串读取", "never", None),
)
# fmt: on

_BY_KEY = {s.key: s for s in SETTINGS if not s.family}
_FIELD_KEYS = frozenset(f.key for f in LOG_FIELDS + SURVEY_BASE_FIELDS + DEFAULT_DIMENSIONS)
_ENUM_KEYS = {"severity": tuple(s.key for s in SEVERITIES), "status": tuple(s.key for s in STATUSES)}
_WORD = r"[a-z][a-z0-9_]*"


def default_of(key: str) -> object:
    """The default of a (non-family) setting."""
    return _BY_KEY[key].default


def find(key: str) -> Setting:
    """The setting a key names; `LookupError` for an unknown key, `ValueError` for an unknown severity/status key."""
    if key in _BY_KEY:
        return _BY_KEY[key]
    if key.startswith("limits."):  # the CLI takes them from the config file before the workbook is read
        raise ValueError("limits guard the run against the workbook: set them in the --config file's [limits]")
    parts = key.split(".")
    if len(parts) == 2 and parts[0] == "headers" and parts[1] in _FIELD_KEYS:
        return declared("headers.<field>")
    if len(parts) == 3 and parts[0] == "aliases" and parts[1] in _ENUM_KEYS:
        if parts[2] not in _ENUM_KEYS[parts[1]]:
            raise ValueError(f"known {parts[1]} keys: {', '.join(sorted(_ENUM_KEYS[parts[1]]))}")
        return declared("aliases.<enum>.<key>")
    if len(parts) == 3 and parts[0] == "dimension" and re.fullmatch(_WORD, parts[1]):
        return declared(f"dimension.<key>.{parts[2]}")
    if len(parts) == 2 and parts[0] == "rules" and parts[1] in RULES:
        return declared("rules.<code>")
    raise LookupError(key)


_LISTS = (v.names, v.labels, v.keys, v.addresses, v.cut_fields, v.dates, v.log_absent, v.survey_absent)


def toml_type_error(setting: Setting, value: object) -> str | None:
    """Why a TOML value has the wrong type for `setting` (None when it fits): `holidays = 5` is no date list.

    Numbers take TOML numbers or text (`"75%"`); lists take an array or `;`-separated text; dates
    also take TOML dates; everything else takes text only.
    """
    numeric = setting.parse is v.weight or any(
        isinstance(x, int | Fraction) and not isinstance(x, bool) for x in (setting.default, setting.example)
    )
    dated = setting.parse is v.dates
    if isinstance(value, list):
        ok = setting.parse in _LISTS and all(isinstance(x, str) or (dated and isinstance(x, date)) for x in value)
    elif isinstance(value, bool):
        ok = False
    elif isinstance(value, int | float):
        ok = numeric
    elif isinstance(value, date | time):
        ok = dated and not isinstance(value, time)
    else:
        ok = isinstance(value, str)
    if ok:
        return None
    wanted = (
        "a number"
        if numeric
        else "dates"
        if dated
        else "text or a list of texts"
        if setting.parse in _LISTS
        else "text"
    )
    return f"expects {wanted}, not the TOML {type(value).__name__} {value!r}"


def unknown_reason(key: str) -> str:
    """Why a key is unknown, with the closest valid key and the valid ones (all field keys for `headers.`)."""
    parts = key.split(".")
    if parts[0] == "headers" and len(parts) == 2:
        fields = sorted(_FIELD_KEYS)
        close = difflib.get_close_matches(parts[1], fields, n=1, cutoff=0.5)
        hint = f"did you mean headers.{close[0]}? " if close else ""
        return f"no field '{parts[1]}'; {hint}field keys: {', '.join(fields)}"
    valid = [s.key for s in SETTINGS]
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]}? " if close else ""
    return f"unknown setting; {hint}valid keys: {', '.join(valid)}"


def declared(key: str) -> Setting:
    """The table's row of that exact key, a family's included (`rules.<code>`)."""
    found = next((s for s in SETTINGS if s.key == key), None)
    if found is None:
        raise LookupError(key)
    return found


def markdown() -> str:
    """The README's settings table, and the field keys that `headers.<field>` takes."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = "—" if not s.typed else "the eight of DOMAIN.md §2" if s.key == "categories" else f"`{s.typed}`"
        rows.append(f"| `{s.key}` | {default} | {s.en.replace('|', '&#124;')} |")
    return "\n".join(rows) + "\n"


def fields_markdown() -> str:
    """The README's field table: every field key of both tables, its headers and every alias (`addin.core.aliases`)."""
    rows = ["| table | field key | kind | required | headers and aliases |", "|---|---|---|---|---|"]
    for what, fields in (("log", LOG_FIELDS), ("survey", SURVEY_BASE_FIELDS + DEFAULT_DIMENSIONS)):
        for f in fields:
            names = ", ".join(dict.fromkeys((f.en, f.zh, *f.aliases)))
            rows.append(f"| {what} | `{f.key}` | {f.kind.value} | {'yes' if f.required else ''} | {names} |")
    return "\n".join(rows) + "\n"


_SHOWN = [s for s in SETTINGS if s.typed and not s.family]


def sheet_rows(lang: str) -> list[list[object]]:
    """A Settings sheet listing every setting that has a default to show, with that default and its meaning."""
    return [[s.key, int(s.typed) if s.typed.isdigit() else s.typed, s.meaning(lang)] for s in _SHOWN]
