"""An organisation's own dashboard ("我的机构看板"): charts scoped to one organisation.

The same ``ChartData`` as the department dashboard (``zhuanhua.dashboards.charts``), so the page,
the table view and the .xlsx download reuse that machinery and show the same numbers. A research
unit (``Organisation.is_research_unit``) gets the unit set; an enterprise the enterprise set.

Every chart is a database aggregate over the organisation's own records, except "what it owes
and when", which runs the payment-plan engine over each of the enterprise's licences (a handful)
through ``zhuanhua.licensing.selectors.licence_schedule``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.utils import timezone

from zhuanhua.achievements.choices import AchievementStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.dashboards.charts import ChartData
from zhuanhua.engines import licensing as engine
from zhuanhua.licensing.choices import InquiryStatus, LicenceStatus
from zhuanhua.licensing.models import DistributionPlan, Inquiry, Licence, Payment
from zhuanhua.licensing.selectors import licence_schedule
from zhuanhua.needs.choices import NeedStatus
from zhuanhua.needs.models import NeedResponse, TechnologyNeed
from zhuanhua.organisations.choices import OrganisationType
from zhuanhua.subsidies.choices import ApplicationStatus
from zhuanhua.subsidies.models import Grant, SubsidyApplication
from zhuanhua.subsidies.selectors import measure_or_none
from zhuanhua.transfer.choices import ReportStatus
from zhuanhua.transfer.models import TransferReport
from zhuanhua.vouchers.models import VoucherQuota
from zhuanhua.vouchers.selectors import voucher_ledger

ZERO = Decimal("0.00")
UNIT = "unit"
ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class OrgFilters:
    """``year`` narrows the dated charts; ``today`` fixes "now" for the plan (tests pin it)."""

    year: int | None = None
    today: dt.date = field(default_factory=timezone.localdate)


Compute = Callable[[Any, OrgFilters], tuple[list[str], list[list[Any]]]]


@dataclass(frozen=True)
class OrgChart:
    key: str
    title: str
    kind: str
    audience: str  # UNIT | ENTERPRISE
    compute: Compute
    note: str = ""

    def data(self, org: Any, filters: OrgFilters) -> ChartData:
        columns, rows = self.compute(org, filters)
        return ChartData(self.key, self.title, self.kind, columns, rows, self.note)


ORG_CHARTS: dict[str, OrgChart] = {}


def org_chart(key: str, title: str, kind: str, audience: str, note: str = "") -> Any:
    def register(fn: Compute) -> Compute:
        ORG_CHARTS[key] = OrgChart(key, title, kind, audience, fn, note)
        return fn

    return register


def audience_of(org: Any) -> str | None:
    """Which set an organisation sees: research units the unit set, enterprises theirs."""
    if org is None:
        return None
    if org.is_research_unit:
        return UNIT
    if org.org_type == OrganisationType.ENTERPRISE:
        return ENTERPRISE
    return None


def charts_for(org: Any) -> list[OrgChart]:
    audience = audience_of(org)
    return [c for c in ORG_CHARTS.values() if c.audience == audience]


def org_chart_data(key: str, org: Any, filters: OrgFilters | None = None) -> ChartData:
    """One chart of ``org``'s set; KeyError for a key not in it (the views answer 404)."""
    chart = ORG_CHARTS[key]
    if chart.audience != audience_of(org):
        raise KeyError(key)
    return chart.data(org, filters or OrgFilters())


def _month_label(value: dt.date | dt.datetime) -> str:
    return f"{value.year}-{value.month:02d}"


# ------------------------------------------------------------------------------- the unit set


@org_chart("unit_achievements_by_status", "本单位成果（按状态）", "pie", UNIT)
def unit_achievements_by_status(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    counts = dict(
        Achievement.objects.filter(owner=org)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return ["状态", "成果数"], [[label, counts.get(v, 0)] for v, label in AchievementStatus.choices]


@org_chart(
    "unit_deals",
    "本单位交易：意向 → 达成 → 签约 → 登记 → 收款",
    "funnel",
    UNIT,
    note="本单位作为许可方的承接意向与许可；年度筛选按发起时间",
)
def unit_deals(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    inquiries = Inquiry.objects.filter(licensor=org)
    licences = Licence.objects.filter(licensor=org)
    if filters.year:
        inquiries = inquiries.filter(created_at__year=filters.year)
        licences = licences.filter(inquiry__created_at__year=filters.year)
    rows = [
        ["承接意向", inquiries.count()],
        ["达成一致", inquiries.filter(status=InquiryStatus.ACCEPTED).count()],
        ["签约", licences.filter(signed_on__isnull=False).count()],
        ["认定登记", licences.filter(registration__isnull=False).count()],
        ["已收款", licences.filter(Exists(Payment.objects.filter(licence=OuterRef("pk")))).count()],
    ]
    return ["环节", "数量"], rows


@org_chart(
    "unit_income_by_month",
    "许可收入到账（按月）",
    "line",
    UNIT,
    note="本单位作为许可方记录的到账付款",
)
def unit_income_by_month(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    qs = Payment.objects.filter(licence__licensor=org)
    if filters.year:
        qs = qs.filter(paid_on__year=filters.year)
    totals = (
        qs.annotate(month=TruncMonth("paid_on"))
        .values_list("month")
        .annotate(total=Sum("amount"))
        .order_by("month")
    )
    return ["月份", "到账金额（元）"], [[_month_label(m), t] for m, t in totals]


@org_chart(
    "unit_distributions",
    "收益分配登记（按年度）",
    "bar",
    UNIT,
    note="已登记的收益分配方案的收入与扣除列支成本后的净收入",
)
def unit_distributions(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    qs = DistributionPlan.objects.filter(licence__licensor=org)
    if filters.year:
        qs = qs.filter(recorded_on__year=filters.year)
    totals = (
        qs.annotate(y=ExtractYear("recorded_on"))
        .values_list("y")
        .annotate(income=Sum("income_amount"), net=Sum("net_income_amount"))
        .order_by("y")
    )
    return ["年度", "收入（元）", "净收入（元）"], [
        [f"{y} 年", income, net] for y, income, net in totals
    ]


def _grants_by_measure(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    columns = ["措施", "补助金额（元）", "已拨付（元）"]
    qs = Grant.objects.filter(applicant=org)
    if filters.year:
        qs = qs.filter(granted_on__year=filters.year)
    totals = (
        qs.values_list("measure")
        .annotate(total=Sum("amount"), paid=Sum("amount", filter=Q(status="paid"), default=ZERO))
        .order_by("measure")
    )
    return columns, [[_measure_label(m), t, p] for m, t, p in totals]


def _measure_label(code: str) -> str:
    try:
        measure = measure_or_none(code)
    except Exception:  # noqa: BLE001 - the label is cosmetic; the catalogue may be absent
        measure = None
    return f"{code} {measure.title}" if measure else code


@org_chart(
    "unit_grants_by_measure",
    "补助（按政策措施）",
    "bar",
    UNIT,
    note="经审核批准的补助；年度筛选按计补日期",
)
def unit_grants_by_measure(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    return _grants_by_measure(org, filters)


@org_chart(
    "unit_transfer_reports",
    "转化清单报送情况（近三年）",
    "bar",
    UNIT,
    note="应报未报：年度已结束而该年度没有已报送的转化清单",
)
def unit_transfer_reports(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    this_year = filters.today.year
    years = [filters.year] if filters.year else list(range(this_year - 2, this_year + 1))
    counts = {
        (y, s): n
        for y, s, n in TransferReport.objects.filter(organisation=org, year__in=years)
        .values_list("year", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for y in years:
        submitted = counts.get((y, ReportStatus.SUBMITTED), 0)
        draft = counts.get((y, ReportStatus.DRAFT), 0)
        missing = 1 if y < this_year and not submitted else 0
        rows.append([f"{y} 年", submitted, draft, missing])
    return ["年度", "已报送", "草稿待报送", "应报未报"], rows


# ------------------------------------------------------------------------- the enterprise set


@org_chart("ent_licences_by_status", "本企业承接的许可（按状态）", "pie", ENTERPRISE)
def ent_licences_by_status(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    qs = Licence.objects.filter(licensee=org)
    if filters.year:
        qs = qs.filter(created_at__year=filters.year)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    return ["状态", "许可数"], [[label, counts.get(v, 0)] for v, label in LicenceStatus.choices]


def _months_ahead(today: dt.date, n: int = 12) -> list[dt.date]:
    out, year, month = [], today.year, today.month
    for _ in range(n):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def payables(org: Any, today: dt.date) -> tuple[dict[dt.date, Decimal], Decimal, Decimal]:
    """The enterprise's outstanding money by month of due date for the next 12 months (from
    this month on), its overdue total and all it still owes of known amounts (due or not yet
    due, milestone installments included; royalties only once reported), from each licence's
    plan."""
    months = _months_ahead(today)
    by_month = dict.fromkeys(months, ZERO)
    overdue = outstanding = ZERO
    licences = Licence.objects.filter(licensee=org, status=LicenceStatus.ACTIVE).prefetch_related(
        "revenue_reports", "payments", "milestones"
    )
    for licence in licences:
        schedule = licence_schedule(licence, today)
        overdue += schedule.totals.overdue
        for o in schedule.obligations:
            outstanding += o.outstanding or ZERO
            if o.status != engine.OPEN or not o.outstanding or o.due is None:
                continue
            month = max(o.due.replace(day=1), months[0])  # open within grace: due now
            if month in by_month:
                by_month[month] += o.outstanding
    return by_month, overdue, outstanding


@org_chart(
    "ent_dues_by_month",
    "未来 12 个月应付许可费（按到期月）",
    "bar",
    ENTERPRISE,
    note="履行中的许可按付款计划计算的待付金额；收入提成在报送收入报告后计入，"
    "待里程碑的阶段性支付在里程碑达成后计入",
)
def ent_dues_by_month(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    by_month, _, _ = payables(org, filters.today)
    return ["到期月份", "应付金额（元）"], [[_month_label(m), v] for m, v in by_month.items()]


@org_chart(
    "ent_payables_status",
    "许可费欠付情况",
    "bar",
    ENTERPRISE,
    note="逾期为已过付款期限仍未付清的金额",
)
def ent_payables_status(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    by_month, overdue, outstanding = payables(org, filters.today)
    return ["项目", "金额（元）"], [
        ["逾期未付", overdue],
        ["未来 12 个月到期", sum(by_month.values(), ZERO)],
        ["全部未付（已确定金额）", outstanding],
    ]


@org_chart(
    "ent_needs",
    "本企业技术需求与回应",
    "bar",
    ENTERPRISE,
    note="回应为科研单位以其成果对需求作出的回应（需求对接）",
)
def ent_needs(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    columns = ["需求状态", "需求数", "收到回应"]
    needs = TechnologyNeed.objects.filter(owner=org)
    responses = NeedResponse.objects.filter(need__owner=org)
    if filters.year:
        needs = needs.filter(created_at__year=filters.year)
        responses = responses.filter(need__created_at__year=filters.year)
    n_needs = dict(needs.values_list("status").annotate(n=Count("id")).order_by())
    n_resp = dict(responses.values_list("need__status").annotate(n=Count("id")).order_by())
    return columns, [
        [label, n_needs.get(v, 0), n_resp.get(v, 0)] for v, label in NeedStatus.choices
    ]


@org_chart("ent_applications", "补助申请（按状态）", "bar", ENTERPRISE, note="年度筛选按申请日期")
def ent_applications(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    columns = ["状态", "申请数"]
    qs = SubsidyApplication.objects.filter(applicant=org)
    if filters.year:
        qs = qs.filter(claim_on__year=filters.year)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    return columns, [[label, counts.get(v, 0)] for v, label in ApplicationStatus.choices]


@org_chart(
    "ent_grants_by_measure",
    "补助（按政策措施）",
    "bar",
    ENTERPRISE,
    note="经审核批准的补助；年度筛选按计补日期",
)
def ent_grants_by_measure(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    return _grants_by_measure(org, filters)


@org_chart(
    "ent_vouchers",
    "科技创新券（按年度）",
    "bar",
    ENTERPRISE,
    note="已使用含待兑付与已兑付；剩余 = 下达额度 − 已使用",
)
def ent_vouchers(org: Any, filters: OrgFilters) -> tuple[list[str], list[list[Any]]]:
    if filters.year:
        years = [filters.year]
    else:
        years = sorted(
            set(VoucherQuota.objects.filter(enterprise=org).values_list("year", flat=True))
            | {filters.today.year}
        )
    rows = []
    for year in years:  # one ledger per year the enterprise had a quota: a handful
        ledger = voucher_ledger(org, year)
        rows.append(
            [
                f"{year} 年",
                ledger.issued_amount,
                ledger.spent_amount,
                ledger.redeemed_amount,
                ledger.pending_amount,
                ledger.left_amount,
            ]
        )
    return [
        "年度",
        "下达额度（元）",
        "已使用（元）",
        "已兑付（元）",
        "待审核兑付（元）",
        "剩余（元）",
    ], rows


__all__ = [
    "ENTERPRISE",
    "ORG_CHARTS",
    "UNIT",
    "OrgFilters",
    "audience_of",
    "charts_for",
    "org_chart_data",
    "payables",
]
