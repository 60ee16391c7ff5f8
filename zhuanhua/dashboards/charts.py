"""The department dashboard's charts: each a named aggregate query returning columns and rows.

One registry serves the ECharts page, the table view and the .xlsx download, so all three show
exactly the same numbers. Every chart is a database aggregate (GROUP BY), never a Python loop over
records; filters (year, prefecture, organisation type) apply to each chart's own date and owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncMonth

from zhuanhua.achievements.choices import AchievementStatus, IndustryField, IpType
from zhuanhua.achievements.models import Achievement
from zhuanhua.contracts.selectors import registered_by_type
from zhuanhua.core.prefectures import PREFECTURES, prefecture_name
from zhuanhua.disclosures.selectors import disclosure_stats
from zhuanhua.licensing.choices import DealKind, FeeModel, InquiryStatus
from zhuanhua.licensing.models import (
    ContractRegistration,
    Inquiry,
    Licence,
    LicenceAlert,
    LicenceOffer,
    Payment,
)
from zhuanhua.transfer.models import UseFirstListEntry


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    prefecture: str = ""
    org_type: str = ""


@dataclass
class ChartData:
    key: str
    title: str
    kind: str  # bar | pie | line | funnel | map
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": [[_jsonable(v) for v in row] for row in self.rows],
            "note": self.note,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # for the chart only; tables and .xlsx keep the Decimal
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str
    compute: Callable[[Filters], tuple[list[str], list[list[Any]]]]
    note: str = ""

    def data(self, filters: Filters) -> ChartData:
        columns, rows = self.compute(filters)
        return ChartData(self.key, self.title, self.kind, columns, rows, self.note)


CHARTS: dict[str, Chart] = {}


def chart(key: str, title: str, kind: str, note: str = "") -> Callable[..., Any]:
    def register(fn: Callable[[Filters], tuple[list[str], list[list[Any]]]]) -> Any:
        CHARTS[key] = Chart(key, title, kind, fn, note)
        return fn

    return register


def _published(filters: Filters) -> QuerySet[Achievement]:
    qs = Achievement.objects.filter(status=AchievementStatus.PUBLISHED)
    if filters.year:
        qs = qs.filter(published_at__year=filters.year)
    if filters.prefecture:
        qs = qs.filter(prefecture=filters.prefecture)
    if filters.org_type:
        qs = qs.filter(owner__org_type=filters.org_type)
    return qs


@chart("achievements_by_prefecture", "各州（市）已发布成果", "map")
def achievements_by_prefecture(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    # Count the grouped column (not id) so PostgreSQL answers from the covering index.
    counts = dict(
        _published(filters).values_list("prefecture").annotate(n=Count("prefecture")).order_by()
    )
    rows = [[name, counts.get(code, 0)] for code, name in PREFECTURES.items()]
    outside = counts.get("000000", 0)
    if outside:
        rows.append([prefecture_name("000000"), outside])
    return ["州（市）", "成果数"], rows


@chart("achievements_by_ip_type", "成果按知识产权类型", "pie")
def achievements_by_ip_type(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    counts = dict(
        _published(filters).values_list("ip_type").annotate(n=Count("ip_type")).order_by()
    )
    return ["知识产权类型", "成果数"], [[label, counts.get(v, 0)] for v, label in IpType.choices]


@chart("achievements_by_field", "成果按行业领域", "bar")
def achievements_by_field(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    counts = dict(
        _published(filters)
        .values_list("industry_field")
        .annotate(n=Count("industry_field"))
        .order_by()
    )
    return ["行业领域", "成果数"], [[label, counts.get(v, 0)] for v, label in IndustryField.choices]


def _licences(filters: Filters, date_field: str = "created_at") -> Any:
    qs = Licence.objects.all()
    if filters.year:
        qs = qs.filter(**{f"{date_field}__year": filters.year})
    if filters.prefecture:
        qs = qs.filter(licensor__prefecture=filters.prefecture)
    if filters.org_type:
        qs = qs.filter(licensor__org_type=filters.org_type)
    return qs


@chart(
    "transfer_funnel",
    "转化漏斗：挂牌 → 洽谈 → 达成 → 签约 → 登记 → 付款",
    "funnel",
    note="挂牌为发布了“先使用后付费”条款的成果；各环节按当年发生计",
)
def transfer_funnel(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    def scoped(qs: Any, owner: str, date_field: str) -> Any:
        if filters.year:
            qs = qs.filter(**{f"{date_field}__year": filters.year})
        if filters.prefecture:
            qs = qs.filter(**{f"{owner}__prefecture": filters.prefecture})
        if filters.org_type:
            qs = qs.filter(**{f"{owner}__org_type": filters.org_type})
        return qs

    listed = LicenceOffer.objects.all()
    if filters.year:
        listed = listed.filter(created_at__year=filters.year)
    if filters.prefecture:  # the achievement carries its owner's prefecture
        listed = listed.filter(achievement__prefecture=filters.prefecture)
    if filters.org_type:
        listed = listed.filter(achievement__owner__org_type=filters.org_type)
    inquiries = scoped(Inquiry.objects.all(), "licensor", "created_at")
    licences = _licences(filters)
    rows = [
        ["挂牌", listed.values("achievement").distinct().count()],
        ["洽谈", inquiries.count()],
        ["达成一致", inquiries.filter(status=InquiryStatus.ACCEPTED).count()],
        ["签约", licences.filter(signed_on__isnull=False).count()],
        ["认定登记", licences.filter(registration__isnull=False).count()],
        ["已付款", licences.filter(Exists(Payment.objects.filter(licence=OuterRef("pk")))).count()],
    ]
    return ["环节", "数量"], rows


@chart("amounts_by_month", "合同成交额与实际到账额（按月）", "line")
def amounts_by_month(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    def scoped(qs: Any, date_field: str) -> Any:
        if filters.year:
            qs = qs.filter(**{f"{date_field}__year": filters.year})
        if filters.prefecture:
            qs = qs.filter(licence__licensor__prefecture=filters.prefecture)
        if filters.org_type:
            qs = qs.filter(licence__licensor__org_type=filters.org_type)
        return qs

    contracts = dict(
        scoped(ContractRegistration.objects.all(), "registered_on")
        .annotate(month=TruncMonth("registered_on"))
        .values_list("month")
        .annotate(total=Sum("transaction_amount"))
        .order_by()
    )
    received = dict(
        scoped(Payment.objects.all(), "paid_on")
        .annotate(month=TruncMonth("paid_on"))
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    months = sorted(set(contracts) | set(received))
    zero = Decimal("0.00")
    rows = [[_month_label(m), contracts.get(m, zero), received.get(m, zero)] for m in months]
    return ["月份", "合同成交额（元）", "实际到账额（元）"], rows


def _month_label(value: dt.date | dt.datetime) -> str:
    return f"{value.year}-{value.month:02d}"


@chart("licences_by_fee_model", "“先使用后付费”许可按费用模式", "pie")
def licences_by_fee_model(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    licences = _licences(filters).filter(deal_kind=DealKind.LICENSE)
    counts = dict(licences.values_list("fee_model").annotate(n=Count("id")).order_by())
    return ["费用模式", "许可数"], [[label, counts.get(v, 0)] for v, label in FeeModel.choices]


@chart(
    "licence_alerts",
    "逾期与违约风险许可",
    "bar",
    note="按每日任务发出的提醒统计涉及的许可数；违约风险为逾期超过 90 天，是否恶意违约由人工认定",
)
def licence_alerts(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    labels = {"overdue": "逾期", "report_missing": "收入报告缺失", "default_risk": "违约风险"}

    qs = _licences(filters)
    rows = [
        [
            label,
            qs.filter(
                Exists(LicenceAlert.objects.filter(licence=OuterRef("pk"), code=code))
            ).count(),
        ]
        for code, label in labels.items()
    ]
    return ["提醒类型", "许可数"], rows


@chart("use_first_list", "先用后转清单规模（按月末）", "line")
def use_first_list(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    qs = UseFirstListEntry.objects.all()
    if filters.prefecture:
        qs = qs.filter(achievement__prefecture=filters.prefecture)
    if filters.org_type:
        qs = qs.filter(achievement__owner__org_type=filters.org_type)
    joined = dict(
        qs.annotate(m=TruncMonth("joined_on")).values_list("m").annotate(n=Count("id")).order_by()
    )
    left = dict(
        qs.filter(left_on__isnull=False)
        .annotate(m=TruncMonth("left_on"))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows: list[list[Any]] = []
    size = 0
    for month in sorted(set(joined) | set(left)):
        size += joined.get(month, 0) - left.get(month, 0)
        if filters.year and month.year != filters.year:
            continue
        rows.append([_month_label(month), joined.get(month, 0), left.get(month, 0), size])
    return ["月份", "新进入", "移出", "月末在清单"], rows


@chart(
    "disclosures_by_unit",
    "职务成果披露：各单位按年度的披露数与审核用时",
    "bar",
    note="按首次提交年度统计；用时为最近一次提交至单位决定（受理、退回或不予受理）的天数",
)
def disclosures_by_unit(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    stats = disclosure_stats(
        year=filters.year, prefecture=filters.prefecture, org_type=filters.org_type
    )
    rows = [
        [f"{s.unit}（{s.year}）", s.disclosed, s.decided, s.accepted, s.mean_days, s.median_days]
        for s in stats
    ]
    columns = ["单位（年度）", "披露数", "已决定", "受理", "平均用时（天）", "用时中位数（天）"]
    return columns, rows


@chart(
    "deals_by_kind",
    "交易按方式：许可、转让、作价投资",
    "bar",
    note="按合同签订年度统计已签订的交易；金额为许可、转让的固定价款（不含收入提成）或作价投资的评估作价",
)
def deals_by_kind(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    signed = _licences(filters, "signed_on").filter(signed_on__isnull=False)
    rows = []
    for value, label in DealKind.choices:
        deals = list(signed.filter(deal_kind=value).only("terms"))
        amount = sum((d.price_amount() for d in deals), Decimal(0))
        rows.append([label, len(deals), amount.quantize(Decimal("0.01"))])
    return ["交易方式", "已签订数", "金额（元）"], rows


@chart(
    "contracts_by_type",
    "技术合同认定登记：按合同类型的登记数与技术交易额",
    "bar",
    note="按登记日期所在年度统计已认定登记的技术合同（类型为登记机构认定的类型）；地区和机构类型为提交单位的",
)
def contracts_by_type(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    rows = registered_by_type(
        year=filters.year, prefecture=filters.prefecture, org_type=filters.org_type
    )
    return ["合同类型", "登记数", "合同成交额（元）", "核定技术交易额（元）"], rows


def chart_data(key: str, filters: Filters) -> ChartData:
    return CHARTS[key].data(filters)


def all_chart_keys() -> list[str]:
    return list(CHARTS)


# The province's published figures, shown to anyone (政务公开): aggregate counts only — no amounts
# of single contracts, no alerts about named licences.
PUBLIC_CHARTS: tuple[str, ...] = (
    "achievements_by_prefecture",
    "achievements_by_field",
    "transfer_funnel",
    "licences_by_fee_model",
    "use_first_list",
)


__all__ = ["CHARTS", "PUBLIC_CHARTS", "ChartData", "Filters", "all_chart_keys", "chart_data"]
