"""Reads of the projects app: visibility, duty status, the acceptance report and the unit
performance evaluation (measure 5), with the licences, payments, contract registrations and
income distributions the licensing app records (an allowed edge: docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from zhuanhua.accounts.models import User
from zhuanhua.achievements.choices import AchievementStatus, IpType, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.engines import transfer_deadline
from zhuanhua.engines.common import add_years_civil
from zhuanhua.licensing.models import ContractRegistration, DistributionPlan, Licence, Payment
from zhuanhua.organisations.models import Organisation
from zhuanhua.projects.choices import (
    EVALUATED_ORG_TYPES,
    GOOD_POST_RATINGS,
    PERFORMANCE_METRICS,
    TransferFinding,
)
from zhuanhua.projects.models import FundedProject, ProjectAchievement, TransferDuty

ZERO = Decimal("0.00")
# Licence states that mean a contract was signed (a draft contract is not a transfer yet).
SIGNED_LICENCE_STATES = ("active", "terminated")
# Achievement states that count as registered (a draft is the unit's private work).
REGISTERED_STATES = (
    AchievementStatus.SUBMITTED,
    AchievementStatus.PUBLISHED,
    AchievementStatus.DELISTED,
)
FORMAL_IP_EXCLUDED = (IpType.KNOW_HOW,)


# --------------------------------------------------------------------------------------------
# Visibility


def projects_visible_to(user: User) -> QuerySet[FundedProject]:
    """The department, auditors and platform admins see every project; a unit sees the projects
    it leads or takes part in; everyone else none."""
    qs = FundedProject.objects.select_related("lead")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_reviewer or user.is_auditor or user.is_platform_admin:
        return qs
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(
        Q(lead_id=user.organisation_id) | Q(partners__pk=user.organisation_id)
    ).distinct()


def can_see_performance(user: User, org: Organisation | None = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_reviewer or user.is_auditor or user.is_platform_admin:
        return True
    return org is not None and user.organisation_id == org.pk


# --------------------------------------------------------------------------------------------
# Duties


def signed_licence_achievement_ids(achievement_ids: list[int]) -> set[int]:
    if not achievement_ids:
        return set()
    return set(
        Licence.objects.filter(
            achievement_id__in=achievement_ids, status__in=SIGNED_LICENCE_STATES
        ).values_list("achievement_id", flat=True)
    )


@dataclass
class DutyStatus:
    duty: TransferDuty
    transferred: list[Achievement] = field(default_factory=list)
    met: bool = False
    overdue: bool = False


def duty_statuses(project: FundedProject, today: dt.date) -> list[DutyStatus]:
    """Each duty with the achievements that count for it and whether it is met or overdue."""
    achievements = list(
        Achievement.objects.filter(project_links__project=project).only(
            "id", "title", "owner_id", "transfer_status", "transferred_on"
        )
    )
    licensed = signed_licence_achievement_ids([a.pk for a in achievements])
    done = [
        a
        for a in achievements
        if a.transfer_status != TransferStatus.UNTRANSFERRED or a.pk in licensed
    ]
    statuses = []
    for duty in project.duties.all():
        if duty.achievement_id is not None:
            counted = [a for a in done if a.pk == duty.achievement_id]
            if not counted and duty.achievement_id not in {a.pk for a in achievements}:
                named = (
                    Achievement.objects.filter(pk=duty.achievement_id)
                    .only("id", "title", "owner_id", "transfer_status", "transferred_on")
                    .first()
                )
                if named is not None and (
                    named.transfer_status != TransferStatus.UNTRANSFERRED
                    or signed_licence_achievement_ids([named.pk])
                ):
                    counted = [named]
            met = bool(counted)
        else:
            counted = done
            met = len(done) >= duty.required_count
        statuses.append(
            DutyStatus(
                duty=duty, transferred=counted, met=met, overdue=not met and duty.due_on <= today
            )
        )
    return statuses


# --------------------------------------------------------------------------------------------
# Acceptance report


@dataclass
class AcceptanceReport:
    achievements: list[Achievement]
    ip_count: int
    licences: list[Any]
    registrations: list[Any]
    contract_amount: Decimal
    received_amount: Decimal
    duties: list[DutyStatus]


def acceptance_report(project: FundedProject, today: dt.date) -> AcceptanceReport:
    """What the project produced against the duty agreed at approval."""
    achievements = list(
        Achievement.objects.filter(project_links__project=project)
        .select_related("owner")
        .order_by("id")
    )
    ids = [a.pk for a in achievements]
    ip_count = sum(1 for a in achievements if a.ip_type not in FORMAL_IP_EXCLUDED)
    licences: list[Any] = []
    received = ZERO
    if ids:
        licences = list(
            Licence.objects.filter(achievement_id__in=ids)
            .select_related("licensee", "achievement")
            .only(
                "id",
                "status",
                "signed_on",
                "achievement",
                "achievement__title",
                "achievement__id",
                "licensee",
                "licensee__name",
                "licensee__id",
            )
            .order_by("id")
        )
        received = (
            Payment.objects.filter(licence__achievement_id__in=ids).aggregate(s=Sum("amount"))["s"]
            or ZERO
        )
    registrations: list[Any] = []
    contract = ZERO
    if ids:
        regs = ContractRegistration.objects.filter(licence__achievement_id__in=ids)
        registrations = list(regs.order_by("registered_on", "id"))
        contract = regs.aggregate(s=Sum("transaction_amount"))["s"] or ZERO
    return AcceptanceReport(
        achievements=achievements,
        ip_count=ip_count,
        licences=licences,
        registrations=registrations,
        contract_amount=contract,
        received_amount=received,
        duties=duty_statuses(project, today),
    )


# --------------------------------------------------------------------------------------------
# Unit performance evaluation


@dataclass
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def money(value: Any) -> Decimal:
    """A sum as money: SQLite's SUM drops the scale, so quantize to 0.01 half-up."""
    return Decimal(value or 0).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _div(numerator: Decimal, denominator: Decimal, places: str = "0.0001") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), ROUND_HALF_UP)


def _achievement_date() -> Any:
    """The day an achievement counts from: its IP date, else the day it was registered."""
    return Coalesce("ip_acquired_on", TruncDate("created_at"))


def record_querysets(period: Period) -> dict[str, Any]:
    """The records behind each figure, for every unit: metric -> (queryset, unit field)."""
    start, end = period.start, period.end
    out: dict[str, Any] = {
        "funding_amount": (FundedProject.objects.filter(start_on__range=(start, end)), "lead_id"),
        "achievement_count": (
            Achievement.objects.filter(status__in=REGISTERED_STATES)
            .annotate(counted_on=_achievement_date())
            .filter(counted_on__range=(start, end)),
            "owner_id",
        ),
        "transfer_count": (
            Achievement.objects.exclude(transfer_status=TransferStatus.UNTRANSFERRED).filter(
                transferred_on__range=(start, end)
            ),
            "owner_id",
        ),
    }
    out["project_count"] = out["funding_amount"]
    accepted = FundedProject.objects.filter(
        acceptance__passed=True, acceptance__held_on__range=(start, end)
    )
    out["accepted_count"] = (accepted, "lead_id")
    out["accepted_transferred_count"] = (
        accepted.filter(
            acceptance__transfer_finding__in=[TransferFinding.MET, TransferFinding.PARTLY]
        ),
        "lead_id",
    )
    out["post_good_count"] = (
        FundedProject.objects.filter(
            post_evaluation__evaluated_on__range=(start, end),
            post_evaluation__rating__in=GOOD_POST_RATINGS,
        ),
        "lead_id",
    )
    out["ip_count"] = (
        out["achievement_count"][0].exclude(ip_type__in=FORMAL_IP_EXCLUDED),
        "owner_id",
    )
    out["licence_count"] = (
        Licence.objects.filter(status__in=SIGNED_LICENCE_STATES, signed_on__range=(start, end)),
        "licensor_id",
    )
    out["received_amount"] = (
        Payment.objects.filter(paid_on__range=(start, end)),
        "licence__licensor_id",
    )
    out["contract_amount"] = (
        ContractRegistration.objects.filter(registered_on__range=(start, end)),
        "licence__licensor_id",
    )
    out["distributed_amount"] = (
        DistributionPlan.objects.filter(recorded_on__range=(start, end)),
        "licence__licensor_id",
    )
    return out


def _grouped(qs: QuerySet[Any], unit_field: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    rows = qs.order_by().values(unit_field).annotate(**aggregates)
    return {row[unit_field]: row for row in rows}


def _researcher_shares(shares: Any) -> Decimal:
    total = ZERO
    for share in shares or []:
        if isinstance(share, dict) and share.get("role") == "researcher":
            total += Decimal(str(share.get("amount") or "0"))
    return total


def two_year_cohort(period: Period, unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Fiscally funded achievements whose two years (满 2 年 from the IP date) ended in the
    period: unit -> (cohort size, transferred by the deadline)."""
    # A deadline in [start, end] means an IP date within two years before; one day of slack
    # each side covers 29 February, then the engine decides.
    low = add_years_civil(period.start, -2) - dt.timedelta(days=1)
    high = add_years_civil(period.end, -2) + dt.timedelta(days=1)
    rows = Achievement.objects.filter(
        owner_id__in=unit_ids,
        fiscally_funded=True,
        status__in=REGISTERED_STATES,
        ip_acquired_on__range=(low, high),
    ).values_list("owner_id", "ip_acquired_on", "transferred_on", "transfer_status")
    out: dict[int, list[int]] = {}
    for owner_id, acquired, transferred_on, status in rows:
        if acquired is None:  # excluded by the range filter; narrows the type
            continue
        deadline = transfer_deadline.deadline(acquired)
        if not period.start <= deadline <= period.end:
            continue
        cell = out.setdefault(owner_id, [0, 0])
        cell[0] += 1
        if (
            status != TransferStatus.UNTRANSFERRED
            and transferred_on is not None
            and transferred_on <= deadline
        ):
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def cohort_ids(period: Period, unit_id: int) -> tuple[list[int], list[int]]:
    """The ids behind the two-year share of one unit: (cohort, transferred in time)."""
    low = add_years_civil(period.start, -2) - dt.timedelta(days=1)
    high = add_years_civil(period.end, -2) + dt.timedelta(days=1)
    cohort, done = [], []
    for pk, acquired, transferred_on, status in Achievement.objects.filter(
        owner_id=unit_id,
        fiscally_funded=True,
        status__in=REGISTERED_STATES,
        ip_acquired_on__range=(low, high),
    ).values_list("pk", "ip_acquired_on", "transferred_on", "transfer_status"):
        if acquired is None:  # excluded by the range filter; narrows the type
            continue
        deadline = transfer_deadline.deadline(acquired)
        if period.start <= deadline <= period.end:
            cohort.append(pk)
            if (
                status != TransferStatus.UNTRANSFERRED
                and transferred_on is not None
                and transferred_on <= deadline
            ):
                done.append(pk)
    return cohort, done


@dataclass
class PerformanceRow:
    unit: Organisation
    figures: dict[str, Any]
    rank: int = 0

    @property
    def cells(self) -> list[tuple[str, str, Any]]:
        """(metric, label, value) in table order, for templates."""
        return [(key, label, self.figures[key]) for key, label in PERFORMANCE_METRICS.items()]


def unit_performance(
    period: Period,
    *,
    units: QuerySet[Organisation] | None = None,
    order_by: str = "received_amount",
) -> list[PerformanceRow]:
    """One row per evaluated unit with every figure of ``PERFORMANCE_METRICS``, ranked by
    ``order_by`` (descending; units without the figure last)."""
    if units is None:
        units = Organisation.objects.filter(org_type__in=EVALUATED_ORG_TYPES, status="approved")
    unit_list = list(units.order_by("name", "id"))
    ids = [u.pk for u in unit_list]
    sets = record_querysets(period)

    def grouped(metric: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
        if metric not in sets:
            return {}
        qs, unit_field = sets[metric]
        return _grouped(qs.filter(**{f"{unit_field}__in": ids}), unit_field, **aggregates)

    funding = grouped("funding_amount", n=Count("id"), s=Sum("funding_amount"))
    achievements = grouped("achievement_count", n=Count("id"))
    ips = grouped("ip_count", n=Count("id"))
    transfers = grouped("transfer_count", n=Count("id"))
    licences = grouped("licence_count", n=Count("id"))
    received = grouped("received_amount", s=Sum("amount"))
    contracts = grouped("contract_amount", s=Sum("transaction_amount"))
    distributed: dict[int, Decimal] = {}
    if "distributed_amount" in sets:
        qs, unit_field = sets["distributed_amount"]
        for unit_id, shares in qs.filter(**{f"{unit_field}__in": ids}).values_list(
            unit_field, "shares"
        ):
            distributed[unit_id] = distributed.get(unit_id, ZERO) + _researcher_shares(shares)
    cohorts = two_year_cohort(period, ids)
    project_counts = {
        metric: grouped(metric, n=Count("id"))
        for metric in ("accepted_count", "accepted_transferred_count", "post_good_count")
    }

    rows = []
    for unit in unit_list:
        pk = unit.pk
        funding_amount = money((funding.get(pk) or {}).get("s"))
        received_amount = money((received.get(pk) or {}).get("s"))
        size, done = cohorts.get(pk, (0, 0))
        figures = {
            "funding_amount": funding_amount,
            "project_count": (funding.get(pk) or {}).get("n", 0),
            "achievement_count": (achievements.get(pk) or {}).get("n", 0),
            "ip_count": (ips.get(pk) or {}).get("n", 0),
            "transfer_count": (transfers.get(pk) or {}).get("n", 0),
            "licence_count": (licences.get(pk) or {}).get("n", 0),
            "contract_amount": money((contracts.get(pk) or {}).get("s")),
            "received_amount": received_amount,
            "distributed_amount": money(distributed.get(pk)),
            "received_per_funding": _div(received_amount, funding_amount),
            "transferred_within_two_years_share": _div(Decimal(done), Decimal(size)),
            "cohort_size": size,
            "cohort_transferred": done,
            **{
                metric: (counts.get(pk) or {}).get("n", 0)
                for metric, counts in project_counts.items()
            },
        }
        rows.append(PerformanceRow(unit=unit, figures=figures))
    if order_by not in PERFORMANCE_METRICS:
        order_by = "received_amount"
    rows.sort(key=lambda r: (r.figures[order_by] is None, -(r.figures[order_by] or 0), r.unit.name))
    for index, row in enumerate(rows, start=1):
        row.rank = index
    return rows


def performance_records(period: Period, unit: Organisation, metric: str) -> tuple[str, list[Any]]:
    """The records behind one figure of one unit: (kind, records)."""
    if metric == "transferred_within_two_years_share":
        cohort, _ = cohort_ids(period, unit.pk)
        return "achievement", list(Achievement.objects.filter(pk__in=cohort).order_by("id"))
    if metric == "received_per_funding":
        metric = "received_amount"
    sets = record_querysets(period)
    if metric not in sets:
        return "none", []
    qs, unit_field = sets[metric]
    qs = qs.filter(**{unit_field: unit.pk}).order_by("id")
    kinds = {
        "funding_amount": "project",
        "project_count": "project",
        "accepted_count": "project",
        "accepted_transferred_count": "project",
        "post_good_count": "project",
        "achievement_count": "achievement",
        "ip_count": "achievement",
        "transfer_count": "achievement",
        "licence_count": "licence",
        "received_amount": "payment",
        "contract_amount": "registration",
        "distributed_amount": "distribution",
    }
    kind = kinds.get(metric, "none")
    if kind == "licence":
        qs = qs.select_related("licensee", "achievement").only(
            "id",
            "status",
            "signed_on",
            "achievement",
            "achievement__id",
            "achievement__title",
            "licensee",
            "licensee__id",
            "licensee__name",
        )
    elif kind in {"payment", "registration", "distribution"}:
        qs = qs.select_related("licence__achievement").only(
            *[f.name for f in qs.model._meta.concrete_fields if not f.is_relation],
            "licence",
            "licence__id",
            "licence__achievement",
            "licence__achievement__id",
            "licence__achievement__title",
        )
    return kind, list(qs)


def linked_achievements_of(project: FundedProject) -> QuerySet[ProjectAchievement]:
    return project.achievement_links.select_related("achievement", "achievement__owner")
