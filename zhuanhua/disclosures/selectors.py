"""Reads of disclosures and who may see them: a researcher their own; the unit's achievement
managers and admins every disclosure submitted to their unit (never another researcher's
draft); nobody else. The dashboards read only aggregates (`disclosure_stats`)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from zhuanhua.disclosures.choices import DisclosureStatus
from zhuanhua.disclosures.models import Disclosure
from zhuanhua.disclosures.services import is_unit_manager


def disclosures_visible_to(user: Any) -> QuerySet[Disclosure]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Disclosure.objects.none()
    mine = Q(researcher=user)
    if is_unit_manager(user):
        mine |= Q(unit_id=user.organisation_id) & ~Q(status=DisclosureStatus.DRAFT)
    return Disclosure.objects.filter(mine).select_related("unit", "researcher", "achievement")


def disclosures_mine(user: Any) -> QuerySet[Disclosure]:
    """The person's own disclosures (a researcher's list; also one who lost the role since)."""
    if not getattr(user, "is_authenticated", False):
        return Disclosure.objects.none()
    return Disclosure.objects.filter(researcher=user).select_related("achievement")


@dataclass(frozen=True)
class QueueRow:
    disclosure: Disclosure
    days_waited: int
    days_left: int
    overdue: bool


def disclosure_queue(user: Any, today: dt.date) -> list[QueueRow]:
    """The unit's submitted disclosures, oldest first, with the days each has waited and
    whether the unit's deadline has passed."""
    if not is_unit_manager(user):
        return []
    rows = []
    for d in (
        Disclosure.objects.filter(unit_id=user.organisation_id, status=DisclosureStatus.SUBMITTED)
        .select_related("researcher")
        .order_by("submitted_at", "pk")
    ):
        submitted_on = d.submitted_on or today
        due_on = d.due_on or today
        rows.append(
            QueueRow(
                disclosure=d,
                days_waited=(today - submitted_on).days,
                days_left=(due_on - today).days,
                overdue=today > due_on,
            )
        )
    return rows


def queue_count(user: Any) -> int:
    if not is_unit_manager(user):
        return 0
    return Disclosure.objects.filter(
        unit_id=user.organisation_id, status=DisclosureStatus.SUBMITTED
    ).count()


DECIDED = (DisclosureStatus.ACCEPTED, DisclosureStatus.RETURNED, DisclosureStatus.DECLINED)


def _one_place(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class StatsRow:
    unit: str
    year: int
    disclosed: int
    decided: int
    accepted: int
    mean_days: Decimal | None
    median_days: Decimal | None


def disclosure_stats(
    *, year: int | None = None, prefecture: str = "", org_type: str = ""
) -> list[StatsRow]:
    """Disclosures per unit and year of first submission, with the days from the (last)
    submission to the decision — mean by a GROUP BY, median over the few decision-day integers
    of each unit and year (no database computes a median portably)."""
    qs = Disclosure.objects.filter(first_submitted_at__isnull=False)
    if year:
        qs = qs.filter(first_submitted_at__year=year)
    if prefecture:
        qs = qs.filter(unit__prefecture=prefecture)
    if org_type:
        qs = qs.filter(unit__org_type=org_type)
    grouped = (
        qs.values("unit_id", "unit__name", "first_submitted_at__year")
        .annotate(
            disclosed=Count("id"),
            decided=Count("id", filter=Q(decision_days__isnull=False)),
            accepted=Count("id", filter=Q(status=DisclosureStatus.ACCEPTED)),
            mean=Avg("decision_days"),
        )
        .order_by("unit__name", "first_submitted_at__year")
    )
    days: dict[tuple[int, int], list[int]] = {}
    for unit_id, y, n in qs.filter(decision_days__isnull=False).values_list(
        "unit_id", "first_submitted_at__year", "decision_days"
    ):
        if n is not None:
            days.setdefault((unit_id, y), []).append(n)
    rows = []
    for g in grouped:
        values = days.get((g["unit_id"], g["first_submitted_at__year"]), [])
        rows.append(
            StatsRow(
                unit=g["unit__name"],
                year=g["first_submitted_at__year"],
                disclosed=g["disclosed"],
                decided=g["decided"],
                accepted=g["accepted"],
                mean_days=_one_place(g["mean"]),
                median_days=_one_place(statistics.median(values)) if values else None,
            )
        )
    return rows
