"""The matchmaking events' chart (measure 9): events held, enterprises registered and
intentions reached, by prefecture. Registered in DashboardsConfig.ready() beside charts.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from zhuanhua.core.prefectures import PREFECTURES
from zhuanhua.dashboards.charts import Filters, chart
from zhuanhua.events.choices import EventStatus
from zhuanhua.events.models import EventRegistration, Intention, MatchmakingEvent


def _held(filters: Filters) -> QuerySet[MatchmakingEvent]:
    qs = MatchmakingEvent.objects.filter(status=EventStatus.HELD)
    if filters.year:
        qs = qs.filter(held_on__year=filters.year)
    if filters.prefecture:
        qs = qs.filter(prefecture=filters.prefecture)
    if filters.org_type:
        qs = qs.filter(organiser__org_type=filters.org_type)
    return qs


@chart(
    "matchmaking_events",
    "对接活动成效（按州市）",
    "bar",
    note="已举办的成果路演与供需对接活动；意向金额为主办单位记录的意向，不等于成交额。",
)
def matchmaking_events(filters: Filters) -> tuple[list[str], list[list[Any]]]:
    held = _held(filters)
    events = dict(held.values_list("prefecture").annotate(n=Count("id")).order_by())
    registered = dict(
        EventRegistration.objects.filter(event__in=held)
        .values_list("event__prefecture")
        .annotate(n=Count("id"))
        .order_by()
    )
    intentions = {
        prefecture: (n, amount or Decimal("0.00"))
        for prefecture, n, amount in Intention.objects.filter(event__in=held)
        .values_list("event__prefecture")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    }
    rows = [
        [
            name,
            events.get(code, 0),
            registered.get(code, 0),
            intentions.get(code, (0, Decimal("0.00")))[0],
            intentions.get(code, (0, Decimal("0.00")))[1],
        ]
        for code, name in PREFECTURES.items()
    ]
    return ["州（市）", "举办场次", "报名企业", "达成意向", "意向金额（元）"], rows
