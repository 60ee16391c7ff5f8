"""Reads of publicity notices: who sees what, the public list, the period as shown, and the
licensing app's question "may this price be signed?"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhuanhua.accounts.choices import ACHIEVEMENT_EDITOR_ROLES
from zhuanhua.accounts.http import Visitor
from zhuanhua.publicity.choices import CLOSED_STATES, NoticeKind, NoticeStatus
from zhuanhua.publicity.models import Notice, Objection

# Publicised inside the publishing unit only (exemption guide art. 13: 在单位内部公示).
INTERNAL_KINDS = (NoticeKind.EXEMPTION_CONCLUSION,)


def notice_visible_to(user: Visitor) -> QuerySet[Notice]:
    """Every notice past its draft is public, except internal kinds, which only the publishing
    unit and the department see; drafts only to their own unit."""
    condition = ~Q(status=NoticeStatus.DRAFT) & ~Q(kind__in=INTERNAL_KINDS)
    if user.is_authenticated:
        if user.organisation_id:
            condition |= Q(publisher_id=user.organisation_id)
        if user.is_reviewer or user.is_auditor or user.is_platform_admin:
            condition |= ~Q(status=NoticeStatus.DRAFT)
    return Notice.objects.filter(condition)


def notice_public_list(*, kind: str = "", status: str = "") -> QuerySet[Notice]:
    """Published and closed notices, newest first, optionally one kind or one status."""
    qs = Notice.objects.exclude(status=NoticeStatus.DRAFT).exclude(kind__in=INTERNAL_KINDS)
    if kind in NoticeKind.values:
        qs = qs.filter(kind=kind)
    if status in NoticeStatus.values and status != NoticeStatus.DRAFT:
        qs = qs.filter(status=status)
    return qs.select_related("publisher", "achievement", "licensee").order_by("-starts_on", "-id")


def notice_drafts_of(user: Visitor) -> QuerySet[Notice]:
    if not user.is_authenticated or not user.organisation_id:
        return Notice.objects.none()
    return Notice.objects.filter(publisher_id=user.organisation_id, status=NoticeStatus.DRAFT)


def notice_internal_of(user: Visitor) -> QuerySet[Notice]:
    """The unit's own internal notices (not in the public list): its people read them in theirs."""
    if not user.is_authenticated or not user.organisation_id:
        return Notice.objects.none()
    return (
        Notice.objects.filter(publisher_id=user.organisation_id, kind__in=INTERNAL_KINDS)
        .exclude(status=NoticeStatus.DRAFT)
        .order_by("-starts_on", "-id")
    )


def can_see_objectors(user: Visitor, notice: Notice) -> bool:
    """Objectors' names: the publishing unit's managers and the department (reviewers,
    auditors, platform admins). Everyone else reads the text and the answer only."""
    if not user.is_authenticated:
        return False
    if user.is_reviewer or user.is_auditor or user.is_platform_admin:
        return True
    return user.organisation_id == notice.publisher_id and user.has_role(*ACHIEVEMENT_EDITOR_ROLES)


@dataclass(frozen=True)
class PeriodView:
    """The period as the detail page states it."""

    starts_on: dt.date
    ends_on: dt.date
    extended: bool
    calendar_known: bool
    days_left: int  # days after today up to the end date; 0 on the last day
    phase: str  # not_started | open | last_day | ended


def notice_period(notice: Notice, today: dt.date) -> PeriodView:
    days_left = (notice.ends_on - today).days
    if today <= notice.starts_on:
        phase = "not_started" if today < notice.starts_on else "open"
    elif days_left > 0:
        phase = "open"
    elif days_left == 0:
        phase = "last_day"
    else:
        phase = "ended"
    return PeriodView(
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        extended=notice.extended,
        calendar_known=notice.calendar_known,
        days_left=max(days_left, 0),
        phase=phase,
    )


def agreement_price_notice(*, achievement: Any, licensee: Any) -> Notice | None:
    """The latest agreement-price notice for this achievement and licensee that closed with
    every objection answered, or None. The licensing app may compare its price and method."""
    return (
        Notice.objects.filter(
            kind=NoticeKind.AGREEMENT_PRICE,
            achievement=achievement,
            licensee=licensee,
            status__in=CLOSED_STATES,
        )
        .exclude(Exists(Objection.objects.filter(notice=OuterRef("pk"), answered_at__isnull=True)))
        .order_by("-closed_at", "-id")
        .first()
    )


def agreement_price_cleared(*, achievement: Any, licensee: Any) -> bool:
    """True when an agreement-price notice for this achievement and licensee has closed with no
    unanswered objection (closing requires that, the check here is belt and braces)."""
    return agreement_price_notice(achievement=achievement, licensee=licensee) is not None
