"""Engine refusals in Chinese: the one place where an :class:`InputError` becomes words for people.

The engines raise ``InputError(path, message, code, params)``: the English ``message`` is the
console script's line (``error: <path>: <message>``, exit 2) and never reaches a page; ``code``
names the rule. :func:`chinese` renders the code from the catalogue below and :func:`field_label`
names the field, so every app shows the same sentence for the same refusal. Pure data and
string formatting, no Django.
"""

from __future__ import annotations

import re

from zhuanhua.engines.common import InputError

GENERIC = "填写有误"

# code -> Chinese sentence; {placeholders} come from the error's params.
MESSAGES: dict[str, str] = {
    # common.py: any engine
    "required": "必须填写",
    "not_object": "格式应为 JSON 对象",
    "not_list": "格式应为列表",
    "not_number": "应为数字",
    "negative": "不能为负数",
    "two_decimals": "最多保留两位小数",
    "too_large": "金额过大",
    "bad_date": "日期格式应为 YYYY-MM-DD",
    "not_bool": "应为是或否",
    "not_string": "应为文本",
    "empty": "不能为空",
    "whole_days": "应为整数天数",
    "not_a_choice": "不是可选的值",
    # licensing.py
    "unknown_fee_model": "费用模式应为 royalty、staged 或 staged_royalty",
    "fee_model_requires": "所选费用模式必须填写此项",
    "fee_model_excludes": "所选费用模式不包含此项，请删除",
    "end_before_start": "不能早于许可起始日",
    "terminated_outside_term": "提前终止日应在许可期限内（不早于起始日、不晚于终止日）",
    "rate_range": "应在 0 到 1 之间",
    "rate_or_tiers": "提成比例与分档提成二者选一",
    "tiers_ascend": "各档上限必须从小到大递增",
    "tier_positive": "档位上限必须大于 0",
    "tier_open_early": "只有最后一档可以不设上限（up_to 为 null）",
    "tier_last_open": "最后一档必须不设上限（up_to 为 null）",
    "duplicate_key": "节点名称重复",
    "due_or_milestone": "一般节点填写支付日期，里程碑节点填写里程碑和天数，二者选一",
    "only_milestone": "只有里程碑节点可以填写此项",
    "unknown_period": "报告周期应为 quarter（季度）、half（半年）或 year（年）",
    "unknown_milestone": "没有阶段性支付使用这个里程碑",
    "duplicate_milestone": "同一里程碑只能填写一次",
    "no_royalty_periods": "所选费用模式没有收入提成，不能报告收入",
    "not_a_period": "不是本许可的一个报告周期",
    "period_end_mismatch": "与报告周期的截止日不符（应为 {end}）",
    "duplicate_report": "同一报告周期在同一天只能报告一次（更正请填写新的报告日期）",
    "reversed_before_date": "冲正日期不能早于付款日期",
    # distribution.py
    "unknown_income_kind": "收入类型应为 licence（许可）、assignment（转让）、equity（作价投资）或 industry（横向项目）",
    "negative_net": "列支成本不能超过收入",
    "shares_sum": "各项分配之和（{total} 元）应等于净收入（{net} 元）",
    # subsidy.py
    "unknown_measure": "不是政策目录中的措施",
    "duplicate_id": "编号重复",
    # exemption.py, periods.py, transfer_deadline.py
    "unknown_key": "不支持的字段",
    "bad_year": "年份应为四位数字",
    "date_not_in_year": "日期不在该年度内",
    "holiday_and_workday": "同一天不能既是节假日又是调休工作日",
    "positive_whole": "应为正整数",
    "too_many_days": "天数过多",
    "too_far": "日期过远",
}

FIELD_LABELS: dict[str, str] = {
    # licensing: the contract and its records
    "contract": "合同",
    "as_of": "计算日期",
    "fee_model": "费用模式",
    "start": "许可起始日",
    "end": "许可终止日",
    "terminated_on": "提前终止日",
    "upfront_fee": "门槛费",
    "upfront_due": "门槛费支付日",
    "grace_days": "宽限天数",
    "installments": "阶段性支付",
    "key": "节点名称",
    "amount": "金额",
    "due": "支付日期",
    "milestone": "里程碑",
    "milestones": "里程碑",
    "days_after": "里程碑达成后天数",
    "achieved_on": "达成日期",
    "royalty": "收入提成",
    "rate": "提成比例",
    "tiers": "分档提成",
    "up_to": "档位上限",
    "period": "报告周期",
    "report_within_days": "报告期限（天）",
    "pay_within_days": "付款期限（天）",
    "cap_total": "提成封顶",
    "revenue_reports": "收入报告",
    "period_start": "周期起始日",
    "period_end": "周期截止日",
    "revenue": "收入",
    "reported_on": "报告日期",
    "payments": "付款",
    "date": "日期",
    "ref": "付款凭证号",
    "reversed_on": "冲正日期",
    # subsidy: one claim
    "claims": "申请",
    "measure": "措施",
    "applicant": "申请单位",
    "applicant_type": "申请主体类型",
    "base": "计算基数",
    "requested": "申请金额",
    "counterparty": "合作方",
    "subject": "事项",
    "level": "标准级别",
    "paid_in_date": "出资到位日期",
}

# Lists whose items are numbered with their own word.
_ITEM_WORDS = {"installments": "第 {n} 笔阶段性支付", "tiers": "第 {n} 档"}
_SEGMENT = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def chinese(exc: InputError) -> str:
    """The refusal's sentence for people (without the field)."""
    template = MESSAGES.get(exc.code)
    if template is None:
        return GENERIC
    try:
        return template.format(**exc.params)
    except (KeyError, IndexError):
        return GENERIC


def field_label(path: str, default: str = "") -> str:
    """``royalty.tiers[1].up_to`` → ``收入提成·第 2 档·档位上限``."""
    parts: list[str] = []
    previous = ""
    for name, index in _SEGMENT.findall(path):
        if name:
            parts.append(FIELD_LABELS.get(name, name))
            previous = name
        elif parts:
            number = int(index) + 1
            word = _ITEM_WORDS.get(previous)
            parts[-1] = word.format(n=number) if word else f"{parts[-1]}第 {number} 项"
    return "·".join(parts) or default


def chinese_with_field(exc: InputError, path: str | None = None, default: str = "") -> str:
    """``收入提成·提成比例（royalty.rate）：应在 0 到 1 之间`` — the field, its path, the rule.

    ``path`` replaces the error's own (a caller that strips a prefix such as ``contract.``).
    """
    shown = exc.path if path is None else path
    return f"{field_label(shown, default)}（{shown or default}）：{chinese(exc)}"
