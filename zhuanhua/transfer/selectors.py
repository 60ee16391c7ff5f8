"""Reads of the transfer app: the public 先用后转 section and a unit's own list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhuanhua.achievements.choices import AchievementStatus, TransferStatus
from zhuanhua.achievements.models import Achievement
from zhuanhua.engines import transfer_deadline
from zhuanhua.transfer.models import TransferReminder, UseFirstListEntry
from zhuanhua.transfer.services import joins_on_for


@dataclass
class UseFirstQuery:
    prefecture: str = ""
    industry_field: str = ""
    ip_type: str = ""


def use_first_public(query: UseFirstQuery | None = None) -> QuerySet[UseFirstListEntry]:
    """What the public sees: entries currently on the list whose achievement is published."""
    query = query or UseFirstQuery()
    qs = UseFirstListEntry.objects.filter(
        left_on__isnull=True, achievement__status=AchievementStatus.PUBLISHED
    )
    if query.prefecture:
        qs = qs.filter(achievement__prefecture=query.prefecture)
    if query.industry_field:
        qs = qs.filter(achievement__industry_field=query.industry_field)
    if query.ip_type:
        qs = qs.filter(achievement__ip_type=query.ip_type)
    return qs.select_related("achievement", "achievement__owner").order_by(
        "-joined_on", "-achievement_id"
    )


def _org_id(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return user.organisation_id  # type: ignore[no-any-return]


def use_first_mine(user: Any) -> QuerySet[UseFirstListEntry]:
    """Every entry of the user's own unit, drafts included, current ones first."""
    org_id = _org_id(user)
    if org_id is None:
        return UseFirstListEntry.objects.none()
    return (
        UseFirstListEntry.objects.filter(achievement__owner_id=org_id)
        .select_related("achievement")
        .order_by("left_on", "-joined_on", "-id")
    )


@dataclass
class Upcoming:
    achievement: Achievement
    joins_on: dt.date
    days_left: int


def use_first_upcoming(user: Any, today: dt.date, within_days: int = 90) -> list[Upcoming]:
    """The unit's untransferred achievements that will join the list within `within_days`."""
    org_id = _org_id(user)
    if org_id is None:
        return []
    candidates = Achievement.objects.filter(
        owner_id=org_id, fiscally_funded=True, is_applied_technology=True,
        ip_acquired_on__isnull=False, transfer_status=TransferStatus.UNTRANSFERRED,
        ip_acquired_on__lte=today + dt.timedelta(days=within_days) - dt.timedelta(days=2 * 365 - 2),
    )
    rows = []
    for achievement in candidates:
        joins = joins_on_for(achievement, None)
        if joins is None or transfer_deadline.on_list(joins, None, today):
            continue
        days = (joins - today).days
        if 0 < days <= within_days:
            rows.append(Upcoming(achievement=achievement, joins_on=joins, days_left=days))
    return sorted(rows, key=lambda r: (r.joins_on, r.achievement.pk))


def reminders_mine(user: Any, limit: int = 50) -> QuerySet[TransferReminder]:
    """The in-app record of notices sent to the user's unit, newest first."""
    org_id = _org_id(user)
    if org_id is None:
        return TransferReminder.objects.none()
    return (
        TransferReminder.objects.filter(achievement__owner_id=org_id)
        .select_related("achievement")
        .order_by("-sent_on", "-id")[:limit]
    )
