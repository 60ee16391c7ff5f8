"""Pydantic's validation errors in Chinese, for the API's 422 answers.

Pydantic names each refusal with a stable `type` code; the message is chosen from the code and
its context, never parsed from the English text. Our own types (`core.inputs`) raise their
Chinese message directly (codes `money`, `text`, `date_window`, `phone`) and pass through unchanged.
"""

from __future__ import annotations

from typing import Any

from zhuanhua.core.inputs import ERR_SURROGATE

ERR_BAD_BODY = "请求内容无法解析：请检查 JSON 格式或表单编码（multipart 须带 boundary）"
ERR_INVALID = "填写有误"
OWN_CODES = frozenset({"money", "text", "date_window", "list_count", "phone"})
_COLLECTIONS = ("List", "Tuple", "Set", "Dict", "list", "tuple", "set", "dict")
_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})

MESSAGES: dict[str, str] = {
    "missing": "此项为必填项",
    "string_type": "应为文本",
    "string_unicode": ERR_SURROGATE,
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "内容不能超过 {max_length} 字",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "整数过大",
    "int_from_float": "应为整数（不能带小数）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数不能超过 {max_digits} 位",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分不能超过 {whole_digits} 位",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD（不含时间）",
    "date_past": "日期应早于今天",
    "date_future": "日期应晚于今天",
    "datetime_type": "日期时间格式应为 YYYY-MM-DDTHH:MM:SS",
    "datetime_parsing": "日期时间格式应为 YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "日期时间格式应为 YYYY-MM-DDTHH:MM:SS",
    "time_parsing": "时间格式应为 HH:MM",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应为 JSON 文本",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "dict_type": "应为对象（键值对）",
    "model_type": "应为对象（键值对）",
    "model_attributes_type": "应为对象（键值对）",
    "literal_error": "无效的选项",
    "enum": "无效的选项",
    "extra_forbidden": "不允许的字段",
    "url_parsing": "网址格式不正确",
    "url_type": "网址格式不正确",
    "url_scheme": "网址须以 http:// 或 https:// 开头",
    "uuid_parsing": "格式不正确",
    "uuid_type": "格式不正确",
    "bytes_type": "应为文本",
    "none_required": "应为空",
    "is_instance_of": "格式不正确",
    "union_tag_invalid": "无效的选项",
}


def _too_long(ctx: dict[str, Any]) -> str:
    if str(ctx.get("field_type", "")) in _COLLECTIONS:
        return f"最多 {ctx.get('max_length')} 项"
    return f"内容不能超过 {ctx.get('max_length')} 字"


def _too_short(ctx: dict[str, Any]) -> str:
    if str(ctx.get("field_type", "")) in _COLLECTIONS:
        return f"至少 {ctx.get('min_length')} 项"
    return f"至少 {ctx.get('min_length')} 个字符"


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def chinese_message(error: dict[str, Any]) -> str:
    """The Chinese text of one Pydantic error dict (`type`, `msg`, `ctx`)."""
    code = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    if code in OWN_CODES:
        return msg
    if code == "too_long":
        return _too_long(ctx)
    if code == "too_short":
        return _too_short(ctx)
    if code in ("value_error", "assertion_error"):
        # A validator raised ValueError: keep its text when it is ours (Chinese).
        text = str(ctx.get("error", "")) or msg.split(",", 1)[-1].strip()
        return text if _has_cjk(text) else ERR_INVALID
    template = MESSAGES.get(code)
    if template is None:
        return ERR_INVALID
    try:
        return template.format(**{k: v for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return template.split("{", 1)[0].strip() or ERR_INVALID


def error_field(loc: Any) -> str | None:
    """`amount` of ("body", "payload", "amount"); `shares.0.amount` for a nested one."""
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the handler's parameter name (payload)
    return ".".join(parts) or None


def schema_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`{field, message}` per error (as the services' refusals), with Pydantic's `loc` and
    `type` kept for clients that key on them."""
    return [
        {
            "field": error_field(error.get("loc")),
            "message": chinese_message(error),
            "loc": list(error.get("loc") or ()),
            "type": error.get("type"),
        }
        for error in errors
    ]
