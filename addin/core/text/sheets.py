"""What the owned sheets say: the Validation, Scores, Flags and Summary pages and the flag columns."""

from __future__ import annotations

from addin.core.text.entry import Entry, Row

_WRITTEN = Entry(
    "written by Complaint Desk; re-running replaces this sheet", "由 Complaint Desk 生成，重新运行会替换本表"
)


SHEETS: dict[str, Entry | Row] = {
    # The names of the sheets the add-in owns
    "sheet.validation": Entry("Validation", "校验结果"),
    "sheet.scores": Entry("Scores", "满意度得分"),
    "sheet.flags": Entry("Flags", "预警清单"),
    "sheet.summary": Entry("Summary", "汇总"),
    # The Validation sheet (addin.pages.page)
    "validation.title": Entry("Validation — {name}", "校验结果 — {name}"),
    "validation.subtitle": Entry(
        "As of {as_of} · {errors} errors · {warnings} warnings · " + _WRITTEN.en,
        "统计时间 {as_of} · 错误 {errors} 项 · 警告 {warnings} 项 · " + _WRITTEN.zh,
    ),
    "validation.header": Row(
        ("Severity", "Code", "Message", "Sheet", "Cell", "Field", "Value"),
        ("级别", "代码", "说明", "工作表", "单元格", "字段", "值"),
    ),
    "validation.side": Row(("Code", "Severity", "Count"), ("代码", "级别", "数量")),
    "validation.legend": Entry("Legend (marks on the log)", "图例（登记表上的标记）"),
    "validation.level.error": Entry("error", "错误"),
    "validation.level.warning": Entry("warning", "警告"),
    "validation.mark.error": Entry("Invalid cell (error)", "无效单元格（错误）"),
    "validation.mark.warning": Entry("Questionable cell (warning)", "可疑单元格（警告）"),
    "validation.none": Entry("No problems found.", "未发现问题。"),
    # The Scores sheet (addin.pages.scores)
    "scores.title": Entry("Satisfaction scores — {name}", "满意度得分 — {name}"),
    "scores.subtitle": Entry(
        "As of {as_of} · {responses} responses · target {target} · weights {weights} · "
        "scores truncated to one decimal · " + _WRITTEN.en,
        "统计时间 {as_of} · 回访 {responses} 份 · 目标 {target} 分 · 权重 {weights} · "
        "得分截取一位小数 · " + _WRITTEN.zh,
    ),
    "scores.region": Entry("Region", "区域"),
    "scores.company": Entry("All regions", "全公司"),
    "scores.all": Entry("All", "全部"),
    "scores.blank": Entry("(blank)", "（空白）"),
    "scores.by_region": Entry("By region", "按区域"),
    "scores.by_cut": Entry("By region and {cuts}", "按区域和{cuts}"),
    "scores.by_dimension": Entry("Whole company by dimension", "全公司各维度"),
    "scores.detail": Entry(
        "Detail by dimension (grades, CSAT, {confidence}% confidence interval, gap to target)",
        "各维度明细（等级分布、满意率、{confidence}%置信区间、与目标差距）",
    ),
    "scores.trend": Entry("Quarter over quarter (overall score)", "季度环比（综合得分）"),
    "scores.drivers": Entry("Key drivers: correlation with {outcome}", "关键驱动因素：与“{outcome}”的相关系数"),
    "scores.responses": Entry("Responses", "回访数"),
    "scores.overall": Entry("Overall", "综合得分"),
    "scores.target": Entry("Target", "目标"),
    "scores.gap": Entry("Short of target", "距目标"),
    "scores.rank": Entry("Rank", "排名"),
    "scores.weakest": Entry("Weakest", "最弱维度"),
    "scores.note": Entry("Note", "备注"),
    "scores.dimension": Entry("Dimension", "维度"),
    "scores.weight": Entry("Weight %", "权重%"),
    "scores.answered": Entry("Answered", "有效评分数"),
    "scores.score": Entry("Score", "得分"),
    "scores.points_short": Entry("Points short", "差几分"),
    "scores.closes": Entry("What closes it", "如何达标"),
    "scores.csat": Entry("CSAT (top two grades)", "满意率（前两个等级）"),
    "scores.ci_low": Entry("{confidence}% CI low", "{confidence}%置信下限"),
    "scores.ci_high": Entry("{confidence}% CI high", "{confidence}%置信上限"),
    "scores.quarter": Entry("Quarter", "季度"),
    "scores.month": Entry("Month", "月份"),
    "scores.year": Entry("Year", "年度"),
    "scores.change": Entry("Change", "环比变化"),
    "scores.correlation": Entry("Correlation", "相关系数"),
    "scores.pairs": Entry("Answered both", "两项均有评分"),
    "scores.quadrant": Entry("Quadrant", "象限"),
    "scores.low_sample": Entry("fewer than {n} responses", "样本少于 {n} 份"),
    "scores.no_overall": Entry("no answers for {dims}", "{dims} 无评分"),
    "scores.closes_text": Entry("e.g. {short} answers one point higher", "如{short}位客户各提高1分"),
    "scores.raise": Entry(", {n} raised to {top}", "，或{n}位提高到{top}分"),
    "scores.extra": Entry(", or {n} more answers of {top}", "，或再增加{n}个{top}分"),
    "scores.chart_overall": Entry("Overall score by region", "各区域综合得分"),
    "scores.chart_dimensions": Entry("Score by dimension (whole company)", "全公司各维度得分"),
    "scores.quadrant.focus": Entry("Focus first (important, low score)", "优先改进（重要、得分低）"),
    "scores.quadrant.strength": Entry("Strength (important, high score)", "优势保持（重要、得分高）"),
    "scores.quadrant.maintain": Entry("Maintain (less important, high score)", "维持（次要、得分高）"),
    "scores.quadrant.monitor": Entry("Monitor (less important, low score)", "观察（次要、得分低）"),
    # The Flags sheet and the flag columns on the log (addin.pages.flags)
    "flags.title": Entry("Flags — {name}", "预警清单 — {name}"),
    "flags.subtitle": Entry(
        "As of {as_of} · {clock} · {flagged} of {total} complaints flagged · " + _WRITTEN.en,
        "统计时间 {as_of} · {clock} · {total} 件投诉中 {flagged} 件有预警 · " + _WRITTEN.zh,
    ),
    "flags.calendar": Entry("calendar time", "自然日计时"),
    "flags.business": Entry(
        "business days ({country} official calendar and Settings)", "工作日计时（{country} 法定节假日及设置）"
    ),
    "flags.business_none": Entry("business days (weekends and Settings)", "工作日计时（周末及设置）"),
    "flags.unknown_years": Entry(
        " · no official calendar for {years}: weekends only", " · {years} 年无官方日历，仅按周末计算"
    ),
    "flags.header": Row(
        (
            "Complaint ID", "Region", "Owner", "State", "Flags", "Severity", "Suggested", "Why", "Response due",
            "Resolution due", "Hours overdue", "Repeat of", "Cluster", "Received", "Customer ID", "Category", "Subject",
        ),
        (
            "投诉编号", "区域", "责任人", "状态", "预警", "登记等级", "建议等级", "依据", "响应期限", "解决期限",
            "超期小时", "重复于", "群发编号", "投诉时间", "客户编号", "投诉类别", "投诉对象",
        ),
    ),
    "flags.by_region": Entry("By region", "按区域"),
    "flags.by_owner": Entry("By owner", "按责任人"),
    "flags.region": Entry("Region", "区域"),
    "flags.owner": Entry("Owner", "责任人"),
    "flags.all": Entry("All", "合计"),
    "flags.blank": Entry("(blank)", "（空）"),
    "flags.clusters": Entry("Clusters: the same complaint from several customers", "群发问题：多位客户的相同投诉"),
    "flags.cluster_header": Row(
        ("Cluster", "Category", "Subject", "Customers", "Complaints", "First", "Last", "Members"),
        ("编号", "投诉类别", "投诉对象", "客户数", "投诉数", "最早", "最晚", "成员"),
    ),
    "flags.legend": Entry("Row colours on the log", "登记表行颜色图例"),
    "flags.none": Entry("No flagged complaints.", "没有预警的投诉。"),
    "flags.row": Entry("row {row}", "第 {row} 行"),
    "flags.nth": Entry("{n}th in {days} days", "{days} 天内第 {n} 次"),
    "flags.more": Entry(" (+{n})", "（另 {n} 件）"),
    "flags.duration.day": Entry("{n} day", "{n} 天"),
    "flags.duration.days": Entry("{n} days", "{n} 天"),
    "flags.duration.hour": Entry("{n} hour", "{n} 小时"),
    "flags.duration.hours": Entry("{n} hours", "{n} 小时"),
    "flags.duration.under_hour": Entry("less than 1 hour", "不足 1 小时"),
    "flags.duration.join": Entry(" ", " "),
    "flags.columns": Row(
        ("Response due", "Resolution due", "State", "Flags", "Suggested severity"),
        ("响应期限", "解决期限", "状态", "预警", "建议等级"),
    ),
    "flags.count.flagged": Entry("Flagged", "预警数"),
    # Flag names as listed in the Flags column; `flags.count.*` are the (shorter) headers of the counts tables
    "flags.flag.overdue": Entry("Overdue", "超期"),
    "flags.flag.no-first-response": Entry("No first response", "未首次响应"),
    "flags.flag.due-soon": Entry("Due soon", "即将到期"),
    "flags.flag.resolved-late": Entry("Resolved late", "超期解决"),
    "flags.flag.under-graded": Entry("Graded lower than suggested", "定级偏低"),
    "flags.flag.cluster": Entry("Cluster", "群发问题"),
    "flags.flag.secondary": Entry("Secondary complaint", "二次投诉"),
    "flags.flag.repeat": Entry("Repeat", "重复投诉"),
    "flags.count.overdue": Entry("Overdue", "超期"),
    "flags.count.no-first-response": Entry("No first response", "未首次响应"),
    "flags.count.due-soon": Entry("Due soon", "即将到期"),
    "flags.count.resolved-late": Entry("Resolved late", "超期解决"),
    "flags.count.under-graded": Entry("Under-graded", "定级偏低"),
    "flags.count.cluster": Entry("Cluster", "群发问题"),
    "flags.count.secondary": Entry("Secondary", "二次投诉"),
    "flags.count.repeat": Entry("Repeat", "重复投诉"),
    "flags.state.overdue": Entry("Overdue by {late}", "超期 {late}"),
    "flags.state.no-first-response": Entry("No first response", "未首次响应"),
    "flags.state.due-soon": Entry("Due soon", "即将到期"),
    "flags.state.on-time": Entry("On time", "未超期"),
    "flags.state.resolved-late": Entry("Resolved late by {late}", "超期解决（超 {late}）"),
    "flags.state.resolved-on-time": Entry("Resolved on time", "按期解决"),
    "flags.state.resolved": Entry("Resolved", "已解决"),
    "flags.state.unknown": Entry("", ""),
    # Why a severity is suggested; the numbers are the live FlagRules
    "flags.rule.legal": Entry("legal action", "已引发法律诉讼"),
    "flags.rule.media": Entry("media exposure", "已被媒体曝光"),
    "flags.rule.complainants-major": Entry(
        "{major_complainants} or more complainants", "{major_complainants} 人以上集体投诉"
    ),
    "flags.rule.unresolved-major": Entry(
        "unresolved {major_after_days} days after receipt", "投诉 {major_after_days} 天后仍未解决"
    ),
    "flags.rule.complainants-hot": Entry(
        "{hot_complainants} or more complainants", "{hot_complainants} 人以上集体投诉"
    ),
    "flags.rule.cluster": Entry(
        "same complaint from {cluster_customers} or more customers within {cluster_days} days",
        "{cluster_days} 天内 {cluster_customers} 位以上不同客户的相同投诉",
    ),
    "flags.rule.unresolved-hot": Entry(
        "unresolved {hot_after_days} days after receipt", "投诉 {hot_after_days} 天后仍未解决"
    ),
    "flags.rule.secondary": Entry(
        "complained again after the earlier complaint was resolved", "处理完毕后再次投诉（二次投诉）"
    ),
    "flags.rule.reopened": Entry("reopened", "重新打开"),
    # The legend of the row colours on the log
    "flags.legend.overdue": Entry(
        "Overdue, or no first response past its due time", "超期，或超过响应期限仍未首次响应"
    ),
    "flags.legend.due-soon": Entry(
        "Due soon ({due_soon}% or more of the allowed time used)", "即将到期（已用时限 {due_soon}% 以上）"
    ),
    "flags.legend.under-graded": Entry("Graded lower than the facts call for", "登记等级低于建议等级"),
    "flags.legend.repeat": Entry("Repeat, secondary complaint or cluster member", "重复投诉、二次投诉或群发问题"),
    # The Summary sheet and the e-mail body (addin.pages.summary)
    "summary.title": Entry("Summary — {name}", "汇总 — {name}"),
    "summary.title_region": Entry("Summary — {name} — {region}", "汇总 — {name} — {region}"),
    "summary.subtitle": Entry(
        "Period {first} to {last} · as of {as_of} · {clock}", "统计期间 {first} 至 {last} · 统计时间 {as_of} · {clock}"
    ),
    "summary.owned": Entry(" · " + _WRITTEN.en, " · " + _WRITTEN.zh),
    "summary.calendar": Entry("deadlines in calendar time", "期限按自然日计"),
    "summary.business": Entry("deadlines in business days", "期限按工作日计"),
    "summary.key": Entry("Key figures", "关键指标"),
    "summary.key_header": Row(("Measure", "Value", "Share"), ("指标", "数值", "占比")),
    "summary.received": Entry("Complaints received", "受理投诉"),
    "summary.open": Entry("Open (share of received)", "未结（占受理）"),
    "summary.overdue": Entry("Overdue (share of open)", "超期（占未结）"),
    "summary.due_soon": Entry("Due soon (share of open)", "即将到期（占未结）"),
    "summary.on_time": Entry("Resolved on time (share of resolved)", "按期解决（占有期限的已解决）"),
    "summary.median": Entry("Median days to resolve", "解决天数中位数"),
    "summary.mean": Entry("Mean days to resolve", "平均解决天数"),
    "summary.repeat": Entry("Repeat or secondary (share of received)", "重复及二次投诉（占受理）"),
    "summary.under_graded": Entry("Under-graded (share of received)", "定级偏低（占受理）"),
    "summary.clusters": Entry("Clusters (one complaint, many customers)", "群发问题"),
    "summary.overall": Entry("Overall satisfaction (target {target})", "总体满意度（目标 {target}）"),
    "summary.by_region": Entry("By region", "按区域"),
    "summary.region_header": Row(
        (
            "Region", "Received", "Open", "Overdue", "Due soon", "Resolved on time", "Median days", "Repeat",
            "Under-graded",
        ),
        ("区域", "受理", "未结", "超期", "即将到期", "按期解决率", "解决天数中位数", "重复投诉", "定级偏低"),
    ),
    "summary.by_category": Entry("By category", "按投诉类别"),
    "summary.category_header": Row(
        ("Category", "Received", "Share", "Open", "Overdue", "Repeat", "Under-graded"),
        ("投诉类别", "受理", "占比", "未结", "超期", "重复投诉", "定级偏低"),
    ),
    "summary.satisfaction": Entry(
        "Satisfaction by region against the target of {target}", "各区域满意度（目标 {target}）"
    ),
    "summary.satisfaction_none": Entry("Satisfaction", "满意度"),
    "summary.satisfaction_header": Row(
        ("Region", "Responses", "Overall", "Target", "Short by", "Rank"),
        ("区域", "样本数", "总体满意度", "目标", "差距", "排名"),
    ),
    "summary.no_scores": Entry("No satisfaction survey found: no scores.", "未找到满意度回访表，无得分。"),
    "summary.actions": Entry(
        "Action list: open complaints with a flag, most urgent first ({shown} of {total})",
        "待办清单：有预警的未结投诉，最紧急在前（{total} 件中列出 {shown} 件）",
    ),
    "summary.action_header": Row(
        (
            "Complaint ID", "Region", "Category", "Owner", "State", "Flags", "Severity", "Suggested", "Resolution due",
            "Cluster",
        ),
        ("投诉编号", "区域", "投诉类别", "责任人", "状态", "预警", "登记等级", "建议等级", "解决期限", "群发编号"),
    ),
    "summary.no_actions": Entry("Nothing to act on: no open complaint has a flag.", "无待办：未结投诉均无预警。"),
    "summary.all": Entry("All regions", "全部区域"),
    "summary.blank": Entry("(blank)", "（空）"),
    "summary.low_sample": Entry(" (few responses)", "（样本少）"),
    "summary.chart_complaints": Entry("Complaints by region", "各区域投诉量"),
    "summary.chart_satisfaction": Entry("Overall satisfaction by region vs target", "各区域总体满意度与目标"),
    "summary.none": Entry("—", "—"),
}  # fmt: skip
