"""Income distribution floors (measure 6; 促进科技成果转化法 art. 45): a pure check, no Django.

A plan splits the net income (income less listed costs) among researchers (成果完成人), transfer
staff (转化工作人员) and the unit's retained share. The check only *warns*: the law's floors are
defaults a unit's own rules may set differently, so a plan below a floor is recorded with its
warnings shown to the unit, the department and the licensee is not told.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# ≥ 70% of net income to researchers for registered development / consulting / service income.
RESEARCHER_FLOOR_SERVICE_INCOME = Decimal("0.70")
# ≥ 50% of transfer (transfer / licence) net income to researchers by default.
RESEARCHER_FLOOR_TRANSFER_INCOME = Decimal("0.50")
# ≥ 10% of the unit's retained share to transfer staff, when the unit chooses to reward them.
TRANSFER_STAFF_FLOOR_OF_UNIT_SHARE = Decimal("0.10")

SERVICE_CONTRACT_TYPES = frozenset({"development", "consulting", "service"})

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
