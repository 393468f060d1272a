"""Header aliases: the other names each field goes by in people's files, and ticket priority words.

They come from real exports: helpdesk tools (Zendesk, Freshdesk, Jira Service Management), the
CFPB complaint database, Google Forms, Chinese property and telecom work-order logs. The README's
field table is made from them (`addin.core.settings_table.fields_markdown`). A header is matched
after folding (`addin.core.schema.normalize`), so case, width, spaces and punctuation do not matter.
"""

from __future__ import annotations

# fmt: off
LOG_ALIASES: dict[str, tuple[str, ...]] = {
    "complaint_id": (
        "投诉单号", "编号", "ID", "Ticket ID", "Case ID", "Ticket", "Ticket number", "Ticket No", "Case number",
        "Complaint number", "Complaint No", "Complaint ref", "Reference", "Issue key", "Issue ID", "Incident ID",
        "Request ID", "工单号", "工单编号", "投诉单编号", "单号", "流水号",
    ),
    "received_at": (
        "受理时间", "投诉日期", "登记时间", "投诉受理时间", "建单时间", "创建时间", "Date received", "Received at",
        "Opened", "Opened at", "Open date", "Created", "Created at", "Created time", "Created date", "Date created",
        "Submitted at", "Reported at", "Date reported", "Logged at",
    ),
    "customer_id": (
        "客户代码", "业主编号", "用户号码", "用户编号", "客户号码", "联系电话", "手机号", "手机号码",
        "Customer number", "Customer No", "Account", "Account ID", "Account number", "Client ID", "Requester",
        "Requester ID", "Requester email", "Contact ID", "Email", "Email address", "Phone", "Phone number",
    ),
    "customer_name": (
        "客户姓名", "业主姓名", "用户姓名", "联系人", "Customer name", "Client", "Client name", "Full name",
        "Requester name",
    ),
    "region": (
        "地区", "大区", "分公司", "省份", "所属区域", "地市", "城市", "区县", "Area", "Branch", "State", "Province",
        "Territory", "Office",
    ),
    "channel": (
        "来源", "投诉来源", "受理渠道", "Source", "Origin", "Submitted via", "Via",
    ),
    "category": (
        "投诉类型", "问题类别", "工单类型", "问题类型", "投诉分类", "Type", "Issue type", "Ticket type",
        "Complaint type", "Problem type", "Issue", "Reason",
    ),
    "subject": (
        "项目", "楼盘", "产品", "设备型号", "Product",
    ),
    "severity": (
        "级别", "严重程度", "优先级", "紧急程度", "Priority", "Urgency", "Severity level",
    ),
    "status": (
        "状态", "工单状态", "是否结单", "是否办结", "Ticket status", "Current status", "Case status",
        "Company response", "Company response to consumer",
    ),
    "owner": (
        "处理人", "经办人", "承办人", "处理部门", "责任部门", "Agent", "Assignee", "Assigned to", "Handler",
        "Handled by",
    ),
    "first_response_at": (
        "响应时间", "首次回复时间", "派单时间", "First response at", "First response time", "First reply",
        "First reply time", "Initial response time", "First responded at", "Responded at",
    ),
    "resolved_at": (
        "办结时间", "结案时间", "结单时间", "归档时间", "完成时间", "Resolved at", "Resolved time",
        "Resolution date", "Solved at", "Closed", "Closed at", "Closed time", "Closed date", "Date closed",
    ),
    "paused_at": (
        "待客户确认时间", "挂起时间", "Pause start",
    ),
    "resumed_at": (
        "恢复处理时间", "Pause end", "Resumed at",
    ),
    "complainants": (
        "Number of complainants",
    ),
    "legal": (
        "法律诉讼",
    ),
    "media": (
        "媒体",
    ),
    "description": (
        "问题描述", "工单内容", "详细描述", "Details", "Comments", "Narrative", "Consumer complaint narrative",
    ),
}

SURVEY_ALIASES: dict[str, tuple[str, ...]] = {
    "response_id": (
        "问卷编号", "Survey ID",
    ),
    "customer_id": (
        "客户代码", "用户号码", "手机号", "Customer", "Respondent", "Email", "Email address",
    ),
    "surveyed_at": (
        "调查日期", "回访时间", "提交时间", "提交答卷时间", "Surveyed at", "Timestamp", "Submitted at",
        "Completed at",
    ),
    "timeliness": (
        "及时性",
    ),
    "overall": (
        "综合服务",
    ),
}

# Priority words of ticket exports, and the severity each most likely means (`complaints map` proposes them).
PRIORITY_WORDS: dict[str, str] = {
    "low": "general", "normal": "general", "medium": "important", "high": "hot", "urgent": "major",
    "critical": "major", "p4": "general", "p3": "general", "p2": "important", "p1": "hot", "p0": "major",
    "低": "general", "普通": "general", "中": "important", "高": "hot", "紧急": "major", "特急": "major",
}
# Status values of exports that say more than the status (the CFPB's company responses): the start of the
# folded value -> the status it means (`complaints map` proposes them as aliases).
STATUS_PREFIXES: dict[str, str] = {
    "closedwith": "closed", "closed": "closed", "untimelyresponse": "open",
}
# fmt: on
