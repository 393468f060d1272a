"""Fields, header aliases and enumerations of the complaint log and the survey, as data.

Everything a rule needs to know about a column lives in one `Field` row here; the Settings
sheet and the TOML config can add aliases, replace the category list and redefine the
rating dimensions (see `addin.core.settings`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from addin.core.aliases import LOG_ALIASES, SURVEY_ALIASES

DEFAULT_SCALE = 10  # the highest rating of a dimension (DOMAIN.md: ratings are 1-10)


class Kind(StrEnum):
    """How a column's cells are parsed and checked."""

    TEXT = "text"
    DATE = "date"
    ENUM = "enum"
    COUNT = "count"  # integer >= 1
    YES_NO = "yes-no"
    RATING = "rating"


@dataclass(frozen=True)
class Field:
    """One column of a table: its key, headers in both languages and how it is checked."""

    key: str
    en: str
    zh: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: str | None = None  # "category", "severity" or "status"
    scale: int = DEFAULT_SCALE  # ratings only: highest allowed rating
    grouping: bool = (
        False  # results are grouped by it: spellings that fold alike are one group (see `addin.core.values.fold`)
    )

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.key, self.en, self.zh, *self.aliases)


@dataclass(frozen=True)
class Label:
    """One value of an enumeration, with its English and Chinese labels and aliases."""

    key: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.key, self.en, self.zh, *self.aliases)

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# One region for both tables: the summary joins the log's counts and the survey's scores by it.
# Each field's other names (from real exports) are in `addin.core.aliases`.
REGION = Field("region", "Region", "区域", required=True, aliases=LOG_ALIASES["region"], grouping=True)

LOG_FIELDS: tuple[Field, ...] = (
    Field("complaint_id", "Complaint ID", "投诉编号", required=True, aliases=LOG_ALIASES["complaint_id"]),
    Field("received_at", "Received", "投诉时间", Kind.DATE, required=True, aliases=LOG_ALIASES["received_at"]),
    Field("customer_id", "Customer ID", "客户编号", required=True, aliases=LOG_ALIASES["customer_id"]),
    Field("customer_name", "Customer", "客户名称", aliases=LOG_ALIASES["customer_name"]),
    REGION,
    Field("channel", "Channel", "投诉渠道", aliases=LOG_ALIASES["channel"], grouping=True),
    Field(
        "category", "Category", "投诉类别", Kind.ENUM, required=True, enum="category", aliases=LOG_ALIASES["category"]
    ),
    Field("subject", "Subject", "投诉对象", aliases=LOG_ALIASES["subject"], grouping=True),
    Field(
        "severity", "Severity", "投诉等级", Kind.ENUM, required=True, enum="severity", aliases=LOG_ALIASES["severity"]
    ),
    Field("status", "Status", "处理状态", Kind.ENUM, required=True, enum="status", aliases=LOG_ALIASES["status"]),
    Field("owner", "Owner", "责任人", aliases=LOG_ALIASES["owner"], grouping=True),
    Field("first_response_at", "First response", "首次响应时间", Kind.DATE, aliases=LOG_ALIASES["first_response_at"]),
    Field("resolved_at", "Resolved", "解决时间", Kind.DATE, aliases=LOG_ALIASES["resolved_at"]),
    # A "waiting on customer" pause, which stops the resolution clock only when both ends are recorded.
    Field("paused_at", "Waiting since", "暂停开始", Kind.DATE, aliases=LOG_ALIASES["paused_at"]),
    Field("resumed_at", "Waiting ended", "暂停结束", Kind.DATE, aliases=LOG_ALIASES["resumed_at"]),
    Field("complainants", "Complainants", "投诉人数", Kind.COUNT, aliases=LOG_ALIASES["complainants"]),
    Field("legal", "Legal action", "诉讼", Kind.YES_NO, aliases=LOG_ALIASES["legal"]),
    Field("media", "Media exposure", "媒体曝光", Kind.YES_NO, aliases=LOG_ALIASES["media"]),
    Field("description", "Description", "投诉内容", aliases=LOG_ALIASES["description"]),
)

SURVEY_BASE_FIELDS: tuple[Field, ...] = (
    Field("response_id", "Response ID", "回访编号", aliases=SURVEY_ALIASES["response_id"]),
    Field("customer_id", "Customer ID", "客户编号", required=True, aliases=SURVEY_ALIASES["customer_id"]),
    REGION,
    Field("surveyed_at", "Survey date", "回访日期", Kind.DATE, required=True, aliases=SURVEY_ALIASES["surveyed_at"]),
    Field("product_type", "Product type", "产品类型", grouping=True),
    Field("business_type", "Business type", "业态", grouping=True),
    Field("customer_type", "Customer type", "客户类型", grouping=True),
)

# The default rating dimensions; a Settings sheet may rename, add or drop them.
DEFAULT_DIMENSIONS: tuple[Field, ...] = (
    Field("skill", "Service skill", "服务技能", Kind.RATING),
    Field("attitude", "Service attitude", "服务态度", Kind.RATING),
    Field("timeliness", "Timeliness", "服务及时性", Kind.RATING, aliases=SURVEY_ALIASES["timeliness"]),
    Field("parts", "Parts supply", "配件供应", Kind.RATING),
    Field("overall", "Overall service", "服务综合", Kind.RATING, aliases=SURVEY_ALIASES["overall"]),
)

DEFAULT_CATEGORIES: tuple[Label, ...] = (
    Label("engineering_quality", "Engineering quality", "工程质量"),
    Label("planning_design", "Planning & design", "规划设计", ("planning and design",)),
    Label("sales_management", "Sales management", "销售管理"),
    Label("property_management", "Property management", "物业管理"),
    Label("customer_service", "Customer service", "客户服务"),
    Label("product_quality", "Product quality", "产品质量"),
    Label("parts_supply", "Parts supply", "配件供应"),
    Label("other", "Other", "其他"),
)

SEVERITIES: tuple[Label, ...] = (
    Label("general", "General", "一般"),
    Label("important", "Important", "重要"),
    Label("hot", "Hot", "热点"),
    Label("major", "Major", "重大"),
)

STATUSES: tuple[Label, ...] = (
    Label("open", "Open", "待处理", ("new", "新建", "未处理", "待受理", "To do", "Unassigned")),
    Label("in_progress", "In progress", "处理中", ("processing", "working", "assigned", "在办")),
    Label("waiting", "Waiting on customer", "待客户确认", ("waiting", "pending", "on hold", "挂起", "待回复")),
    Label("resolved", "Resolved", "已解决", ("solved", "done", "completed", "fixed", "已处理", "已完成", "处理完成")),
    Label("closed", "Closed", "已关闭", ("已结案", "已办结", "已结单", "已归档")),
    Label("reopened", "Reopened", "重新打开", ("重开",)),
)

# Statuses that require a resolved time, and statuses under which a resolved time is odd.
DONE_STATUSES = frozenset({"resolved", "closed"})
NOT_DONE_STATUSES = frozenset({"open", "in_progress", "waiting"})

# Satisfaction grades, best first. On a 1-10 scale: 9-10, 7-8, 5-6, 3-4, 1-2 (see `addin.core.scoring.grade`).
GRADES: tuple[Label, ...] = (
    Label("very_satisfied", "Very satisfied", "非常满意"),
    Label("satisfied", "Satisfied", "满意"),
    Label("neutral", "Neutral", "一般"),
    Label("dissatisfied", "Dissatisfied", "不满"),
    Label("very_dissatisfied", "Very dissatisfied", "非常不满"),
)
# CSAT counts the ratings in the best `CSAT_GRADES` grades (7 or more on a 1-10 scale).
CSAT_GRADES = 2

RECIPIENTS_SHEET_NAMES = ("Recipients", "收件人")
# Header prefix of the columns the add-in appends to the log; the table finder skips them.
OWNED_PREFIX = "CD_Owned_"  # defined names marking sheets the add-in created (see addin.sheets.marks)
OWNED_COLUMN_MARK = "⚑"
SETTINGS_SHEET_NAMES = ("Settings", "设置")

_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_DROP = re.compile(r"[\s_\-*:：./、]+")


def normalize(text: object) -> str:
    """Fold a header or label for matching: width, case, spaces, line breaks, punctuation.

    A bracketed note such as "投诉时间（年月日）" is ignored when something remains without it.
    """
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    bare = _BRACKETED.sub("", folded)
    if _DROP.sub("", bare):
        folded = bare
    return _DROP.sub("", folded)
