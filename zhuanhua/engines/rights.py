"""赋权 (measure 1) as a pure check: kind, shares, use-right years and the negative list.

No Django import: a pure engine, used by the transfer app.
Shares are percentages with at most two decimals; co-ownership shares (the unit's and the
completers') add up to exactly 100; a long-term use right runs at least 10 years; an achievement
in a negative-list category is never granted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("co_ownership", "assignment", "long_term_use")
NEGATIVE_LIST = {
    "national_security": "国家安全",
    "national_defence": "国防安全",
    "public_security": "公共安全",
    "economic_security": "经济安全",
    "social_stability": "社会稳定",
    "major_public_interest": "国家利益和重大社会公共利益",
}
MIN_USE_YEARS = 10
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

ERR_KIND = "无效的赋权方式"
ERR_NEGATIVE_LIST = "该成果属于赋权负面清单（{label}），暂不纳入赋权范围"
ERR_NEGATIVE_LIST_CHOICE = "无效的负面清单类别"
ERR_NOT_SERVICE = "只有职务科技成果可以赋权"
ERR_USE_YEARS = "长期使用权期限不得低于 10 年"
ERR_USE_YEARS_ONLY = "只有长期使用权需要填写期限"
ERR_SHARES_REQUIRED = "共同所有权须列明单位和成果完成人的份额"
ERR_SHARES_SUM = "份额合计应为 100%，当前为 {total}%"
ERR_SHARE_VALUE = "份额应为大于 0、不超过 100 且最多两位小数的百分比"
ERR_SHARE_HOLDER = "份额持有人应为单位或本成果登记的成果完成人"
ERR_SHARE_DUPLICATE = "同一持有人只能列一次：{name}"
ERR_UNIT_SHARE = "共同所有权须保留单位份额（且只列一次）"
ERR_COMPLETER_SHARE = "须至少列一位成果完成人的份额"
ERR_UNIT_SHARE_NOT_ALLOWED = "让渡或长期使用权的份额只在成果完成人之间分配"


def parse_share(value: Any) -> Decimal | None:
    """A percentage > 0 and ≤ 100 with at most two decimals, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    try:
        share = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        return None
    if not share.is_finite() or share <= 0 or share > HUNDRED or share != share.quantize(CENT):
        return None
    return share.quantize(CENT)


def check(
    *,
    kind: str,
    is_service: bool,
    negative_list_category: str,
    use_years: int | None,
    shares: Sequence[Mapping[str, Any]],
    completer_names: Sequence[str],
) -> dict[str, list[str]]:
    """Every problem of a proposed grant as {field: [messages]}; empty when it may be granted.

    `shares`: [{"holder_kind": "unit" | "completer", "holder_name": str, "share": "60.00"}].
    The negative list is checked first and alone: a blocked achievement is not granted whatever
    else the request says.
    """
    if negative_list_category:
        if negative_list_category not in NEGATIVE_LIST:
            return {"negative_list_category": [ERR_NEGATIVE_LIST_CHOICE]}
        label = NEGATIVE_LIST[negative_list_category]
        return {"negative_list_category": [ERR_NEGATIVE_LIST.format(label=label)]}
    errors: dict[str, list[str]] = {}
    if not is_service:
        errors.setdefault("achievement", []).append(ERR_NOT_SERVICE)
    if kind not in KINDS:
        errors.setdefault("kind", []).append(ERR_KIND)
        return errors
    if kind == "long_term_use":
        if (
            isinstance(use_years, bool)
            or not isinstance(use_years, int)
            or use_years < MIN_USE_YEARS
        ):
            errors.setdefault("use_years", []).append(ERR_USE_YEARS)
    elif use_years is not None:
        errors.setdefault("use_years", []).append(ERR_USE_YEARS_ONLY)
    errors.update(_check_shares(kind, shares, completer_names))
    return errors


def _check_shares(
    kind: str, shares: Sequence[Mapping[str, Any]], completer_names: Sequence[str]
) -> dict[str, list[str]]:
    problems: list[str] = []
    if not shares:
        return {"shares": [ERR_SHARES_REQUIRED]} if kind == "co_ownership" else {}
    total = Decimal("0")
    seen: set[tuple[str, str]] = set()
    units = completers = 0
    for row in shares:
        holder_kind = row.get("holder_kind")
        name = str(row.get("holder_name") or "").strip()
        share = parse_share(row.get("share"))
        if share is None:
            problems.append(ERR_SHARE_VALUE)
        else:
            total += share
        if holder_kind == "unit":
            units += 1
            key = ("unit", "")
        elif holder_kind == "completer" and name in completer_names:
            completers += 1
            key = ("completer", name)
        else:
            problems.append(ERR_SHARE_HOLDER)
            continue
        if key in seen and holder_kind == "completer":
            problems.append(ERR_SHARE_DUPLICATE.format(name=name))
        seen.add(key)
    if kind == "co_ownership":
        if units != 1:
            problems.append(ERR_UNIT_SHARE)
        if completers < 1:
            problems.append(ERR_COMPLETER_SHARE)
    elif units:
        problems.append(ERR_UNIT_SHARE_NOT_ALLOWED)
    if ERR_SHARE_VALUE not in problems and total != HUNDRED:
        problems.append(ERR_SHARES_SUM.format(total=f"{total:.2f}"))
    return {"shares": list(dict.fromkeys(problems))} if problems else {}
