"""Income distribution floors (measure 6; 促进科技成果转化法 art. 45): a pure check, no Django.

A plan splits the net income (income less listed costs) among researchers (成果完成人), transfer
staff (转化工作人员) and the unit's retained share. The check only *warns*: the law's floors are
defaults a unit's own rules may set differently, so a plan below a floor is recorded with its
warnings shown to the unit, the department and the licensee is not told.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from zhuanhua.engines.common import InputError, money_str, parse_bool, parse_money, require

CENT = Decimal("0.01")

# ≥ 70% of net income to researchers for registered development / consulting / service income.
RESEARCHER_FLOOR_SERVICE_INCOME = Decimal("0.70")
# ≥ 50% of transfer (transfer / licence) net income to researchers by default.
RESEARCHER_FLOOR_TRANSFER_INCOME = Decimal("0.50")
# ≥ 10% of the unit's retained share to transfer staff, when the unit chooses to reward them.
TRANSFER_STAFF_FLOOR_OF_UNIT_SHARE = Decimal("0.10")

SERVICE_CONTRACT_TYPES = frozenset({"development", "consulting", "service"})
CONTRACT_TYPES: tuple[str, ...] = ("development", "transfer", "license", "consulting", "service")

WARN_RESEARCHER_SERVICE = (
    "成果完成人所得 {actual} 低于已登记技术开发、咨询、服务净收入的 70%（应不少于 {floor} 元）"
)
WARN_RESEARCHER_TRANSFER = "成果完成人所得 {actual} 低于转化净收入的 50%（应不少于 {floor} 元）"
WARN_TRANSFER_STAFF = "转化工作人员所得 {actual} 低于单位留存部分的 10%（应不少于 {floor} 元）"
ERR_SUM = "各项分配之和（{total} 元）应等于净收入（{net} 元）"
ERR_NEGATIVE_NET = "净收入（收入减列支成本）不能为负数"


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def net_income(income: Decimal, costs: list[Decimal]) -> Decimal:
    return _cents(income - sum(costs, Decimal(0)))


def researcher_floor(contract_type: str | None, registered: bool) -> Decimal:
    """The researchers' floor as a fraction of net income for this income."""
    if registered and contract_type in SERVICE_CONTRACT_TYPES:
        return RESEARCHER_FLOOR_SERVICE_INCOME
    return RESEARCHER_FLOOR_TRANSFER_INCOME


def check_distribution(
    *,
    net: Decimal,
    researcher: Decimal,
    transfer_staff: Decimal,
    unit: Decimal,
    contract_type: str | None,
    registered: bool,
    staff_reward_chosen: bool,
) -> list[Finding]:
    """Warnings for splits below their floors. The staff floor applies to the unit's retained
    share before the staff reward (unit + transfer_staff), only when the unit chose to reward."""
    findings: list[Finding] = []
    floor_rate = researcher_floor(contract_type, registered)
    floor = _cents(net * floor_rate)
    if researcher < floor:
        template = (
            WARN_RESEARCHER_SERVICE
            if floor_rate == RESEARCHER_FLOOR_SERVICE_INCOME
            else WARN_RESEARCHER_TRANSFER
        )
        findings.append(
            Finding("researcher_floor", template.format(actual=_cents(researcher), floor=floor))
        )
    if staff_reward_chosen:
        staff_floor = _cents((unit + transfer_staff) * TRANSFER_STAFF_FLOOR_OF_UNIT_SHARE)
        if transfer_staff < staff_floor:
            findings.append(
                Finding(
                    "transfer_staff_floor",
                    WARN_TRANSFER_STAFF.format(actual=_cents(transfer_staff), floor=staff_floor),
                )
            )
    return findings


# --------------------------------------------------------------------------------------------
# Measure 6 by kind of income (licence, assignment, equity, 横向): the check behind
# contracts' reward plans (奖酬金分配方案) and the ``zhuanhua distribution check`` command.

INCOME_KINDS: tuple[str, ...] = ("licence", "assignment", "equity", "industry")
# 促进科技成果转化法 art. 45(1)–(3): ≥ 50% of the net income of a licence or an assignment, and
# ≥ 50% of the shares (or contribution) of an equity contribution, to the researchers. Measure 6:
# ≥ 70% of the net income of a 横向 project registered as development / consulting / service.
RESEARCHER_FLOOR_BY_KIND: dict[str, Decimal] = {
    "licence": RESEARCHER_FLOOR_TRANSFER_INCOME,
    "assignment": RESEARCHER_FLOOR_TRANSFER_INCOME,
    "equity": RESEARCHER_FLOOR_TRANSFER_INCOME,
}
NOTE_INDUSTRY_NOT_REGISTERED = (
    "横向项目合同未经技术合同登记机构认定登记为技术开发、咨询或服务合同，不适用 70% 的奖励比例"
)


def researcher_floor_for_kind(
    income_kind: str, *, registered: bool, contract_type: str | None
) -> Decimal | None:
    """The researchers' floor (fraction of net income) for one kind of income; None when the
    measure sets none (a 横向 contract not registered as development/consulting/service)."""
    if income_kind == "industry":
        if registered and contract_type in SERVICE_CONTRACT_TYPES:
            return RESEARCHER_FLOOR_SERVICE_INCOME
        return None
    return RESEARCHER_FLOOR_BY_KIND[income_kind]


@dataclass(frozen=True)
class PlanCheck:
    net: Decimal
    researcher_floor_rate: Decimal | None
    researcher_floor: Decimal | None
    transfer_staff_floor: Decimal | None
    findings: list[Finding]
    notes: list[str]


def check_plan(
    *,
    income_kind: str,
    income: Decimal,
    costs: Decimal,
    researcher: Decimal,
    transfer_staff: Decimal,
    unit: Decimal,
    registered: bool = False,
    contract_type: str | None = None,
    staff_reward_chosen: bool = False,
) -> PlanCheck:
    """The floors of measure 6 on one plan. The shares must add up to the net income (the
    caller refuses otherwise); findings only warn, as in :func:`check_distribution`."""
    net = _cents(income - costs)
    rate = researcher_floor_for_kind(
        income_kind, registered=registered, contract_type=contract_type
    )
    findings: list[Finding] = []
    notes: list[str] = []
    floor = None if rate is None else _cents(net * rate)
    if rate is None:
        notes.append(NOTE_INDUSTRY_NOT_REGISTERED)
    elif researcher < floor:  # type: ignore[operator]
        template = (
            WARN_RESEARCHER_SERVICE
            if rate == RESEARCHER_FLOOR_SERVICE_INCOME
            else WARN_RESEARCHER_TRANSFER
        )
        findings.append(
            Finding("researcher_floor", template.format(actual=_cents(researcher), floor=floor))
        )
    staff_floor = None
    if staff_reward_chosen:
        staff_floor = _cents((unit + transfer_staff) * TRANSFER_STAFF_FLOOR_OF_UNIT_SHARE)
        if transfer_staff < staff_floor:
            findings.append(
                Finding(
                    "transfer_staff_floor",
                    WARN_TRANSFER_STAFF.format(actual=_cents(transfer_staff), floor=staff_floor),
                )
            )
    return PlanCheck(net, rate, floor, staff_floor, findings, notes)


def run(doc: Any) -> dict[str, Any]:
    """``zhuanhua distribution check``: one plan in, its floors and warnings out.

    ``{"income_kind": "industry", "income": "100000", "costs": ["10000"], "researcher": "63000",
    "transfer_staff": "2700", "unit": "24300", "registered": true, "contract_type":
    "development", "staff_reward_chosen": true}``
    """
    if not isinstance(doc, dict):
        raise InputError("(document)", "must be an object", "not_object")
    kind = require(doc, "income_kind", "")
    if kind not in INCOME_KINDS:
        raise InputError(
            "income_kind", f"must be one of {', '.join(INCOME_KINDS)}", "unknown_income_kind"
        )
    income = parse_money(require(doc, "income", ""), "income")
    costs_doc = doc.get("costs") or []
    if not isinstance(costs_doc, list):
        raise InputError("costs", "must be a list of amounts", "not_list")
    costs = sum((parse_money(c, f"costs[{i}]") for i, c in enumerate(costs_doc)), Decimal("0.00"))
    shares = {
        name: parse_money(doc.get(name, "0"), name)
        for name in ("researcher", "transfer_staff", "unit")
    }
    registered = parse_bool(doc.get("registered"), "registered")
    contract_type = doc.get("contract_type")
    if contract_type is not None and contract_type not in CONTRACT_TYPES:
        raise InputError(
            "contract_type", f"must be one of {', '.join(CONTRACT_TYPES)}", "not_a_choice"
        )
    net = _cents(income - costs)
    if net < 0:
        raise InputError("costs", "costs exceed the income", "negative_net")
    total = sum(shares.values(), Decimal("0.00"))
    if total != net:
        raise InputError(
            "researcher",
            f"shares add up to {total}, not the net income {net}",
            "shares_sum",
            {"total": str(total), "net": str(net)},
        )
    checked = check_plan(
        income_kind=kind,
        income=income,
        costs=costs,
        registered=registered,
        contract_type=contract_type,
        staff_reward_chosen=parse_bool(doc.get("staff_reward_chosen"), "staff_reward_chosen"),
        **shares,
    )
    return {
        "income_kind": kind,
        "net_income": money_str(checked.net),
        "researcher_floor_rate": None
        if checked.researcher_floor_rate is None
        else str(checked.researcher_floor_rate),
        "researcher_floor": money_str(checked.researcher_floor),
        "transfer_staff_floor": money_str(checked.transfer_staff_floor),
        "meets_floors": not checked.findings,
        "findings": [{"code": f.code, "message": f.message} for f in checked.findings],
        "notes": checked.notes,
    }
