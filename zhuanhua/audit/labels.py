"""How an audit entry's action reads to a person: `exemption_case.publicise` → 发起内部公示.

The chain stores stable codes (`<object>.<verb>`); pages show these words. A code without its own
words reads as the object's name and the verb's, and an unknown part stays as it is (never blank).
"""

from __future__ import annotations

OBJECTS = {
    "exemption_case": "免责案件",
    "unit_rules": "单位免责制度",
    "achievement": "成果",
    "licence": "许可",
    "inquiry": "洽谈",
    "offer": "先使用后付费条款",
    "notice": "公示",
    "payment": "付款",
    "revenue_report": "收入报告",
    "user": "账户",
}

VERBS = {
    "create": "新建",
    "update": "修改",
    "checklist_save": "保存核查清单",
    "conclude": "作出认定结论",
    "publicise": "发起内部公示",
    "review": "复核异议",
    "decide": "作出最终决定",
    "record_effects": "登记结果运用",
    "minutes_add": "添加会议纪要",
    "person_add": "添加当事人",
    "person_decide": "认定当事人责任",
    "record_add": "添加调查材料",
    "adopt": "通过",
    "publish": "发布",
    "submit": "提交",
    "sign": "签订",
    "close": "关闭",
    "password_reset": "重置密码",
}


def action_label(code: str) -> str:
    """Chinese words for an audit action code."""
    obj, _, verb = code.partition(".")
    if not verb:
        return VERBS.get(obj, obj)
    return f"{OBJECTS.get(obj, obj)} · {VERBS.get(verb, verb)}"
