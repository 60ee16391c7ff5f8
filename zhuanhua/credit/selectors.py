"""Reads of credit records: who sees what, the public list of active events, and the question
other apps ask — `credit_active_for(organisation)` (the subsidies app blocks applications)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeGuard

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhuanhua.accounts import scope
from zhuanhua.accounts.http import Visitor
from zhuanhua.accounts.models import User
from zhuanhua.credit.choices import CreditEventKind, CreditEventStatus, ReferralStatus
from zhuanhua.credit.models import CreditEvent, CreditReferral


def _active_q(on: dt.date) -> Q:
    return Q(status=CreditEventStatus.ACTIVE, effective_from__lte=on, effective_to__gte=on)


def credit_active_events(*, on: dt.date | None = None) -> QuerySet[CreditEvent]:
    """Events in force on ``on`` (default today): the public list."""
    on = on or timezone.localdate()
    return (
        CreditEvent.objects.filter(_active_q(on))
        .select_related("organisation")
        .order_by("-effective_from", "-id")
    )


def credit_active_for(organisation: Any, on: dt.date | None = None) -> bool:
    """True when the organisation has a credit event in force on ``on`` (default today)."""
    if organisation is None:
        return False
    on = on or timezone.localdate()
    org_id = getattr(organisation, "pk", organisation)
    return CreditEvent.objects.filter(_active_q(on), organisation_id=org_id).exists()


def credit_profile_events(organisation: Any, on: dt.date | None = None) -> list[CreditEvent]:
    """What the party's public profile shows: its events in force today."""
    on = on or timezone.localdate()
    return list(credit_active_events(on=on).filter(organisation_id=getattr(organisation, "pk", 0)))


def can_see_all(user: Visitor) -> TypeGuard[User]:
    """Reviewers (and platform admins) and auditors read every record."""
    return bool(user.is_authenticated and (user.is_reviewer or user.is_auditor))


def can_see_private(user: Visitor, event: CreditEvent) -> bool:
    """The hearing, the evidence and the appeals: the department and the party itself."""
    if can_see_all(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation_id
        and user.organisation_id == event.organisation_id
    )


def credit_event_visible_to(user: Visitor, on: dt.date | None = None) -> QuerySet[CreditEvent]:
    """Everyone sees events in force; the party sees all of its own; the department all."""
    on = on or timezone.localdate()
    if can_see_all(user):
        return CreditEvent.objects.all()
    condition = _active_q(on)
    if user.is_authenticated and user.is_active and user.organisation_id:
        condition |= Q(organisation_id=user.organisation_id)
    return CreditEvent.objects.filter(condition)


def credit_events_of_party(user: Visitor) -> QuerySet[CreditEvent]:
    """The user's own organisation's events, every status."""
    if not user.is_authenticated or not user.organisation_id:
        return CreditEvent.objects.none()
    return CreditEvent.objects.filter(organisation_id=user.organisation_id).order_by(
        "-effective_from", "-id"
    )


def credit_event_list_all(*, status: str = "", on: dt.date | None = None) -> QuerySet[CreditEvent]:
    """The department's full list, optionally by status as of ``on`` (expiry by date)."""
    on = on or timezone.localdate()
    qs = CreditEvent.objects.select_related("organisation").order_by("-recorded_at", "-id")
    if status == CreditEventStatus.ACTIVE:
        qs = qs.filter(status=CreditEventStatus.ACTIVE, effective_to__gte=on)
    elif status == CreditEventStatus.EXPIRED:
        qs = qs.filter(
            Q(status=CreditEventStatus.EXPIRED)
            | Q(status=CreditEventStatus.ACTIVE, effective_to__lt=on)
        )
    elif status == CreditEventStatus.REVOKED:
        qs = qs.filter(status=CreditEventStatus.REVOKED)
    return qs


def malicious_default_findings(organisation: Any, on: dt.date | None = None) -> list[CreditEvent]:
    """The party's findings of 恶意违约 in force on ``on`` (default today): what a unit is shown
    on the party's inquiries and licences (guide article 8). ``organisation`` or its id."""
    org_id = getattr(organisation, "pk", organisation)
    return list(
        credit_active_events(on=on).filter(
            organisation_id=org_id, kind=CreditEventKind.MALICIOUS_DEFAULT
        )
    )


def referrals_for_subject(subject_type: str, subject_id: str) -> QuerySet[CreditReferral]:
    """The referrals of one case (e.g. a licence), newest first, with their events."""
    return CreditReferral.objects.filter(
        subject_type=subject_type, subject_id=subject_id
    ).select_related("event", "referrer")


def sees_referrals(user: Visitor) -> bool:
    """The credit queue's readers: the provincial department and auditors (every referral), a
    supervising department's reviewers (their own units' referrals, issue 24)."""
    return can_see_all(user) or bool(user.is_authenticated and scope.is_supervising_reviewer(user))


def referral_queue(
    *, status: str = ReferralStatus.OPEN, user: Visitor | None = None
) -> QuerySet[CreditReferral]:
    """The department's credit queue: referrals by status (open first in time); for a
    supervising department's reviewer, only those its own units referred."""
    qs = CreditReferral.objects.select_related("organisation", "referrer", "event")
    if user is not None and not can_see_all(user):
        if not (user.is_authenticated and scope.is_supervising_reviewer(user)):
            return qs.none()
        qs = qs.filter(supervisor_id=user.organisation_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("referred_on", "id")
