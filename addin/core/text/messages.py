"""What the rest says: validation problems, alerts, a run's findings and notes, errors and the e-mail."""

from __future__ import annotations

from addin.core.text.entry import Entry

MESSAGES: dict[str, Entry] = {
    # Validation messages (addin.core.problems builds its RULES from these); `{value}` is the cell's value
    "problem.missing-column": Entry(
        "Required column '{header}' not found in the header row (row {header_row})",
        "表头（第{header_row}行）缺少必填列“{header}”",
    ),
    "problem.duplicate-column": Entry(
        "Column '{header}' appears again; the first one ({first}) is used",
        "列“{header}”重复出现，使用第一列（{first}）",
    ),
    "problem.missing-value": Entry("{header} is required but empty", "{header}为必填项，但为空"),
    "problem.error-value": Entry("{header} holds the error value {value}", "{header}为错误值 {value}"),
    "problem.invalid-date": Entry(
        "{header} '{value}' is not a valid date ({reason})", "{header}“{value}”不是有效日期（{reason}）"
    ),
    "problem.ambiguous-date": Entry(
        "{header} '{value}' is ambiguous (day/month or month/day); write it as YYYY-MM-DD",
        "{header}“{value}”有歧义（日/月还是月/日），请写成 YYYY-MM-DD",
    ),
    "problem.future-date": Entry(
        "{header} {value} is after the as-of time {as_of}", "{header} {value} 晚于统计时间 {as_of}"
    ),
    "problem.resolved-before-received": Entry(
        "Resolved {value} is before received {received}", "解决时间 {value} 早于投诉时间 {received}"
    ),
    "problem.response-before-received": Entry(
        "First response {value} is before received {received}", "首次响应时间 {value} 早于投诉时间 {received}"
    ),
    "problem.pause-before-received": Entry(
        "Waiting since {value} is before received {received}", "暂停开始 {value} 早于投诉时间 {received}"
    ),
    "problem.pause-end-before-start": Entry(
        "Waiting ended {value} is before waiting since {paused}", "暂停结束 {value} 早于暂停开始 {paused}"
    ),
    "problem.pause-incomplete": Entry(
        "{header} is recorded without the other end of the pause; the resolution clock is not paused",
        "只填写了{header}，缺少暂停的另一端；解决时限不暂停计算",
    ),
    "problem.resolved-without-time": Entry(
        "Status is '{value}' but the resolved time is empty", "状态为“{value}”，但解决时间为空"
    ),
    "problem.open-with-resolved-time": Entry(
        "Status is '{value}' but a resolved time ({resolved}) is recorded",
        "状态为“{value}”，但已填写解决时间（{resolved}）",
    ),
    "problem.duplicate-id": Entry(
        "{header} '{value}' also appears in {others}", "{header}“{value}”重复，另见 {others}"
    ),
    "problem.unknown-category": Entry("Unknown category '{value}'{suggestion}", "未知的投诉类别“{value}”{suggestion}"),
    "problem.unknown-severity": Entry("Unknown severity '{value}'{suggestion}", "未知的投诉等级“{value}”{suggestion}"),
    "problem.unknown-status": Entry("Unknown status '{value}'{suggestion}", "未知的处理状态“{value}”{suggestion}"),
    "problem.invalid-complainants": Entry(
        "Complainants '{value}' is not a whole number of at least 1", "投诉人数“{value}”不是大于等于1的整数"
    ),
    "problem.invalid-yes-no": Entry(
        "{header} '{value}' is not yes/no (是/否, Y/N, 1/0, ✓)", "{header}“{value}”不是 是/否（Y/N、1/0、✓）"
    ),
    "problem.invalid-rating": Entry(
        "{header} '{value}' is not a whole number from 1 to {scale}", "{header}“{value}”不是1到{scale}之间的整数"
    ),
    "problem.duplicate-response-id": Entry(
        "{header} '{value}' also appears in {others}", "{header}“{value}”重复，另见 {others}"
    ),
    "problem.no-rating": Entry("Survey row has no rating at all", "该回访记录没有任何评分"),
    "problem.invalid-setting": Entry(
        "Setting '{key}' = '{value}' ignored: {reason}", "设置项“{key}”=“{value}”无效，已忽略：{reason}"
    ),
    "problem.invalid-weights": Entry(
        "Dimension weights cannot be used, so no overall score: {reason}",
        "维度权重无法使用，不能计算综合得分：{reason}",
    ),
    "problem.unknown-setting": Entry(
        "Setting '{key}' is not known and was ignored ({reason})", "未知设置项“{key}”，已忽略（{reason}）"
    ),
    "problem.suggestion": Entry("; did you mean '{0}'?", "，是否为“{0}”？"),
    # The alert after an Excel button (addin.excel.buttons) and its status bar
    "note.text": Entry("{text}", "{text}"),
    "note.near-miss": Entry(
        "{sheet}!{cell}: header '{header}' read as {field} ({sure} sure); "
        "set headers.{field} = \"{header}\" in the config to confirm it",
        "{sheet}!{cell}：表头“{header}”按 {field} 读取（把握 {sure}）；"
        "可在配置中设 headers.{field} = \"{header}\" 确认",
    ),
    "note.declared-column": Entry("{sheet}: no {field} column (declared absent)", "{sheet}：无 {field} 列（已声明）"),
    "note.missing-column": Entry(
        "{sheet}: no {field} column (declare it with log.absent or survey.absent)",
        "{sheet}：没有 {field} 列（可用 log.absent 或 survey.absent 声明）",
    ),
    "note.without.region": Entry(": scores and counts are for the whole company only", "：得分和统计只有全公司"),
    "note.without.customer_id": Entry(
        ": repeat complaints cannot be found (they need a customer)", "：无法识别重复投诉（需要客户）"
    ),
    "note.without.category": Entry(
        ": repeat complaints and clusters cannot be found (they need a category)",
        "：无法识别重复投诉和群发投诉（需要类别）",
    ),
    "note.without.severity": Entry(
        ": deadlines use the severity the facts call for (general unless complainants, legal action, media or age "
        "say more)",
        "：时限按事实对应的等级计算（除非人数、诉讼、媒体或时长提升，均为一般）",
    ),
    "note.without.first_response_at": Entry(
        ": first responses are not checked against their deadline", "：不检查首次响应时限"
    ),
    "note.without.resolved_at": Entry(
        ": closed complaints are not checked for a resolved time, and whether they were resolved late is unknown",
        "：不检查已结案投诉的解决时间，也无法判断是否超时解决",
    ),  # a reason built elsewhere (the table finder's), shown as it is
    "note.sheet-taken": Entry(
        "a sheet named '{wanted}' belongs to you, so results went to '{title}'",
        "已有名为“{wanted}”的工作表属于您，结果写入了“{title}”",
    ),
    "alert.reading": Entry("{title}: reading {name}…", "{title}：正在读取 {name}…"),
    "alert.writing": Entry("{title}: writing results…", "{title}：正在写入结果…"),
    "alert.sending": Entry("{title}: sending the summary…", "{title}：正在发送汇总…"),
    "alert.failed": Entry("{name}: {error}", "{name}：{error}"),
    "alert.unexpected": Entry(
        "{name}: stopped by an unexpected error ({kind}: {error}); details in {log}",
        "{name}：因意外错误而停止（{kind}: {error}），详情见 {log}",
    ),
    "alert.problems": Entry("{n} problems", "{n} 个问题"),
    "alert.no-problems": Entry("No problems found", "未发现问题"),
    "alert.see": Entry(" — see {sheet}", " — 见“{sheet}”表"),
    "alert.note": Entry("Note: {note}", "注意：{note}"),
    "alert.sent": Entry("Sent: {what}", "已发送：{what}"),
    "alert.already-sent": Entry("Already sent: {what}", "此前已发送：{what}"),
    "alert.not-sent": Entry("Not sent: {what}", "未发送：{what}"),
    "alert.nothing-sent": Entry("Nothing was sent.", "未发送任何邮件。"),
    # What a run found, one part per job (addin.files.run.findings: the CLI line and the alert)
    "run.validated": Entry("{errors} errors, {warnings} warnings", "错误 {errors} 项，警告 {warnings} 项"),
    "run.scored": Entry(
        "overall {overall} (target {target}), {regions} regions",
        "综合得分 {overall}（目标 {target}），{regions} 个区域",
    ),
    "run.scored-company": Entry(
        "overall {overall} (target {target}), whole company (no regions)",
        "综合得分 {overall}（目标 {target}），全公司（无区域）",
    ),
    "run.flagged": Entry(
        "{overdue} overdue, {due_soon} due soon, {repeat} repeat, {clusters} clusters, {under_graded} under-graded",
        "超期 {overdue} 件，即将到期 {due_soon} 件，重复投诉 {repeat} 件，"
        "群发问题 {clusters} 个，定级偏低 {under_graded} 件",
    ),
    # Notes of a run (addin.files.run) and of the e-mail (addin.mail)
    "note.no-scores": Entry("no scores: {reason}", "无得分：{reason}"),
    "note.no-flags": Entry(
        "no flags: deadlines and repeats need a complaint log, and none was found",
        "无预警：时限和重复投诉需要投诉登记表，未找到",
    ),
    "note.invalid-ratings": Entry(
        "{n} invalid ratings were left out of the scores; 'complaints validate' lists them",
        "{n} 个无效评分未计入得分；'complaints validate' 会列出它们",
    ),
    "note.invalid-flag-cells": Entry(
        "{n} invalid cells were left out of the flags; 'complaints validate' lists them",
        "{n} 个无效单元格未用于预警；'complaints validate' 会列出它们",
    ),
    "note.unknown-years": Entry(
        "the official calendar covers {first}-{last}; days in {years} counted weekends only "
        "(add them with clock.holidays / clock.workdays in Settings)",
        "官方日历覆盖 {first}-{last} 年；{years} 年只按周末计算（可在设置中用 clock.holidays / clock.workdays 补充）",
    ),
    "note.no-recipient": Entry(
        "no recipient for region {regions}: add the addresses to the Recipients sheet",
        "区域 {regions} 没有收件人：请在收件人表中添加地址",
    ),
    "note.nothing-to-send": Entry(
        "nothing to send: no address for the whole company or any region", "无可发送：全公司和各区域均无收件地址"
    ),
    "note.recipient-no-region": Entry("{cell}: addresses without a region", "{cell}：有地址但没有区域"),
    "note.recipient-bad-address": Entry(
        "{cell}: '{address}' is not an e-mail address", "{cell}：“{address}”不是电子邮件地址"
    ),
    "note.recipient-no-address": Entry("{cell}: region '{region}' has no address", "{cell}：区域“{region}”没有地址"),
    # Errors that stop a file (addin.files.run)
    "error.unsafe": Entry(
        "not modified: saving it with openpyxl would lose {parts}; "
        "use the report (without --annotate/--in-place) instead",
        "未修改：用 openpyxl 保存会丢失 {parts}；请改用报告（不加 --annotate/--in-place）",
    ),
    "error.open-in-excel": Entry(
        "open in Excel ({lock} exists); close it before --in-place",
        "文件正在 Excel 中打开（存在 {lock}）；请先关闭再用 --in-place",
    ),
    "error.overwrite-input": Entry(
        "the annotated copy would overwrite the input; use --in-place or another --out",
        "标注副本会覆盖输入文件；请用 --in-place 或另一个 --out",
    ),
    # The summary e-mail (addin.mail)
    "mail.subject": Entry("Complaints summary — {name} — {date}", "投诉汇总 — {name} — {date}"),
    "mail.subject-region": Entry(" — {region}", " — {region}"),
    "mail.intro": Entry(
        "The complaints summary as of {as_of}{region}. The attached workbook {file} holds the {sheets} sheets.",
        "截至 {as_of}{region}的投诉汇总。附件 {file} 含{sheets}表。",
    ),
    "mail.join": Entry(", ", "、"),
    "mail.and": Entry(" and ", "和"),
    "mail.left-out": Entry(
        "The {sheet} sheet was left out of the attachment to keep the message under {mb} MB; "
        "'complaints run' writes it into the summary workbook beside the log.",
        "为使邮件小于 {mb} MB，附件未含{sheet}表；'complaints run' 会把它写入日志旁的汇总工作簿。",
    ),
    "mail.region": Entry(" for {region}", "（{region}）"),
    "mail.more": Entry(
        "{more} more open complaints with a flag are listed in the attachment.",
        "另有 {more} 件有预警的未结投诉列在附件中。",
    ),
    "mail.no-log": Entry("nothing to summarise: the workbook has no complaint log", "无可汇总：工作簿中没有投诉登记表"),
    "mail.whole-company": Entry("whole company", "全公司"),
    "mail.to": Entry("{audience} -> {addresses}", "{audience} -> {addresses}"),
    "mail.sent": Entry("{name}: sent {what}", "{name}：已发送 {what}"),
    "mail.skipped": Entry(
        "{name}: already sent {what} (--resend sends it again)", "{name}：此前已发送 {what}（--resend 可重发）"
    ),
    "mail.draft": Entry("{name}: draft {what}", "{name}：草稿 {what}"),
    "mail.sent-at": Entry("{what} at {when}", "{what}（{when}）"),
}  # fmt: skip
